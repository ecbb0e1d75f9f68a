/**
 * Everything the engine does INSIDE a page, as one self-contained factory:
 * `pageLib()` is serialised with toString() (see `call()`), so it must not
 * close over anything from this module. Its helpers share the factory's
 * scope. The DOM is reached through `globalThis` and typed loosely on
 * purpose: the Worker's tsconfig has no DOM lib (its `Element` is
 * HTMLRewriter's), and this code only ever runs in a browser.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { EngineFrame } from "./page";

export interface OptionInfo {
  index: number;
  value: string;
  label: string;
  selected?: boolean;
  disabled?: boolean;
}

export interface FieldDetails {
  found: boolean;
  tag: string;
  /** input type, select-one/select-multiple, textarea, or the ARIA role (combobox, listbox). */
  type: string;
  name: string;
  id: string;
  visible: boolean;
  disabled: boolean;
  readOnly: boolean;
  required: boolean;
  maxLength: number;
  pattern: string;
  placeholder: string;
  label: string;
  hint: string;
  value: string;
  checked: boolean;
  multiple: boolean;
  options: OptionInfo[];
  /** Checkbox/radio: every box of the same name in the form. */
  group: OptionInfo[];
  groupLabel: string;
}

export type FillOp =
  | { selector: string; kind: "text"; value: string; allowHidden?: boolean }
  | { selector: string; kind: "select"; values: string[] }
  | { selector: string; kind: "check"; checked: boolean }
  | { selector: string; kind: "group"; indices: number[] };

export interface FillResult {
  ok: boolean;
  value: string;
  reason?: string;
}

export interface PageState {
  url: string;
  title: string;
  readyState: string;
  /** HTTP status of the document (Navigation Timing), 0 when unknown. */
  status: number;
  text: string;
  mainText: string;
  headings: string;
  alerts: string[];
  successes: string[];
  invalid: { name: string; label: string; message: string }[];
  links: { href: string; text: string; inSuccess: boolean; inChrome: boolean }[];
}

export interface SubmitPrep {
  button: string | null;
  text: string;
  formFound: boolean;
  signature: string;
}

export interface Probe {
  sameDoc: boolean;
  unloading: boolean;
  readyState: string;
  signature: string;
  invalidBlocked: boolean;
  invalidFields: { name: string; label: string; message: string }[];
  busy: boolean;
}

export function pageLib() {
  const g = globalThis as any;
  const doc = g.document as any;
  const clean = (s: unknown) =>
    String(s ?? "")
      .replace(/\s+/g, " ")
      .trim();
  const fold = (s: string) =>
    String(s || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/[^a-z0-9'@+]+/g, " ")
      .trim();
  const q = (sel: string): any => {
    try {
      return doc.querySelector(sel);
    } catch {
      return null;
    }
  };
  const textOf = (el: any) => clean(el ? el.innerText || el.textContent : "");
  const byIds = (ids: string | null) =>
    clean(
      String(ids || "")
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => textOf(doc.getElementById(id)))
        .join(" "),
    );
  const visible = (el: any): boolean => {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    if (r.right < 0 || r.bottom < 0) return false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = g.getComputedStyle(e);
      if (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse" || parseFloat(cs.opacity) < 0.05) return false;
      if (/rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)|rect\(\s*1px[ ,]+1px/.test(cs.clip || "") || /inset\(\s*(50%|100%)/.test(cs.clipPath || "")) return false;
    }
    return true;
  };
  const CONTROLS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]), select, textarea";
  const labelOf = (el: any): string => {
    const parts: string[] = [];
    if (el.labels) for (const l of Array.from(el.labels as ArrayLike<any>)) parts.push(textOf(l));
    if (el.getAttribute("aria-labelledby")) parts.push(byIds(el.getAttribute("aria-labelledby")));
    if (el.getAttribute("aria-label")) parts.push(el.getAttribute("aria-label"));
    if (!parts.join("").trim()) {
      const wrap = el.closest("label");
      if (wrap) parts.push(textOf(wrap));
    }
    return clean(parts.join(" "));
  };
  /** The highest ancestor (a few levels up) that holds this control and no other field. */
  const wrapperOf = (el: any): any => {
    let best = el.parentElement;
    let cur = el.parentElement;
    for (let i = 0; cur && i < 4 && cur !== doc.body && cur.tagName !== "FORM"; i++, cur = cur.parentElement) {
      const others = Array.from(cur.querySelectorAll(CONTROLS) as ArrayLike<any>).filter((c: any) => c !== el && !(el.name && c.name === el.name));
      if (others.length) break;
      best = cur;
    }
    return best;
  };
  const hintOf = (el: any): string => {
    const parts: string[] = [];
    if (el.getAttribute("aria-describedby")) parts.push(byIds(el.getAttribute("aria-describedby")));
    const wrap = wrapperOf(el);
    if (wrap)
      for (const h of Array.from(wrap.querySelectorAll("small, .hint, .help, .help-block, .form-text, .description, .field-hint, .gfield_description") as ArrayLike<any>)) parts.push(textOf(h));
    const seen = new Set<string>();
    return parts.filter((p) => p && !seen.has(p) && seen.add(p)).join(" ");
  };
  const press = (el: any) => {
    const opts = { bubbles: true, cancelable: true, composed: true, view: g };
    try {
      el.dispatchEvent(new g.PointerEvent("pointerdown", opts));
      el.dispatchEvent(new g.MouseEvent("mousedown", opts));
      el.dispatchEvent(new g.PointerEvent("pointerup", opts));
      el.dispatchEvent(new g.MouseEvent("mouseup", opts));
    } catch {
      /* old engines without PointerEvent: the click below still goes */
    }
    if (typeof el.click === "function") el.click();
    else el.dispatchEvent(new g.MouseEvent("click", opts));
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const groupMembers = (el: any): any[] => {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (!el.name) return [el];
    const scope = el.form || el.closest("form") || doc;
    return Array.from(scope.querySelectorAll(`input[type="${type}"]`) as ArrayLike<any>).filter((x: any) => x.name === el.name);
  };
  const memberLabel = (x: any) => labelOf(x) || clean(x.nextSibling && x.nextSibling.nodeType === 3 ? x.nextSibling.nodeValue : textOf(x.parentElement));
  const listboxOf = (el: any): any => {
    const role = (el.getAttribute("role") || "").toLowerCase();
    if (role === "listbox") return el;
    const ids = (el.getAttribute("aria-controls") || el.getAttribute("aria-owns") || "").split(/\s+/).filter(Boolean);
    for (const id of ids) {
      const lb = doc.getElementById(id);
      if (lb) return lb;
    }
    let cur = el.parentElement;
    for (let i = 0; cur && i < 3; i++, cur = cur.parentElement) {
      const lb = cur.querySelector("[role=listbox]");
      if (lb) return lb;
    }
    return null;
  };
  const optionsOf = (lb: any): OptionInfo[] =>
    lb
      ? Array.from(lb.querySelectorAll("[role=option]") as ArrayLike<any>).map((o: any, i: number) => ({
          index: i,
          value: o.getAttribute("data-value") ?? o.getAttribute("value") ?? o.id ?? "",
          label: clean(o.textContent),
          selected: o.getAttribute("aria-selected") === "true",
          disabled: o.getAttribute("aria-disabled") === "true",
        }))
      : [];
  const signature = () => (doc.body ? `${clean(doc.body.innerText).length}:${doc.body.getElementsByTagName("*").length}` : "");
  const setNative = (el: any, value: string) => {
    const proto = el.tagName === "TEXTAREA" ? g.HTMLTextAreaElement.prototype : el.tagName === "SELECT" ? g.HTMLSelectElement.prototype : g.HTMLInputElement.prototype;
    const desc = Object.getOwnPropertyDescriptor(proto, "value");
    if (desc && desc.set) desc.set.call(el, value);
    else el.value = value;
  };
  const fire = (el: any, value?: string) => {
    try {
      el.dispatchEvent(new g.InputEvent("input", { bubbles: true, composed: true, inputType: "insertText", data: value ?? null }));
    } catch {
      el.dispatchEvent(new g.Event("input", { bubbles: true }));
    }
    el.dispatchEvent(new g.Event("change", { bubbles: true }));
  };
  const invalidFields = (root: any) => {
    const out: { name: string; label: string; message: string }[] = [];
    for (const c of Array.from(root.querySelectorAll(`${CONTROLS}, [aria-invalid=true]`) as ArrayLike<any>)) {
      const flagged = c.getAttribute("aria-invalid") === "true";
      if (!flagged) continue;
      const message = byIds(c.getAttribute("aria-describedby")) || textOf(wrapperOf(c) && wrapperOf(c).querySelector(".error, .invalid-feedback, .field-error, [role=alert]"));
      out.push({ name: c.getAttribute("name") || c.id || "", label: labelOf(c) || c.getAttribute("placeholder") || c.getAttribute("title") || "", message });
    }
    return out;
  };

  return {
    describeFields(arg: { selectors: string[] }): FieldDetails[] {
      return arg.selectors.map((sel) => {
        const el = q(sel);
        const empty: FieldDetails = {
          found: false,
          tag: "",
          type: "",
          name: "",
          id: "",
          visible: false,
          disabled: false,
          readOnly: false,
          required: false,
          maxLength: -1,
          pattern: "",
          placeholder: "",
          label: "",
          hint: "",
          value: "",
          checked: false,
          multiple: false,
          options: [],
          group: [],
          groupLabel: "",
        };
        if (!el) return empty;
        const tag = el.tagName.toLowerCase();
        const role = (el.getAttribute("role") || "").toLowerCase();
        const type =
          tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : tag === "select" ? (el.multiple ? "select-multiple" : "select-one") : tag === "textarea" ? "textarea" : role || tag;
        const label = labelOf(el);
        const wrap = wrapperOf(el);
        const info: FieldDetails = {
          ...empty,
          found: true,
          tag,
          type,
          name: el.getAttribute("name") || "",
          id: el.id || "",
          visible: visible(el),
          disabled: !!el.disabled || el.getAttribute("aria-disabled") === "true",
          readOnly: !!el.readOnly,
          required: !!el.required || el.getAttribute("aria-required") === "true" || /\*/.test(label) || !!(wrap && wrap.querySelector(".req, .required, abbr[title*=equired]")),
          maxLength: typeof el.maxLength === "number" && el.maxLength > 0 ? el.maxLength : -1,
          pattern: el.getAttribute("pattern") || "",
          placeholder: el.getAttribute("placeholder") || "",
          label,
          hint: hintOf(el),
          value: typeof el.value === "string" ? el.value : "",
          checked: !!el.checked,
          multiple: !!el.multiple,
        };
        if (tag === "select") {
          info.options = Array.from(el.options as ArrayLike<any>).map((o: any, i: number) => ({
            index: i,
            value: o.value,
            label: clean(o.label || o.text),
            selected: !!o.selected,
            disabled: !!o.disabled,
          }));
        } else if (type === "checkbox" || type === "radio") {
          info.group = groupMembers(el).map((x: any, i: number) => ({ index: i, value: x.value, label: memberLabel(x), selected: !!x.checked }));
          const fs = el.closest("fieldset");
          const rg = el.closest("[role=group], [role=radiogroup]");
          info.groupLabel = clean(
            (rg && (byIds(rg.getAttribute("aria-labelledby")) || rg.getAttribute("aria-label"))) || (fs && fs.querySelector("legend") && textOf(fs.querySelector("legend"))) || "",
          );
        } else if (role === "combobox" || role === "listbox") {
          info.options = optionsOf(listboxOf(el));
          const hidden = el.parentElement && el.parentElement.querySelector("input[type=hidden]");
          info.value = hidden ? hidden.value : "";
          if (hidden && !info.name) info.name = hidden.getAttribute("name") || "";
        }
        return info;
      });
    },

    /**
     * Puts files into a file input the way a person's file picker does:
     * a DataTransfer's list assigned to `files`, then input and change
     * (the bytes travel as base64: Browser Rendering has no file system to
     * upload from).
     */
    setFiles(arg: { selector: string; files: { name: string; type: string; base64: string }[] }): FillResult {
      const el = q(arg.selector);
      if (!el || String(el.type).toLowerCase() !== "file") return { ok: false, value: "", reason: "no file input" };
      try {
        const dt = new g.DataTransfer();
        for (const f of arg.files.slice(0, el.multiple ? arg.files.length : 1)) {
          const raw = g.atob(f.base64);
          const bytes = new Uint8Array(raw.length);
          for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
          dt.items.add(new g.File([bytes], f.name, { type: f.type }));
        }
        el.files = dt.files;
        fire(el);
        const names = Array.from(el.files as ArrayLike<any>).map((x: any) => x.name);
        return { ok: names.length > 0, value: names.join(", ") };
      } catch (err) {
        return { ok: false, value: "", reason: String(err) };
      }
    },

    applyFills(arg: { ops: FillOp[] }): FillResult[] {
      return arg.ops.map((op) => {
        const el = q(op.selector);
        if (!el) return { ok: false, value: "", reason: "not found" };
        if (el.disabled) return { ok: false, value: "", reason: "disabled" };
        try {
          if (op.kind === "text") {
            // Never type into what people cannot see: hidden, or hidden from assistive tech and out of the tab order (honeypot traits).
            if (!op.allowHidden && (!visible(el) || (el.closest("[aria-hidden=true]") && el.tabIndex < 0))) return { ok: false, value: "", reason: "hidden" };
            if (el.readOnly) return { ok: false, value: "", reason: "read-only" };
            if (typeof el.focus === "function") el.focus({ preventScroll: true });
            setNative(el, op.value);
            fire(el, op.value);
            if (typeof el.blur === "function") el.blur();
            return { ok: el.value === op.value, value: el.value };
          }
          if (op.kind === "select") {
            if (el.multiple) {
              for (const o of Array.from(el.options as ArrayLike<any>) as any[]) o.selected = op.values.includes(o.value);
            } else setNative(el, op.values[0] ?? "");
            fire(el);
            const chosen = Array.from(el.selectedOptions as ArrayLike<any>).map((o: any) => o.value);
            return { ok: op.values.every((v) => chosen.includes(v)), value: chosen.join(", ") };
          }
          if (op.kind === "check") {
            if (!!el.checked !== op.checked) el.click();
            if (!!el.checked !== op.checked) {
              el.checked = op.checked;
              fire(el);
            }
            return { ok: !!el.checked === op.checked, value: el.checked ? el.value || "on" : "" };
          }
          const members = groupMembers(el);
          for (const i of op.indices) {
            const m = members[i];
            if (m && !m.checked) m.click();
            if (m && !m.checked) {
              m.checked = true;
              fire(m);
            }
          }
          const on = members.filter((m: any) => m.checked).map((m: any) => m.value);
          return { ok: op.indices.every((i) => members[i] && members[i].checked), value: on.join(", ") };
        } catch (err) {
          return { ok: false, value: "", reason: String(err) };
        }
      });
    },

    async openCombobox(arg: { selector: string; query?: string }): Promise<OptionInfo[]> {
      const el = q(arg.selector);
      if (!el) return [];
      if (el.getAttribute("aria-expanded") !== "true") press(el);
      if (arg.query && (el.tagName === "INPUT" || el.isContentEditable)) {
        setNative(el, arg.query);
        fire(el, arg.query);
      }
      for (let waited = 0; waited < 1500; waited += 50) {
        const options = optionsOf(listboxOf(el));
        const lb = listboxOf(el);
        if (options.length && lb && visible(lb)) return options;
        await sleep(50);
      }
      return optionsOf(listboxOf(el));
    },

    async pickComboboxOption(arg: { selector: string; index: number }): Promise<FillResult> {
      const el = q(arg.selector);
      const lb = el && listboxOf(el);
      const option = lb ? Array.from(lb.querySelectorAll("[role=option]") as ArrayLike<any>)[arg.index] : null;
      if (!option) return { ok: false, value: "", reason: "option not found" };
      if (typeof option.scrollIntoView === "function") option.scrollIntoView({ block: "nearest" });
      press(option);
      await sleep(60);
      const container = el.closest("[data-dropdown], .dropdown, .select, .combobox") || el.parentElement;
      const hidden = container && container.querySelector("input[type=hidden]");
      const shown = clean(el.value || el.textContent);
      const wanted = clean(option.textContent);
      const ok = (hidden ? hidden.value !== "" : true) && (shown === wanted || option.getAttribute("aria-selected") === "true" || (hidden && hidden.value === option.getAttribute("data-value")));
      if (el.getAttribute("aria-expanded") === "true") press(doc.body);
      return { ok: !!ok, value: hidden ? hidden.value : shown };
    },

    async captchaImage(arg: { selector: string; marker: string }): Promise<{ base64?: string; via?: string; error?: string; imageSelector?: string; src?: string }> {
      const input = q(arg.selector);
      if (!input) return { error: "captcha input not found" };
      let img: any = null;
      for (let cur = input.parentElement, i = 0; cur && i < 5 && !img; cur = cur.parentElement, i++) {
        const imgs = Array.from(cur.querySelectorAll("img, canvas") as ArrayLike<any>).filter((x: any) => visible(x));
        img = imgs.find((x: any) => /captcha|code|verif|secur/i.test(`${x.getAttribute("src") || ""} ${x.getAttribute("alt") || ""} ${x.className || ""} ${x.id || ""}`)) || imgs[0] || null;
      }
      if (!img) return { error: "no captcha image next to the captcha field" };
      img.setAttribute("data-db-captcha", arg.marker);
      const imageSelector = `[data-db-captcha="${arg.marker}"]`;
      if (img.tagName === "CANVAS") {
        try {
          const url = img.toDataURL("image/png");
          return { base64: url.slice(url.indexOf(",") + 1), via: "canvas", imageSelector };
        } catch {
          return { error: "captcha canvas is not readable", imageSelector };
        }
      }
      if (!img.complete)
        await new Promise((resolve) => {
          img.addEventListener("load", resolve, { once: true });
          img.addEventListener("error", resolve, { once: true });
          setTimeout(resolve, 3000);
        });
      const w = img.naturalWidth || img.width;
      const h = img.naturalHeight || img.height;
      if (w && h) {
        try {
          const canvas = doc.createElement("canvas");
          canvas.width = w;
          canvas.height = h;
          canvas.getContext("2d").drawImage(img, 0, 0, w, h);
          const url = canvas.toDataURL("image/png");
          return { base64: url.slice(url.indexOf(",") + 1), via: "canvas", imageSelector, src: img.src };
        } catch {
          /* cross-origin image: the caller screenshots the element instead */
        }
      }
      return { imageSelector, src: img.src };
    },

    findTokenCaptchas(): { kind: "recaptcha" | "hcaptcha"; siteKey: string; callback: string }[] {
      const out: { kind: "recaptcha" | "hcaptcha"; siteKey: string; callback: string }[] = [];
      for (const w of Array.from(doc.querySelectorAll("[data-sitekey]") as ArrayLike<any>) as any[]) {
        const cls = `${w.className || ""}`;
        const hcaptcha =
          /h-captcha|hcaptcha/i.test(cls) || (!/g-recaptcha|recaptcha/i.test(cls) && !!doc.querySelector("[name=h-captcha-response]") && !doc.querySelector("[name=g-recaptcha-response]"));
        out.push({ kind: hcaptcha ? "hcaptcha" : "recaptcha", siteKey: w.getAttribute("data-sitekey") || "", callback: w.getAttribute("data-callback") || "" });
      }
      if (!out.length) {
        for (const f of Array.from(doc.querySelectorAll("iframe[src*='recaptcha'], iframe[src*='hcaptcha']") as ArrayLike<any>) as any[]) {
          try {
            const u = new URL(f.src);
            const key = u.searchParams.get("k") || u.searchParams.get("sitekey") || "";
            if (key) out.push({ kind: /hcaptcha/.test(u.host) ? "hcaptcha" : "recaptcha", siteKey: key, callback: "" });
          } catch {
            /* not a URL */
          }
        }
      }
      return out;
    },

    setCaptchaToken(arg: { kind: "recaptcha" | "hcaptcha"; token: string; callback: string }): number {
      const names = arg.kind === "hcaptcha" ? ["h-captcha-response", "g-recaptcha-response"] : ["g-recaptcha-response"];
      let set = 0;
      for (const n of names) {
        for (const el of Array.from(doc.querySelectorAll(`[name="${n}"]`) as ArrayLike<any>) as any[]) {
          setNative(el, arg.token);
          if (el.tagName === "TEXTAREA") el.textContent = arg.token;
          el.dispatchEvent(new g.Event("change", { bubbles: true }));
          set++;
        }
      }
      if (arg.callback && typeof g[arg.callback] === "function") {
        try {
          g[arg.callback](arg.token);
        } catch {
          /* the site's own callback failing is the site's business */
        }
      }
      return set;
    },

    prepareSubmit(arg: { marker: string; fieldSelector: string; submitSelector?: string; submitPattern?: string; submitWords: string; notSubmitWords: string }): SubmitPrep {
      g.__dbMarker = arg.marker;
      g.__dbUnloading = false;
      const unloading = () => {
        g.__dbUnloading = true;
      };
      g.addEventListener("beforeunload", unloading);
      g.addEventListener("pagehide", unloading);
      const field = q(arg.fieldSelector);
      const form = field ? field.form || field.closest("form") : null;
      g.__dbForm = form;
      const tag = (el: any, text: string): SubmitPrep => {
        el.setAttribute("data-db-submit", arg.marker);
        g.__dbButton = el;
        return { button: `[data-db-submit="${arg.marker}"]`, text, formFound: !!form, signature: signature() };
      };
      if (arg.submitSelector) {
        const el = q(arg.submitSelector);
        if (el) return tag(el, textOf(el) || el.value || "");
      }
      let scope = form;
      if (!scope && field) {
        scope = field.parentElement;
        while (scope && scope !== doc.body && !scope.querySelector("button, input[type=submit], input[type=image], [role=button]")) scope = scope.parentElement;
      }
      if (!scope) scope = doc.body;
      const extra = form && form.id ? Array.from(doc.querySelectorAll(`[form="${form.id}"]`) as ArrayLike<any>) : [];
      const all = [
        ...(Array.from(scope.querySelectorAll("button, input[type=submit], input[type=image], input[type=button], [role=button], a.btn, a.button") as ArrayLike<any>) as any[]),
        ...(extra as any[]),
      ];
      const submitRe = new RegExp(arg.submitWords, "i");
      const notRe = new RegExp(arg.notSubmitWords, "i");
      const wanted = arg.submitPattern ? new RegExp(arg.submitPattern, "i") : null;
      const cands = all
        .filter((b) => visible(b) && !b.disabled)
        .map((b) => {
          const text = clean(b.innerText || b.value || b.getAttribute("aria-label") || b.getAttribute("alt") || b.getAttribute("title") || "");
          const t = (b.getAttribute("type") || "").toLowerCase();
          const isSubmit = (b.tagName === "BUTTON" && (t === "" || t === "submit")) || (b.tagName === "INPUT" && (t === "submit" || t === "image"));
          return { b, text, isSubmit, f: fold(text) };
        });
      const pick =
        (wanted && cands.find((c) => wanted.test(c.f))) ||
        cands.find((c) => c.isSubmit && submitRe.test(` ${c.f}`) && !notRe.test(` ${c.f}`)) ||
        [...cands].reverse().find((c) => c.isSubmit && !notRe.test(` ${c.f}`)) ||
        cands.find((c) => !c.isSubmit && submitRe.test(` ${c.f}`) && !notRe.test(` ${c.f}`));
      if (pick) return tag(pick.b, pick.text);
      return { button: null, text: "", formFound: !!form, signature: signature() };
    },

    requestSubmit(): boolean {
      const form = g.__dbForm;
      if (!form) return false;
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
      return true;
    },

    clickTagged(arg: { selector: string }): boolean {
      const el = q(arg.selector);
      if (!el) return false;
      press(el);
      return true;
    },

    probe(arg: { marker: string }): Probe {
      const form = g.__dbForm;
      let invalidBlocked = false;
      let fields: { name: string; label: string; message: string }[] = [];
      if (g.__dbMarker === arg.marker && form && form.isConnected && !form.noValidate && !(g.__dbButton && g.__dbButton.formNoValidate)) {
        try {
          const bad = Array.from(form.elements as ArrayLike<any>).filter((c: any) => typeof c.checkValidity === "function" && c.willValidate && !c.validity.valid);
          invalidBlocked = bad.length > 0;
          fields = bad.slice(0, 6).map((c: any) => ({ name: c.getAttribute("name") || c.id || "", label: labelOf(c) || c.getAttribute("placeholder") || "", message: c.validationMessage || "" }));
        } catch {
          /* detached */
        }
      }
      const button = g.__dbButton;
      return {
        sameDoc: g.__dbMarker === arg.marker,
        unloading: !!g.__dbUnloading,
        readyState: doc.readyState,
        signature: signature(),
        invalidBlocked,
        invalidFields: fields,
        busy: !!(button && button.isConnected && button.disabled && form && form.isConnected),
      };
    },

    pageState(): PageState {
      const ERR =
        "[role=alert], .alert-error, .alert-danger, .alert-warning, .error, .errors, .errorlist, .error-message, .field-error, .invalid-feedback, .validation-summary-errors, .field-validation-error, .notice-error, .message-error, .text-danger, .form-error, .wpcf7-not-valid-tip, .validation_message, #errors, .errormsg";
      const OK =
        "[role=status], .alert-success, .success, .notice-success, .message-success, .updated, .confirmation, .thank-you, .thankyou, .thanks, .wpcf7-mail-sent-ok, .gform_confirmation_message";
      const texts = (sel: string) => {
        const els = Array.from(doc.querySelectorAll(sel) as ArrayLike<any>).filter((e: any) => visible(e) && textOf(e));
        // keep the outermost of nested matches
        return els.filter((e: any) => !els.some((o: any) => o !== e && o.contains(e))).map((e: any) => textOf(e).slice(0, 600));
      };
      const successEls = Array.from(doc.querySelectorAll(OK) as ArrayLike<any>).filter((e: any) => visible(e));
      const chrome = "header, nav, footer, [role=navigation], [role=banner], [role=contentinfo]";
      const links = (Array.from(doc.querySelectorAll("a[href]") as ArrayLike<any>) as any[]).slice(0, 80).map((a) => ({
        href: a.href,
        text: clean(a.textContent).slice(0, 200),
        inSuccess: successEls.some((s: any) => s.contains(a)),
        inChrome: !!a.closest(chrome),
      }));
      const main = doc.querySelector("main, [role=main], #main, #content, .content, article") || doc.body;
      let status = 0;
      try {
        const nav = g.performance.getEntriesByType("navigation")[0];
        status = (nav && nav.responseStatus) || 0;
      } catch {
        /* old engine */
      }
      return {
        url: g.location.href,
        title: clean(doc.title),
        readyState: doc.readyState,
        status,
        text: clean(doc.body ? doc.body.innerText : "").slice(0, 6000),
        mainText: textOf(main).slice(0, 4000),
        headings: Array.from(doc.querySelectorAll("h1, h2") as ArrayLike<any>)
          .filter((h: any) => visible(h))
          .map((h: any) => textOf(h))
          .join(" | ")
          .slice(0, 400),
        alerts: texts(ERR),
        successes: texts(OK),
        invalid: invalidFields(doc),
        links,
      };
    },

    clickByText(arg: { pattern: string; marker: string }): string | null {
      const re = new RegExp(arg.pattern, "i");
      const els = Array.from(doc.querySelectorAll("a, button, [role=button], [role=link], input[type=submit], input[type=button], label") as ArrayLike<any>) as any[];
      const hits = els.filter((e) => visible(e) && re.test(` ${fold(e.innerText || e.value || e.getAttribute("aria-label") || e.getAttribute("title") || "")}`));
      if (!hits.length) return null;
      hits.sort((a, b) => clean(a.innerText || a.value).length - clean(b.innerText || b.value).length);
      hits[0].setAttribute("data-db-click", arg.marker);
      return `[data-db-click="${arg.marker}"]`;
    },

    async checkUrl(arg: { url: string }): Promise<{ status: number; sameOrigin: boolean }> {
      try {
        const u = new URL(arg.url, g.location.href);
        if (u.origin !== g.location.origin) return { status: 0, sameOrigin: false };
        const res = await g.fetch(u.href, { credentials: "include", redirect: "follow" });
        return { status: res.status, sameOrigin: true };
      } catch {
        return { status: 0, sameOrigin: true };
      }
    },
  };
}

export type PageLib = ReturnType<typeof pageLib>;

const LIB_SOURCE = `(${pageLib.toString()})()`;

/** Calls one of the page library's functions inside a frame. */
/**
 * The library is built once per document and kept on the document under a
 * name of this process (non-enumerable): a call then sends its name and
 * argument, not the library's whole source to parse and build again (issue
 * 21: the engine calls into a page dozens of times per form, probing every
 * 100 ms while a submit settles). Kept on the document, not the window: the
 * window of an initial about:blank is reused by the first page, its
 * document is not. A call that finds no library sends the source.
 */
const LIB_KEY = `__directorybolt_${Math.random().toString(36).slice(2, 10)}`;
const NO_LIB = `${LIB_KEY}:none`;

/** The library for `evaluateOnNewDocument`: built on each new document before its scripts run (the consumer's spare pages). */
export function libPreload(): string {
  const key = JSON.stringify(LIB_KEY);
  return `(() => { const __name = (f) => f; if (!document[${key}]) { const lib = ${LIB_SOURCE}; try { Object.defineProperty(document, ${key}, { value: lib, enumerable: false }); } catch {} } })()`;
}

export async function call<K extends keyof PageLib>(frame: EngineFrame, name: K, arg: Parameters<PageLib[K]>[0]): Promise<Awaited<ReturnType<PageLib[K]>>> {
  const invoke = `lib[${JSON.stringify(name)}](${JSON.stringify(arg ?? null)})`;
  const key = JSON.stringify(LIB_KEY);
  const quick = `(() => { const lib = document[${key}]; return lib ? ${invoke} : ${JSON.stringify(NO_LIB)}; })()`;
  const result = await frame.evaluate(quick);
  if (result !== NO_LIB) return result as Awaited<ReturnType<PageLib[K]>>;
  const full = `(() => { const __name = (f) => f; let lib = document[${key}]; if (!lib) { lib = ${LIB_SOURCE}; try { Object.defineProperty(document, ${key}, { value: lib, enumerable: false }); } catch {} } return ${invoke}; })()`;
  return (await frame.evaluate(full)) as Awaited<ReturnType<PageLib[K]>>;
}
