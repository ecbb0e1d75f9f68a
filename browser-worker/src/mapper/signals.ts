/**
 * Signal collection: runs IN THE PAGE. Reads every piece of text and markup
 * that can say what a control means and returns it raw; judging it is the
 * scorer's job. Self-contained on purpose (serialized with toString()): no
 * imports, no references to module scope.
 */
import type { DomElement, DomNode, PageGlobals } from "./dom";
import type { FieldSignals } from "./types";

export function collectSignals(el: DomElement): FieldSignals {
  const document = (globalThis as unknown as PageGlobals).document;
  const CONTROL_SEL = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]), select, textarea, [role=combobox], [role=listbox]";
  const SKIP_TEXT = /^(SCRIPT|STYLE|NOSCRIPT|SELECT|OPTION|TEXTAREA|TEMPLATE|SVG|BUTTON)$/;
  const MAX = 160;

  // Text of a subtree, ignoring controls' own text (select options would
  // otherwise turn "Country [Afghanistan Albania ...]" into noise).
  const textOf = (node: DomNode | null, limit = 400): string => {
    if (!node) return "";
    let out = "";
    const walk = (n: DomNode) => {
      if (out.length > limit) return;
      if (n.nodeType === 3) {
        out += n.nodeValue + " ";
        return;
      }
      if (n.nodeType !== 1) return;
      const e = n as DomElement;
      if (SKIP_TEXT.test(e.tagName.toUpperCase())) return;
      if (e.getAttribute("aria-hidden") === "true" && e !== node) return;
      if (e.tagName === "INPUT") {
        // a button-like input carries its label in value
        return;
      }
      for (let c = e.firstChild; c; c = c.nextSibling) walk(c);
    };
    walk(node);
    return out.replace(/\s+/g, " ").trim();
  };

  const attr = (name: string) => (el.getAttribute(name) || "").trim();
  const tag = el.tagName.toLowerCase();
  const role = attr("role").toLowerCase();
  let inputType: string;
  if (tag === "input") inputType = (attr("type") || "text").toLowerCase();
  else if (tag === "select") inputType = el.multiple ? "select-multiple" : "select-one";
  else if (tag === "textarea") inputType = "textarea";
  else inputType = role || tag;

  // label[for] and wrapping labels
  const labels: string[] = [];
  const labelEls = el.labels;
  if (labelEls) for (const l of Array.from(labelEls)) labels.push(textOf(l));
  else {
    const wrap = el.closest("label");
    if (wrap) labels.push(textOf(wrap));
    const id = el.id;
    if (id) {
      for (const l of Array.from(document.querySelectorAll("label[for]"))) {
        if (l.getAttribute("for") === id) labels.push(textOf(l));
      }
    }
  }

  // aria-label + aria-labelledby (ids may be several)
  const aria: string[] = [];
  if (attr("aria-label")) aria.push(attr("aria-label"));
  const lb = attr("aria-labelledby");
  if (lb) {
    for (const ref of lb.split(/\s+/)) {
      const t = document.getElementById(ref);
      if (t && t !== el) aria.push(textOf(t) || t.getAttribute("aria-label") || "");
    }
  }

  const countControls = (root: DomElement): number => {
    let n = root.matches(CONTROL_SEL) ? 1 : 0;
    n += root.querySelectorAll(CONTROL_SEL).length;
    return n;
  };
  const isGroupable = inputType === "checkbox" || inputType === "radio";
  const stopAt = (e: DomElement | null) => !e || e === document.body || e.tagName === "FORM" || e.tagName === "HTML";

  // Nearby text: the largest ancestor that holds this control and no other
  // (Chrome's "label inference" idea); else the closest preceding text that
  // does not belong to another control; else the table header cell above.
  let nearby = "";
  let container: DomElement = el;
  for (let i = 0; i < 7; i++) {
    const p = container.parentElement;
    if (stopAt(p) || countControls(p!) > 1) break;
    container = p!;
  }
  if (container !== el) nearby = textOf(container, MAX * 2);
  if (!nearby) {
    let cur: DomElement | null = container;
    outer: for (let up = 0; up < 4 && cur && !stopAt(cur); up++) {
      let sib: DomNode | null = cur.previousSibling;
      for (let k = 0; sib && k < 6; k++, sib = sib.previousSibling) {
        if (sib.nodeType === 3) {
          const t = (sib.nodeValue || "").replace(/\s+/g, " ").trim();
          if (t) {
            nearby = t;
            break outer;
          }
          continue;
        }
        if (sib.nodeType !== 1) continue;
        const se = sib as DomElement;
        if (se.matches(CONTROL_SEL) || se.querySelector(CONTROL_SEL)) break outer;
        // a label that names another control is that control's, not ours
        const forId = se.tagName === "LABEL" ? se.getAttribute("for") : null;
        if (forId && forId !== el.id) break outer;
        const t = textOf(se, MAX * 2);
        if (t) {
          nearby = t;
          break outer;
        }
      }
      // no preceding text at this level: look one level up, unless the
      // parent also holds other controls before us
      cur = cur.parentElement;
    }
  }
  // Table layouts with header rows: the cell above in the same column.
  if (!nearby) {
    const cell = el.closest("td,th");
    const row = cell && cell.parentElement;
    if (cell && row) {
      let prevRow = row.previousElementSibling;
      for (let k = 0; prevRow && k < 3; k++) {
        if (!prevRow.querySelector(CONTROL_SEL)) {
          const c = prevRow.cells ? prevRow.cells[cell.cellIndex || 0] : undefined;
          if (c) nearby = textOf(c, MAX);
          break;
        }
        prevRow = prevRow.previousElementSibling;
      }
    }
  }
  if (nearby.length > MAX) nearby = nearby.slice(0, MAX);

  const fs = el.closest("fieldset");
  const legendEl = fs && fs.querySelector("legend");
  const legend = legendEl ? textOf(legendEl, MAX) : "";

  // Checkbox / radio groups: the text naming the whole group ("Category",
  // "Rubrique") sits before the group, not in each option's label.
  let group = "";
  if (isGroupable) {
    const nm = attr("name");
    let g: DomElement = el;
    for (let i = 0; i < 6; i++) {
      const p = g.parentElement;
      if (stopAt(p)) break;
      const ctrls = Array.from(p!.querySelectorAll(CONTROL_SEL));
      const same = ctrls.every((c) => (c.getAttribute("type") || "").toLowerCase() === inputType && (!nm || c.getAttribute("name") === nm || ctrls.length <= 12));
      if (!same) break;
      g = p!;
    }
    // a lone box's wrapper is no group: the text before it names another control
    if (g !== el && countControls(g) > 1) {
      // text inside the group container that is not an option label
      const lg = g.tagName === "FIELDSET" ? g.querySelector("legend") : null;
      if (lg) group = textOf(lg, MAX);
      let sib: DomNode | null = g.previousSibling;
      for (let k = 0; !group && sib && k < 4; k++, sib = sib.previousSibling) {
        if (sib.nodeType === 3) group = (sib.nodeValue || "").replace(/\s+/g, " ").trim();
        else if (sib.nodeType === 1) {
          if ((sib as DomElement).querySelector(CONTROL_SEL) || (sib as DomElement).matches(CONTROL_SEL)) break;
          group = textOf(sib, MAX);
        }
      }
      if (!group) {
        // first text child of the container before the first control
        const first = g.firstElementChild;
        if (first && !first.matches(CONTROL_SEL) && !first.querySelector(CONTROL_SEL) && first.tagName !== "LABEL") group = textOf(first, MAX);
      }
    }
    if (group.length > MAX) group = group.slice(0, MAX);
  }

  // Options of a select, or of a custom listbox (aria-controls / owns)
  const options: string[] = [];
  const optionValues: string[] = [];
  if (tag === "select") {
    const opts = Array.from(el.options || []).slice(0, 400);
    for (const o of opts) {
      options.push((o.text || "").replace(/\s+/g, " ").trim());
      optionValues.push(o.value || "");
    }
  } else if (role === "combobox" || role === "listbox") {
    let lbx: DomElement | null = role === "listbox" ? el : null;
    const ctl = attr("aria-controls") || attr("aria-owns");
    if (!lbx && ctl) lbx = document.getElementById(ctl.split(/\s+/)[0] || "");
    if (lbx) {
      for (const o of Array.from(lbx.querySelectorAll("[role=option]")).slice(0, 400)) {
        options.push(textOf(o, 80));
        optionValues.push(o.getAttribute("data-value") || o.getAttribute("value") || "");
      }
    }
  }

  // An <img> right beside a text box is the classic image captcha.
  let imgNearby = false;
  if (tag === "input" && /^(text|tel|number|)$/.test(inputType)) {
    const scope = container !== el ? container : el.parentElement;
    const near = [scope, scope && scope.previousElementSibling, scope && scope.nextElementSibling];
    for (const n of near) {
      if (!n) continue;
      const imgs = n.tagName === "IMG" ? [n] : Array.from(n.querySelectorAll("img, canvas"));
      // captcha images are banner-shaped (~120×40), not icons, logos or photos
      const looksLikeCaptcha = (i: DomElement) => {
        const r = i.getBoundingClientRect();
        const words = (i.getAttribute("src") || "") + " " + (i.getAttribute("class") || "") + " " + (i.getAttribute("alt") || "");
        return r.width >= 50 && r.width <= 400 && r.height >= 20 && r.height <= 150 && r.width > r.height * 1.3 && !/logo|icon|flag|avatar|product/i.test(words);
      };
      if (imgs.some(looksLikeCaptcha)) {
        imgNearby = true;
        break;
      }
    }
  }

  // class names and data-* attribute values: weak but often informative
  // (data-testid="email-input"); capped so a long class soup stays cheap.
  let classes = (el.getAttribute("class") || "").slice(0, 200);
  for (const a of Array.from(el.attributes)) {
    if (/^data-(?!manual)/.test(a.name) && a.value.length < 60 && !/^\d+$/.test(a.value)) classes += " " + a.name.slice(5) + " " + a.value;
  }

  const ml = tag === "input" || tag === "textarea" ? el.maxLength : -1;

  return {
    tag,
    inputType,
    name: attr("name"),
    id: el.id || "",
    autocomplete: attr("autocomplete").toLowerCase(),
    placeholder: attr("placeholder") || attr("data-placeholder"),
    title: attr("title"),
    ariaLabel: aria.join(" ").replace(/\s+/g, " ").trim().slice(0, MAX),
    label: labels
      .join(" ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, MAX * 2),
    nearby,
    legend,
    group,
    options,
    optionValues,
    value: isGroupable ? attr("value") : "",
    imgNearby,
    classes: classes.trim(),
    maxLength: typeof ml === "number" ? ml : -1,
  };
}
