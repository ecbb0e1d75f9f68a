/**
 * Renders a design's form for one wizard page: error summary, system hidden
 * inputs (CSRF token, page number, framework state), fields grouped by
 * fieldset or table, and the submit button.
 */
import type { Posted } from "../http.ts";
import type { UiText } from "../i18n.ts";
import type { Design, FieldSpec } from "../types.ts";
import { renderField, type Placement, type RenderContext } from "./controls.ts";
import { attrs, esc } from "./html.ts";

/** Hidden input naming the wizard page being posted. */
export const STEP_INPUT = "_step";

export interface FormRender {
  design: Design;
  ui: UiText;
  step: number;
  action: string;
  values: Posted;
  errors: Record<string, string>;
  /** Message shown above the form (errors summary, duplicate listing...). */
  alert?: string;
  csrfToken?: string;
  captcha?: { id: string; src: string };
  siteKey: string;
  /** Set for the fetch-submitting app: where its script posts. */
  api?: string;
}

export function fieldsOnStep(design: Design, step: number): FieldSpec[] {
  return design.fields.filter((f) => (f.step ?? 1) === step);
}

function wrapRun(placement: Placement, items: string[]): string {
  if (placement === "table") return `<table class="form-table"><tbody>${items.join("")}</tbody></table>`;
  if (placement === "dl") return `<dl class="form-dl">${items.join("")}</dl>`;
  return items.join("\n");
}

/** Consecutive table rows share one table, consecutive dl items one list. */
function layout(fields: FieldSpec[], ctx: RenderContext): string {
  const out: string[] = [];
  let run: string[] = [];
  let runPlacement: Placement = "block";
  for (const field of fields) {
    const { html, placement } = renderField(field, ctx);
    if (placement !== runPlacement && run.length) {
      out.push(wrapRun(runPlacement, run));
      run = [];
    }
    runPlacement = placement;
    run.push(html);
  }
  if (run.length) out.push(wrapRun(runPlacement, run));
  return out.join("\n");
}

export function renderForm(r: FormRender): string {
  const { design, ui, step } = r;
  const ctx: RenderContext = { design, ui, values: r.values, errors: r.errors, captcha: r.captcha, siteKey: r.siteKey };
  const fields = fieldsOnStep(design, step);

  // Fields sharing a `group` sit in one fieldset, placed where the group first appears.
  const sections: string[] = [];
  const seen = new Set<string>();
  let loose: FieldSpec[] = [];
  const flush = () => {
    if (loose.length) sections.push(layout(loose, ctx));
    loose = [];
  };
  for (const field of fields) {
    if (!field.group) {
      loose.push(field);
      continue;
    }
    if (seen.has(field.group)) continue;
    seen.add(field.group);
    flush();
    const members = fields.filter((f) => f.group === field.group);
    sections.push(`<fieldset class="section"><legend>${esc(field.group)}</legend>${layout(members, ctx)}</fieldset>`);
  }
  flush();

  const errorList = Object.values(r.errors);
  const alert =
    r.alert || errorList.length
      ? `<div class="alert alert-error" role="alert"><p>${esc(r.alert ?? ui.errorSummary)}</p>${errorList.length ? `<ul>${errorList.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : ""}</div>`
      : "";
  const hidden = [
    r.csrfToken && design.csrf ? `<input${attrs({ type: "hidden", name: design.csrf, value: r.csrfToken })}>` : "",
    design.steps > 1 ? `<input${attrs({ type: "hidden", name: STEP_INPUT, value: step })}>` : "",
    ...Object.entries(design.hiddenInputs ?? {}).map(([name, value]) => `<input${attrs({ type: "hidden", name, value })}>`),
  ].join("");
  const last = step >= design.steps;
  const label = last ? design.submitLabel : ui.next;
  const button =
    design.legacyMarkup || design.labelStyle === "table" ? `<input type="submit" name="submit" value="${esc(label)}">` : `<button type="submit" class="btn btn-primary">${esc(label)}</button>`;
  const progress = design.steps > 1 ? `<p class="steps">${esc(ui.step(step, design.steps))}</p>` : "";
  const intro = design.intro && step === 1 ? `<p class="intro">${esc(design.intro)}</p>` : "";
  const enctype = design.enctype === "multipart" ? "multipart/form-data" : undefined;
  return (
    `${progress}${intro}${alert}` +
    `<form${attrs({ method: "post", action: r.action, enctype, class: "listing-form", id: "listing-form", "data-api": r.api })}>` +
    `${hidden}\n${sections.join("\n")}\n<div class="actions">${button}</div></form>`
  );
}
