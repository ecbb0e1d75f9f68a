/**
 * Renders one field as real directories do: the same control with its label
 * attached in one of many ways (LabelStyle), hidden if it is a honeypot,
 * with the posted value kept and an error naming the field when refused.
 */
import { AUTOFILL_FIELD_TYPES } from "../../../core/vocabulary.ts";
import type { Posted } from "../http.ts";
import { many, one } from "../http.ts";
import type { UiText } from "../i18n.ts";
import type { Design, FieldSpec, HoneypotStyle, LabelStyle } from "../types.ts";
import { attrs, esc, idFromName } from "./html.ts";

export interface RenderContext {
  design: Design;
  ui: UiText;
  values: Posted;
  errors: Record<string, string>;
  /** The image challenge drawn for this render. */
  captcha?: { id: string; src: string };
  /** The directory's token-captcha site key. */
  siteKey: string;
}

/** Where a rendered field goes: consecutive `table`/`dl` items share one table/list. */
export type Placement = "block" | "table" | "dl";

export interface RenderedField {
  html: string;
  placement: Placement;
}

/** Hidden input carrying the image challenge id (a framework detail, not a field). */
export const CAPTCHA_ID_INPUT = "captcha_id";

type AttrMap = Record<string, string | number | boolean | undefined | null>;

const HONEYPOT_CLASSES = ["hp-field", "gform_validation_container", "form-extra", "xf-aux"];

function honeypotWrapper(style: HoneypotStyle, name: string, inner: string): string {
  switch (style) {
    case "css-class":
      // Hidden by the stylesheet only: nothing inline gives it away.
      return `<div class="${HONEYPOT_CLASSES[name.length % HONEYPOT_CLASSES.length]}">${inner}</div>`;
    case "offscreen":
      return `<div style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden">${inner}</div>`;
    case "zero-size":
      return `<div style="opacity:0;position:absolute;top:0;left:0;height:0;width:0;z-index:-1;overflow:hidden">${inner}</div>`;
    case "visibility":
      return `<div style="visibility:hidden;position:absolute;height:0">${inner}</div>`;
    case "hidden-parent":
      return `<div aria-hidden="true" style="display:none">${inner}</div>`;
  }
}

const INPUT_TYPES: Partial<Record<FieldSpec["control"], string>> = {
  text: "text",
  email: "email",
  tel: "tel",
  url: "url",
  password: "password",
  file: "file",
  "captcha-image": "text",
};

function labelHtml(field: FieldSpec, colon = false): string {
  return esc(field.label) + (colon ? ":" : "") + (field.required ? ' <span class="req" aria-hidden="true">*</span>' : "");
}

function autocompleteFor(field: FieldSpec, design: Design): string | undefined {
  if (!design.autocompleteAttrs) return undefined;
  return (AUTOFILL_FIELD_TYPES as readonly string[]).includes(field.type) ? field.type : undefined;
}

/** The control itself (input, textarea, select, listbox, captcha), with extra attributes for its label style. */
function controlHtml(field: FieldSpec, ctx: RenderContext, id: string, extra: AttrMap): string {
  const { design, values, ui } = ctx;
  const required = field.required && design.html5Required !== false && !field.honeypot;
  const common: AttrMap = {
    id,
    name: field.name,
    required,
    autocomplete: field.honeypot ? "off" : autocompleteFor(field, design),
    tabindex: field.honeypot ? "-1" : undefined,
    maxlength: field.maxLengthAttr ? field.maxLength : undefined,
    placeholder: field.placeholder,
    ...extra,
  };
  const value = one(values, field.name);
  switch (field.control) {
    case "textarea":
      return `<textarea${attrs({ ...common, rows: 5, cols: 50 })}>${esc(value)}</textarea>`;
    case "select": {
      const chosen = new Set(many(values, field.name));
      const placeholder = extra.placeholder as string | undefined;
      delete common.placeholder;
      const first = field.multiple ? "" : `<option value="">${esc(placeholder ?? ui.selectPlaceholder)}</option>`;
      const options = (field.options ?? []).map((o) => `<option${attrs({ value: o.value, selected: chosen.has(o.value) })}>${esc(o.label)}</option>`).join("");
      return `<select${attrs({ ...common, multiple: field.multiple, size: field.multiple ? 6 : undefined })}>${first}${options}</select>`;
    }
    case "listbox": {
      // A styled dropdown (not a <select>): a combobox div, an options list, a hidden input carrying the value.
      const selected = field.options?.find((o) => o.value === value);
      const listId = `${id}-listbox`;
      const toggleText = selected?.label ?? (extra.placeholder as string | undefined) ?? ui.selectPlaceholder;
      const options = (field.options ?? [])
        .map((o) => `<li${attrs({ role: "option", "data-value": o.value, "aria-selected": o.value === value ? "true" : "false", tabindex: "-1" })}>${esc(o.label)}</li>`)
        .join("");
      return (
        `<div class="dd" data-dropdown>` +
        `<div${attrs({ class: "dd-toggle", role: "combobox", tabindex: "0", id: `${id}-toggle`, "aria-haspopup": "listbox", "aria-expanded": "false", "aria-controls": listId, "aria-labelledby": extra["aria-labelledby"], "aria-label": extra["aria-label"], "aria-invalid": extra["aria-invalid"] })}>${esc(toggleText)}</div>` +
        `<ul${attrs({ class: "dd-menu", role: "listbox", id: listId, hidden: true })}>${options}</ul>` +
        `<input${attrs({ type: "hidden", name: field.name, id, value })}>` +
        `</div>`
      );
    }
    case "captcha-image": {
      const captcha = ctx.captcha!;
      return (
        `<span class="captcha"><img${attrs({ src: captcha.src, alt: "CAPTCHA", width: 180, height: 64, class: "captcha-image" })}> ` +
        `<input${attrs({ type: "text", ...common, autocomplete: "off", size: 8 })}>` +
        `<input${attrs({ type: "hidden", name: CAPTCHA_ID_INPUT, value: captcha.id })}></span>`
      );
    }
    case "captcha-token": {
      const hcaptcha = field.captchaProvider === "hcaptcha";
      return (
        `<div${attrs({ class: hcaptcha ? "h-captcha" : "g-recaptcha", "data-sitekey": ctx.siteKey, "data-farm-captcha": "" })}></div>` +
        `<textarea${attrs({ id, name: field.name, class: hcaptcha ? "h-captcha-response" : "g-recaptcha-response", style: "display:none" })}></textarea>`
      );
    }
    default: {
      const type = design.plainInputs && field.control !== "password" && field.control !== "file" ? "text" : (INPUT_TYPES[field.control] ?? "text");
      const keep = field.control === "password" || field.control === "file" ? undefined : value;
      return `<input${attrs({ type, ...common, value: keep, accept: field.control === "file" ? "image/*" : undefined })}>`;
    }
  }
}

function groupOptionsHtml(field: FieldSpec, ctx: RenderContext, id: string, byFor: boolean): string {
  const type = field.control === "radios" ? "radio" : "checkbox";
  const chosen = many(ctx.values, field.name);
  return (field.options ?? [])
    .map((o, i) => {
      const checked = chosen.includes(o.value) || (type === "radio" && chosen.length === 0 && i === 0);
      const input = (optId?: string) => `<input${attrs({ type, id: optId, name: field.name, value: o.value, checked })}>`;
      return byFor ? `<span class="opt">${input(`${id}-${i}`)} <label for="${id}-${i}">${esc(o.label)}</label></span>` : `<label class="opt">${input()} ${esc(o.label)}</label>`;
    })
    .join(" ");
}

export function renderField(field: FieldSpec, ctx: RenderContext): RenderedField {
  const id = field.id ?? idFromName(field.name);
  let style: LabelStyle = field.labelStyle ?? ctx.design.labelStyle;
  if (field.honeypot && (style === "table" || style === "dl")) style = "for";
  const error = ctx.errors[field.name];
  const hints = [field.hint, field.maxLength && !field.maxLengthAttr ? ctx.ui.maxHint(field.maxLength) : undefined].filter(Boolean);
  const describedBy = [hints.length ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const after = (hints.length ? `<small class="hint" id="${id}-hint">${esc(hints.join(" "))}</small>` : "") + (error ? `<span class="error" id="${id}-error" role="alert">${esc(error)}</span>` : "");
  const invalid: AttrMap = { "aria-invalid": error ? "true" : undefined, "aria-describedby": describedBy };
  const label = labelHtml(field);
  const labelId = `${id}-label`;
  let rendered: RenderedField;

  if (field.control === "checkbox") {
    const box = (extra: AttrMap) =>
      `<input${attrs({ type: "checkbox", id, name: field.name, value: field.value ?? "1", checked: one(ctx.values, field.name) !== "" || (field.checked === true && Object.keys(ctx.values).length === 0), required: field.required && ctx.design.html5Required !== false, ...invalid, ...extra })}>`;
    let inner: string;
    if (style === "aria-label") inner = `<div class="check">${box({ "aria-label": field.label })}</div>`;
    else if (style === "aria-labelledby") inner = `<div class="check">${box({ "aria-labelledby": labelId })} <span id="${labelId}">${label}</span></div>`;
    else if (style === "for" || style === "for-after" || style === "table") inner = `<div class="check">${box({})} <label for="${id}">${label}</label></div>`;
    else inner = `<label class="check">${box({})} ${label}</label>`;
    rendered = style === "table" ? { html: `<tr><td></td><td>${inner}${after}</td></tr>`, placement: "table" } : { html: `<div class="field">${inner}${after}</div>`, placement: "block" };
  } else if (field.control === "checkboxes" || field.control === "radios") {
    const options = groupOptionsHtml(field, ctx, id, style === "for");
    if (style === "table") rendered = { html: `<tr><td class="label">${labelHtml(field, true)}</td><td>${options}${after}</td></tr>`, placement: "table" };
    else if (style === "dl") rendered = { html: `<dt>${label}</dt><dd>${options}${after}</dd>`, placement: "dl" };
    else if (style === "nearby") rendered = { html: `<div class="row"><div class="caption">${label}</div><div class="input">${options}${after}</div></div>`, placement: "block" };
    else if (style === "aria-labelledby")
      rendered = { html: `<div class="field group" role="group" aria-labelledby="${labelId}"><span class="label" id="${labelId}">${label}</span> ${options}${after}</div>`, placement: "block" };
    else rendered = { html: `<fieldset class="group"><legend>${label}</legend>${options}${after}</fieldset>`, placement: "block" };
  } else if (field.control === "captcha-token") {
    const inner = controlHtml(field, ctx, id, {});
    rendered =
      style === "table" ? { html: `<tr><td></td><td>${inner}${after}</td></tr>`, placement: "table" } : { html: `<div class="field captcha-field">${inner}${after}</div>`, placement: "block" };
  } else {
    // A <label for> cannot point at a div: a listbox is named by aria-labelledby instead.
    const listbox = field.control === "listbox";
    const byText = listbox && (style === "for" || style === "for-after" || style === "wrap") ? "aria-labelledby" : style;
    const placeholderText = field.label + (field.required ? " *" : "");
    switch (byText) {
      case "for":
        rendered = { html: `<div class="field"><label for="${id}">${label}</label> ${controlHtml(field, ctx, id, invalid)}${after}</div>`, placement: "block" };
        break;
      case "for-after":
        rendered = {
          html: `<div class="field floating">${controlHtml(field, ctx, id, { ...invalid, placeholder: field.control === "select" ? undefined : " " })}<label for="${id}">${label}</label>${after}</div>`,
          placement: "block",
        };
        break;
      case "wrap":
        rendered = { html: `<div class="field"><label><span class="label-text">${label}</span> ${controlHtml(field, ctx, id, invalid)}</label>${after}</div>`, placement: "block" };
        break;
      case "aria-labelledby":
        rendered = {
          html: `<div class="field"><span class="label" id="${labelId}">${label}</span> ${controlHtml(field, ctx, id, { ...invalid, "aria-labelledby": labelId })}${after}</div>`,
          placement: "block",
        };
        break;
      case "aria-label":
        rendered = { html: `<div class="field">${controlHtml(field, ctx, id, { ...invalid, "aria-label": field.label })}${after}</div>`, placement: "block" };
        break;
      case "placeholder":
        rendered = { html: `<div class="field">${controlHtml(field, ctx, id, { ...invalid, placeholder: placeholderText })}${after}</div>`, placement: "block" };
        break;
      case "title":
        rendered = { html: `<div class="field">${controlHtml(field, ctx, id, { ...invalid, title: field.label })}${after}</div>`, placement: "block" };
        break;
      case "table":
        rendered = { html: `<tr><td class="label">${labelHtml(field, true)}</td><td>${controlHtml(field, ctx, id, invalid)}${after}</td></tr>`, placement: "table" };
        break;
      case "nearby":
        rendered = { html: `<div class="row"><div class="caption">${label}</div><div class="input">${controlHtml(field, ctx, id, invalid)}${after}</div></div>`, placement: "block" };
        break;
      case "dl":
        rendered = { html: `<dt>${label}</dt><dd>${controlHtml(field, ctx, id, invalid)}${after}</dd>`, placement: "dl" };
        break;
    }
  }
  if (field.honeypot) rendered = { html: honeypotWrapper(field.honeypot, field.name, rendered.html), placement: "block" };
  return rendered;
}
