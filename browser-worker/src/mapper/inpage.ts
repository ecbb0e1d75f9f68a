/**
 * The in-page driver: finds the controls of one document, groups them by
 * form, and runs signals → visibility/honeypot → scoring → form context.
 * Runs IN THE PAGE. Its helpers arrive as `deps` (each one serialized
 * separately by script.ts) so this function closes over nothing.
 */
import type { assessVisibility, honeypotVerdict } from "./honeypot";
import type { collectSignals } from "./signals";
import type { createScorer, ScoredField } from "./scoring";
import type { DomElement, PageGlobals } from "./dom";
import type { MapperConfig, RawDocumentResult } from "./types";

export interface InPageDeps {
  collectSignals: typeof collectSignals;
  assessVisibility: typeof assessVisibility;
  honeypotVerdict: typeof honeypotVerdict;
  createScorer: typeof createScorer;
}

export function mapDocument(config: MapperConfig & { honeypotWords: string }, deps: InPageDeps): RawDocumentResult {
  const window = globalThis as unknown as PageGlobals;
  const document = window.document;
  const scorer = deps.createScorer(config);
  const honeypotRe = new RegExp(config.honeypotWords, "i");
  const NOT_FIELDS = /^(hidden|submit|button|image|reset)$/;

  // Candidate controls in document order. Custom dropdowns count only when
  // they are not wrappers around a native control we already take.
  const all = Array.from(document.querySelectorAll("input, select, textarea, [role=combobox], [role=listbox]"));
  const controls: DomElement[] = [];
  for (const el of all) {
    const tag = el.tagName;
    if (tag === "INPUT") {
      if (NOT_FIELDS.test((el.getAttribute("type") || "text").toLowerCase())) continue;
      controls.push(el);
    } else if (tag === "SELECT" || tag === "TEXTAREA") {
      controls.push(el);
    } else {
      if (el.querySelector("input:not([type=hidden]), select, textarea")) continue;
      if (el.closest("select, datalist")) continue;
      const role = (el.getAttribute("role") || "").toLowerCase();
      // a listbox that is the popup of a combobox belongs to that combobox
      if (role === "listbox" && el.id && document.querySelector('[aria-controls~="' + el.id + '"], [aria-owns~="' + el.id + '"]')) continue;
      if (role === "listbox" && el.closest("[role=combobox]")) continue;
      controls.push(el);
    }
  }

  // A hidden <select> with a visible custom widget right after it (select2,
  // chosen, choices.js...) is still the field; the widget is its face.
  const widgetBeside = (el: DomElement): boolean => {
    const nx = [el.nextElementSibling, el.parentElement && el.parentElement.nextElementSibling];
    for (const n of nx) {
      if (!n) continue;
      const r = n.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue;
      if (n.matches('[role=combobox], [class*="select"], [class*="chosen"], [class*="dropdown"], [class*="choices"]') || n.querySelector("[role=combobox]")) return true;
    }
    return false;
  };

  const cssEsc = (s: string) => (window.CSS && window.CSS.escape ? window.CSS.escape(s) : s.replace(/([^a-zA-Z0-9_-])/g, "\\$1"));
  const unique = (sel: string, el: DomElement) => {
    try {
      const found = document.querySelectorAll(sel);
      return found.length === 1 && found[0] === el;
    } catch {
      return false;
    }
  };
  // A selector the filler can use later: #id, tag[name=...], else a path
  // of :nth-of-type steps from the nearest ancestor with a unique id.
  const selectorFor = (el: DomElement): string => {
    const tag = el.tagName.toLowerCase();
    if (el.id && unique("#" + cssEsc(el.id), el)) return "#" + cssEsc(el.id);
    const nm = el.getAttribute("name");
    if (nm) {
      const s = tag + '[name="' + nm.replace(/(["\\])/g, "\\$1") + '"]';
      if (unique(s, el)) return s;
      const f = el.form;
      if (f && f.id && unique("#" + cssEsc(f.id) + " " + s, el)) return "#" + cssEsc(f.id) + " " + s;
      const v = el.getAttribute("value");
      if (v != null && unique(s + '[value="' + v.replace(/(["\\])/g, "\\$1") + '"]', el)) return s + '[value="' + v.replace(/(["\\])/g, "\\$1") + '"]';
    }
    const parts: string[] = [];
    let cur: DomElement | null = el;
    while (cur && cur !== document.documentElement) {
      if (cur !== el && cur.id && unique("#" + cssEsc(cur.id), cur)) {
        parts.unshift("#" + cssEsc(cur.id));
        break;
      }
      const t = cur.tagName.toLowerCase();
      let i = 1;
      for (let s = cur.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === cur.tagName) i++;
      parts.unshift(t + ":nth-of-type(" + i + ")");
      cur = cur.parentElement;
    }
    return parts.join(" > ");
  };

  // Words that say what a form is for: its submit button first, then other
  // buttons and links, headings, and the form's own attributes.
  const formWords = (root: DomElement | null, els: DomElement[]): { submit: string; other: string } => {
    const submit: string[] = [];
    const other: string[] = [];
    let scope: DomElement | null = root;
    if (!root) {
      // formless controls: the nearest container holding all of them
      let c: DomElement | null = els[0] ? els[0].parentElement : null;
      for (let i = 0; c && i < 6 && !els.every((e) => c!.contains(e)); i++) c = c.parentElement;
      scope = c;
    } else {
      other.push(root.getAttribute("id") || "", root.getAttribute("name") || "", root.getAttribute("action") || "", root.getAttribute("class") || "");
    }
    if (!scope) return { submit: "", other: "" };
    const textOf = (b: DomElement) => (b.innerText || b.getAttribute("value") || b.getAttribute("aria-label") || "").slice(0, 60);
    for (const b of Array.from(scope.querySelectorAll("button, input[type=submit], input[type=button], input[type=image], [role=button]")).slice(0, 15)) {
      const t = (b.getAttribute("type") || "").toLowerCase();
      const isSubmit = t === "submit" || t === "image" || (b.tagName === "BUTTON" && !t);
      (isSubmit ? submit : other).push(textOf(b) || b.getAttribute("alt") || "");
    }
    for (const a of Array.from(scope.querySelectorAll("a")).slice(0, 15)) other.push(textOf(a));
    for (const h of Array.from(scope.querySelectorAll("h1, h2, h3, h4, legend")).slice(0, 4)) other.push(h.innerText || "");
    return { submit: submit.join(" ").slice(0, 300), other: other.join(" ").slice(0, 600) };
  };
  const h1 = document.querySelector("h1");
  const pageWords = (document.title || "") + " " + (h1 ? h1.innerText || "" : "");

  interface Item {
    el: DomElement;
    field: ScoredField;
  }
  const groups = new Map<DomElement | null, Item[]>();
  for (const el of controls) {
    const vis = deps.assessVisibility(el);
    const sig = deps.collectSignals(el);
    const form = el.form || el.closest("form");
    const list = groups.get(form) || [];
    list.push({ el, field: { sig, vis, score: scorer.score(sig), honeypot: false } });
    groups.set(form, list);
  }

  const forms: RawDocumentResult["forms"] = [];
  const allForms = Array.from(document.forms);
  const order = Array.from(groups.keys()).sort((a, b) => (a === null ? 1 : b === null ? -1 : allForms.indexOf(a) - allForms.indexOf(b)));
  for (const form of order) {
    const items = groups.get(form)!;
    // Invisible controls are still reported (visible: false): dormant steps
    // matter to callers, and honeypots must be named so nobody fills them.
    const visibleItems = items.filter((i) => i.field.vis.visible);
    const visibleClasses = new Set(visibleItems.map((i) => i.field.score.cls));
    const hiddenSingles = items.filter(
      (i) => !i.field.vis.visible && i.field.vis.hiddenPeers <= 2 && /^(display|visibility)$/.test(i.field.vis.hiddenBy) && /^(text|email|tel|url|number|textarea|)$/.test(i.field.sig.inputType),
    ).length;
    const a11yHidden = visibleItems.filter((i) => i.field.vis.tabindexNegative && i.field.vis.ariaHidden).length;
    for (const it of items) {
      const { sig, vis, score } = it.field;
      const isSelect = it.el.tagName === "SELECT";
      const behindWidget = !vis.visible && (isSelect ? widgetBeside(it.el) : /^(checkbox|radio|file)$/.test(sig.inputType) && vis.hiddenBy !== "display");
      it.field.honeypot = deps.honeypotVerdict(
        sig,
        vis,
        {
          formVisibleControls: visibleItems.length,
          hiddenSingles,
          cls: score.strength >= 0.45 ? score.cls : "unknown",
          confirmLike: (score.scores["x-password-new"] || 0) > 0.4,
          a11yHidden,
          duplicatesVisible: !vis.visible && score.strength > 0.4 && visibleClasses.has(score.cls),
          widgetBeside: isSelect && behindWidget,
        },
        honeypotRe,
      );
      // the native control behind its widget (select2, styled checkbox) counts as visible
      if (behindWidget && !it.field.honeypot) it.field.vis = { ...vis, visible: true };
    }

    const fields = items.map((i) => i.field);
    const words = formWords(
      form,
      items.map((i) => i.el),
    );
    const ctx = scorer.formContext(fields, words, pageWords);
    scorer.resolve(fields, ctx);
    forms.push({
      index: form ? allForms.indexOf(form) : -1,
      kind: ctx.kind,
      fields: items.map((i) => ({
        tag: i.el.tagName.toLowerCase(),
        name: i.field.sig.name,
        id: i.field.sig.id,
        type: i.field.type!,
        confidence: i.field.confidence!,
        selector: selectorFor(i.el),
        control: i.field.sig.inputType,
        visible: i.field.vis.visible,
        label: (i.field.sig.label || i.field.sig.ariaLabel || i.field.sig.placeholder || i.field.sig.nearby || i.field.sig.group).slice(0, 80),
        ...(config.debug
          ? {
              debug: {
                scores: i.field.score.scores,
                signals: { ...i.field.sig, options: i.field.sig.options.slice(0, 8), optionValues: i.field.sig.optionValues.slice(0, 8) },
                formKind: ctx.kind,
                formWords: words.submit + " | " + words.other.slice(0, 200) + " | " + pageWords.slice(0, 100),
                visibility: i.field.vis,
              },
            }
          : {}),
      })),
    });
  }
  return { url: window.location.href, forms };
}
