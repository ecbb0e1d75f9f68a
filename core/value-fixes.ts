/**
 * A retry's value fixes in words (the coordinator's activity feed and the
 * staff job page): shared so the Worker and the site say the same thing.
 */
import type { ValueFix } from "./protocol/tasks";

const FIX_WORDS: Record<string, string> = {
  "tel:national": "the phone in national format",
  "tel:digits": "the phone as digits only",
  "tel:international": "the phone in international format",
  "url:with_scheme": "the website with https://",
  "url:without_path": "the website as its home page",
  "description:shorter": "a shorter description",
  "description:longer": "a longer description",
  "postal-code:digits_only": "the postal code as digits only",
};

/** "the phone in national format and a shorter description (at most 300 characters)". */
export function describeFixes(fixes: readonly ValueFix[]): string {
  return fixes
    .map((f) => {
      const words = FIX_WORDS[`${f.field}:${f.want}`] ?? `${f.field} ${f.want}`;
      if (f.field === "description" && f.maxLength) return `${words} (at most ${f.maxLength} characters)`;
      if (f.field === "description" && f.minLength) return `${words} (at least ${f.minLength} characters)`;
      return words;
    })
    .join(" and ");
}
