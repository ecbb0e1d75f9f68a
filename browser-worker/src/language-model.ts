/**
 * Language models, optional. Where a Workers AI binding `AI` is configured,
 * the listing's description may be reworded per directory, and the mapper
 * may ask for a second opinion on a field it is unsure of. Without the
 * binding (local development: wrangler cannot serve Workers AI offline, so
 * it is not in wrangler.toml) every caller gets the deterministic answer it
 * would have had anyway.
 *
 * A model's answer is used only when guards pass: a rewrite must keep the
 * facts (no number, URL or e-mail that the original lacks; most of its
 * words), stay within the length; a second opinion must name one of the
 * offered field types. Errors and timeouts fall back, never fail the task.
 *
 * Enable: add to the Worker's wrangler.toml (browser-worker/wrangler.toml
 * for the description customiser)
 *     [ai]
 *     binding = "AI"
 * and deploy; `npm run types` then types it.
 */
import type { FieldType } from "../../core/vocabulary";

/** The part of Workers AI's binding used here (`env.AI.run(model, inputs)`). */
export interface WorkersAiBinding {
  run(model: string, inputs: { messages: { role: "system" | "user"; content: string }[]; max_tokens?: number; temperature?: number }): Promise<unknown>;
}

/** An env that may carry the binding. */
export interface LanguageModelEnv {
  AI?: WorkersAiBinding;
}

export const DEFAULT_TEXT_MODEL = "@cf/meta/llama-3.1-8b-instruct";

export interface ModelOptions {
  model?: string;
  timeoutMs?: number;
}

/** Workers AI text generation answers `{ response: string }`. */
function textOf(result: unknown): string | null {
  if (typeof result === "string") return result;
  if (result && typeof result === "object" && typeof (result as { response?: unknown }).response === "string") return (result as { response: string }).response;
  return null;
}

async function ask(ai: WorkersAiBinding, system: string, user: string, options: ModelOptions, maxTokens: number): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.timeoutMs ?? 8_000);
  });
  try {
    const result = await Promise.race([
      ai.run(options.model ?? DEFAULT_TEXT_MODEL, {
        messages: [
          { role: "system", content: system },
          { role: "user", content: user },
        ],
        max_tokens: maxTokens,
        temperature: 0.4,
      }),
      timeout,
    ]);
    return textOf(result);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

const facts = (text: string) => [
  ...(text.match(/https?:\/\/\S+|www\.\S+/gi) ?? []).map((u) => u.toLowerCase().replace(/[.,;)]+$/, "")),
  ...(text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []).map((e) => e.toLowerCase()),
  ...(text.match(/\d+(?:[.,]\d+)*/g) ?? []),
];
const words = (text: string) =>
  new Set(
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 5),
  );

/** Why a rewrite may not be used, or null when it may. */
export function rewriteProblem(original: string, candidate: string): string | null {
  const text = candidate.trim();
  if (!text) return "empty";
  if (text.length > original.length * 1.2 + 20) return "too long";
  if (text.length < original.length * 0.5) return "too short";
  if (/as an ai|language model|^here is|^sure[,!]|[#*`]{2,}/i.test(text)) return "not a description";
  const known = new Set(facts(original));
  const invented = facts(text).filter((f) => !known.has(f));
  if (invented.length) return `new facts: ${invented.slice(0, 3).join(", ")}`;
  const kept = words(original);
  if (kept.size >= 4) {
    const shared = [...words(text)].filter((w) => kept.has(w)).length;
    if (shared / kept.size < 0.4) return "drifted from the original";
  }
  return null;
}

export interface RewriteResult {
  text: string;
  source: "model" | "deterministic";
  /** Why the model's answer was not used. */
  rejected?: string;
}

/** The description reworded for one directory, or the original. */
export async function rewriteDescription(ai: WorkersAiBinding | undefined, original: string, directory: { name: string; language: string }, options: ModelOptions = {}): Promise<RewriteResult> {
  if (!ai || !original.trim()) return { text: original, source: "deterministic" };
  const answer = await ask(
    ai,
    "You reword business descriptions for online directories. Keep every fact exactly (names, numbers, places, services); add nothing; no marketing claims that are not in the text; plain text, no markdown; answer with the description only.",
    `Directory: ${directory.name}. Language: ${directory.language}. Reword this description, about the same length:\n\n${original}`,
    options,
    Math.min(1_024, Math.ceil(original.length / 2) + 64),
  );
  if (answer === null) return { text: original, source: "deterministic", rejected: "no answer" };
  const problem = rewriteProblem(original, answer);
  return problem ? { text: original, source: "deterministic", rejected: problem } : { text: answer.trim(), source: "model" };
}

export interface FieldDescription {
  label: string;
  name: string;
  placeholder: string;
  nearby: string;
  options: string[];
}

/**
 * For a field the mapper classified with low confidence, the model's pick
 * among `candidates`; the mapper's own answer when the model has none, or
 * when the mapper was sure enough.
 */
export async function secondOpinion(
  ai: WorkersAiBinding | undefined,
  field: FieldDescription,
  current: { type: FieldType; confidence: number },
  candidates: readonly FieldType[],
  options: ModelOptions & { threshold?: number } = {},
): Promise<{ type: FieldType; source: "mapper" | "model" }> {
  if (!ai || current.confidence >= (options.threshold ?? 0.5) || candidates.length === 0) return { type: current.type, source: "mapper" };
  const answer = await ask(
    ai,
    `You classify web form fields. Answer with exactly one of: ${candidates.join(", ")}.`,
    JSON.stringify({ label: field.label, name: field.name, placeholder: field.placeholder, nearby: field.nearby.slice(0, 300), options: field.options.slice(0, 20) }),
    options,
    16,
  );
  const picked = answer
    ?.trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "");
  const hit = candidates.find((c) => c === picked);
  return hit ? { type: hit, source: "model" } : { type: current.type, source: "mapper" };
}

/**
 * The listing as one directory receives it: descriptions reworded when a
 * model is configured (each through the guards), otherwise unchanged.
 */
export async function customiseListing<L extends { shortDescription: string | null; longDescription: string | null }>(
  ai: WorkersAiBinding | undefined,
  listing: L | null,
  directory: { name: string; language: string },
  options: ModelOptions = {},
): Promise<L | null> {
  if (!ai || !listing) return listing;
  const [short, long] = await Promise.all([
    listing.shortDescription ? rewriteDescription(ai, listing.shortDescription, directory, options) : null,
    listing.longDescription ? rewriteDescription(ai, listing.longDescription, directory, options) : null,
  ]);
  return { ...listing, shortDescription: short?.text ?? listing.shortDescription, longDescription: long?.text ?? listing.longDescription };
}
