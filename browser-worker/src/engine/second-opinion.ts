/**
 * A second opinion on the fields the mapper was unsure of (confidence below
 * 0.5), asked before values are decided. The engine only asks; who answers
 * is the caller's (`EngineOptions.secondOpinion`): the queue consumer builds
 * it from a Workers AI binding with `fromLanguageModel`, whose guards live in
 * browser-worker/src/language-model.ts. Without one nothing changes.
 *
 * Never asked: hidden fields (a model must not turn a honeypot into a
 * listing field), honeypots, captchas and consent boxes.
 */
import { secondOpinion, type ModelOptions, type WorkersAiBinding } from "../language-model";
import { FIELD_TYPES, NEVER_FILLED_TYPES, type FieldType } from "../../../core/vocabulary";
import type { SecondOpinion } from "./types";
import type { FieldInput } from "./values";

export const SECOND_OPINION_THRESHOLD = 0.5;

/**
 * Types a model is never offered: the ones never filled, the account's own
 * (the engine makes those up), files and coordinates (only from the profile
 * by exact control), the middle name (never asked for alone on a listing).
 */
const NOT_OFFERED: ReadonlySet<FieldType> = new Set<FieldType>([
  ...NEVER_FILLED_TYPES,
  "terms",
  "username",
  "new-password",
  "current-password",
  "logo",
  "photo",
  "latitude",
  "longitude",
  "additional-name",
]);

/** What a model may answer: the vocabulary's types the engine fills from the profile, or "unknown" (leave it alone). */
export const SECOND_OPINION_CANDIDATES: readonly FieldType[] = [...FIELD_TYPES.filter((t) => !NOT_OFFERED.has(t)), "unknown"];

const NEVER_ASKED: ReadonlySet<FieldType> = new Set<FieldType>(["honeypot", "captcha", "terms", "new-password", "current-password", "username"]);

/** The fields a second opinion is asked for. */
export function needsSecondOpinion(f: FieldInput): boolean {
  return f.mapped.confidence < SECOND_OPINION_THRESHOLD && f.mapped.visible && f.details.found && f.details.visible && f.details.type !== "hidden" && !NEVER_ASKED.has(f.type);
}

/** The fields with the answers applied (each change noted in `corrected`); a failing or empty answer keeps the mapper's type. */
export async function applySecondOpinions(fields: FieldInput[], ask: SecondOpinion | undefined, log: (line: string) => void): Promise<FieldInput[]> {
  if (!ask) return fields;
  return Promise.all(
    fields.map(async (f) => {
      if (!needsSecondOpinion(f)) return f;
      const d = f.details;
      const picked = await ask(
        { label: d.label || f.mapped.label, name: d.name, placeholder: d.placeholder, nearby: d.hint, options: (d.options.length ? d.options : d.group).map((o) => o.label) },
        { type: f.type, confidence: f.mapped.confidence },
        SECOND_OPINION_CANDIDATES,
      ).catch(() => null);
      if (!picked || picked === f.type || !SECOND_OPINION_CANDIDATES.includes(picked)) return f;
      log(`second opinion for ${d.name || f.mapped.selector}: ${f.type} (confidence ${f.mapped.confidence}) → ${picked}`);
      return { ...f, type: picked, corrected: `${f.type} → ${picked}: second opinion on a field the mapper was unsure of` };
    }),
  );
}

/** The engine's second opinion from a Workers AI binding (the model's pick, or null when the guards kept the mapper's). */
export function fromLanguageModel(ai: WorkersAiBinding, options: ModelOptions = {}): SecondOpinion {
  return async (field, current, candidates) => {
    const answer = await secondOpinion(ai, field, current, candidates, { ...options, threshold: SECOND_OPINION_THRESHOLD });
    return answer.source === "model" ? answer.type : null;
  };
}
