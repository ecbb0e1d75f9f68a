/**
 * Filling one form page: read what the page says about each mapped field,
 * correct the mapper where a generic rule says so, decide the values, and
 * set them the fast way that still fires the page's input/change events
 * (one in-page call for text, selects and boxes; custom dropdowns are
 * opened and their option clicked). Honeypots and hidden fields are never
 * touched. Fields the mapper was unsure of may get a second opinion first
 * (second-opinion.ts); a retry's value fixes are applied by `decide`.
 */
import type { MappedForm } from "../mapper/types";
import type { FieldType } from "../../../core/vocabulary";
import { formKind } from "./forms";
import { call, type FillOp } from "./inpage";
import type { EngineFrame } from "./page";
import { applySecondOpinions } from "./second-opinion";
import { toBase64 } from "./assets";
import type { EngineAsset, EngineResult, SecondOpinion } from "./types";
import { correctTypes, decideAll, type Decision, type FieldInput, type ValueContext } from "./values";

export interface FillReport {
  fields: FieldInput[];
  filled: EngineResult["filled"];
  /** Fields the profile had no value for although the page marks them required. */
  missingRequired: string[];
}

const SECRET: ReadonlySet<FieldType> = new Set(["new-password", "current-password"]);

function fieldName(f: FieldInput): string {
  return f.details.name || f.mapped.name || f.mapped.label || f.mapped.selector;
}

export async function fillForm(
  frame: EngineFrame,
  form: MappedForm,
  ctx: Omit<ValueContext, "formTypes" | "typeCounts" | "formKind">,
  log: (line: string) => void,
  secondOpinion?: SecondOpinion,
): Promise<FillReport> {
  const details = await call(frame, "describeFields", { selectors: form.fields.map((f) => f.selector) });
  let fields: FieldInput[] = form.fields.map((mapped, i) => ({ mapped, details: details[i]!, type: mapped.type }));

  // Custom dropdowns that render their options only when opened.
  for (const f of fields) {
    if ((f.details.type === "combobox" || f.details.type === "listbox") && f.details.options.length === 0 && f.mapped.visible) {
      f.details.options = await call(frame, "openCombobox", { selector: f.mapped.selector });
    }
  }
  fields = await applySecondOpinions(fields, secondOpinion, log);
  const kind = formKind(form);
  fields = correctTypes(fields, kind, ctx.profile.country);
  for (const f of fields) if (f.corrected) log(`type corrected for ${fieldName(f)}: ${f.corrected}`);

  const typeCounts = new Map<FieldType, number>();
  for (const f of fields) if (f.mapped.visible && f.type !== "honeypot") typeCounts.set(f.type, (typeCounts.get(f.type) ?? 0) + 1);
  const full: ValueContext = { ...ctx, formKind: kind, formTypes: new Set(typeCounts.keys()), typeCounts };
  const decisions = decideAll(fields, full);

  const ops: FillOp[] = [];
  const opFields: { f: FieldInput; d: Decision }[] = [];
  const combos: { f: FieldInput; index: number; label: string }[] = [];
  const uploads: { f: FieldInput; files: EngineAsset[] }[] = [];
  const missingRequired: string[] = [];
  for (const { field: f, decision: d } of decisions) {
    const sel = f.mapped.selector;
    if (d.kind === "text" && d.fix) log(`fix applied to ${fieldName(f)}: ${d.fix}`);
    if (d.kind === "skip") {
      if (f.details.required && f.mapped.visible && !["honeypot", "captcha", "unknown"].includes(f.type) && !f.details.value) missingRequired.push(`${fieldName(f)} (${f.type}: ${d.why})`);
      continue;
    }
    if (d.kind === "file") {
      uploads.push({ f, files: d.files });
      continue;
    }
    if (d.kind === "text") ops.push({ selector: sel, kind: "text", value: d.value });
    else if (d.kind === "check") ops.push({ selector: sel, kind: "check", checked: d.checked });
    else if (d.kind === "choices") {
      // Several boxes of a group, or several options of a multiple select (payment methods, tags).
      if (f.details.type === "checkbox") ops.push({ selector: sel, kind: "group", indices: d.options.map((o) => o.index) });
      else ops.push({ selector: sel, kind: "select", values: d.options.map((o) => o.value) });
    } else if (f.details.type === "combobox" || f.details.type === "listbox") {
      combos.push({ f, index: d.option.index, label: d.option.label });
      continue;
    } else if (f.details.type === "checkbox" || f.details.type === "radio") ops.push({ selector: sel, kind: "group", indices: [d.option.index] });
    else ops.push({ selector: sel, kind: "select", values: [d.option.value] });
    opFields.push({ f, d });
  }

  const filled: EngineResult["filled"] = [];
  const results = ops.length ? await call(frame, "applyFills", { ops }) : [];
  results.forEach((r, i) => {
    const { f, d } = opFields[i]!;
    // What the page kept of a secret field is the secret, or most of it: never printed.
    if (!r.ok) log(`could not fill ${fieldName(f)} (${f.type}): ${r.reason ?? (SECRET.has(f.type) ? "the page changed the value" : `page kept "${r.value.slice(0, 40)}"`)}`);
    const shown = SECRET.has(f.type)
      ? "••••••••"
      : d.kind === "choice"
        ? `${d.option.label} [${d.option.value}]`
        : d.kind === "choices"
          ? d.options.map((o) => o.label).join(", ")
          : r.value || (d.kind === "text" ? d.value : "");
    if (r.ok || r.value) filled.push({ field: fieldName(f), type: f.type, value: shown });
  });

  for (const u of uploads) {
    const files = u.files.map((a) => ({ name: a.name, type: a.type, base64: toBase64(a.bytes) }));
    const r = await call(frame, "setFiles", { selector: u.f.mapped.selector, files });
    if (!r.ok) log(`could not attach ${u.files.map((a) => a.name).join(", ")} to ${fieldName(u.f)}: ${r.reason ?? "the input kept no file"}`);
    else filled.push({ field: fieldName(u.f), type: u.f.type, value: r.value });
  }

  for (const c of combos) {
    await call(frame, "openCombobox", { selector: c.f.mapped.selector });
    const r = await call(frame, "pickComboboxOption", { selector: c.f.mapped.selector, index: c.index });
    if (!r.ok) log(`could not choose "${c.label}" in ${fieldName(c.f)}: ${r.reason ?? "the dropdown did not take it"}`);
    else filled.push({ field: fieldName(c.f), type: c.f.type, value: `${c.label}${r.value ? ` [${r.value}]` : ""}` });
  }
  return { fields, filled, missingRequired };
}
