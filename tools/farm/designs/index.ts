/**
 * All designs, checked once at load, and the ground truth the mapper's tests
 * read: for every control name, its vocabulary type.
 */
import type { FieldType } from "../../../core/vocabulary.ts";
import { isFieldType } from "../../../core/vocabulary.ts";
import type { Design, FieldSpec } from "../types.ts";
import { dynamicDesigns } from "./dynamic.ts";
import { englishDesigns } from "./english.ts";
import { europeanDesigns } from "./european.ts";
import { protectedDesigns } from "./protected.ts";
import { wizardDesigns } from "./wizards.ts";

function check(design: Design): Design {
  const names = new Set<string>();
  for (const f of design.fields) {
    if (names.has(f.name)) throw new Error(`design ${design.id}: duplicate control name ${f.name}`);
    names.add(f.name);
    if (!isFieldType(f.type)) throw new Error(`design ${design.id}: ${f.name} has unknown type ${f.type}`);
    if ((f.type === "honeypot") !== Boolean(f.honeypot)) throw new Error(`design ${design.id}: ${f.name} honeypot mismatch`);
    if (["select", "checkboxes", "radios", "listbox"].includes(f.control) && !f.options?.length) throw new Error(`design ${design.id}: ${f.name} needs options`);
  }
  if (!design.fields.some((f) => f.type === "organization")) throw new Error(`design ${design.id}: no organization field`);
  return design;
}

export const designs: readonly Design[] = [...englishDesigns, ...dynamicDesigns, ...protectedDesigns, ...wizardDesigns, ...europeanDesigns].map(check);

{
  const ids = new Set<string>();
  for (const d of designs) {
    if (ids.has(d.id)) throw new Error(`duplicate design id ${d.id}`);
    ids.add(d.id);
  }
}

export function designById(id: string): Design | undefined {
  return designs.find((d) => d.id === id);
}

/** Ground truth for the mapper: control name → vocabulary type (honeypots, captchas and fields to leave alone included). */
export function expectedFieldTypes(design: Design): Record<string, FieldType> {
  return Object.fromEntries(design.fields.map((f) => [f.name, f.type]));
}

/** The ground truth as a list, in page order. */
export function groundTruth(design: Design): Pick<FieldSpec, "name" | "type" | "required" | "control" | "step">[] {
  return design.fields.map(({ name, type, required, control, step }) => ({ name, type, required, control, step: step ?? 1 }));
}
