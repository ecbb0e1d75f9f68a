/**
 * The optional language models: without a binding nothing changes; with one
 * (a stand-in answering in Workers AI's `{ response }` format) an answer is
 * used only when the guards pass.
 */
import { describe, expect, it } from "vitest";
import { customiseListing, rewriteDescription, rewriteProblem, secondOpinion, type WorkersAiBinding } from "../../../browser-worker/src/language-model";

const original = "Family bakery in Cologne since 1962. We bake sourdough bread, pretzels and cakes every morning. Order at https://baeckerei.example or call 0221 123456.";
const fake = (answer: string | (() => Promise<unknown>)): WorkersAiBinding & { calls: unknown[] } => {
  const calls: unknown[] = [];
  return {
    calls,
    async run(model, inputs) {
      calls.push({ model, inputs });
      return typeof answer === "string" ? { response: answer } : answer();
    },
  };
};
const directory = { name: "Gelbe Liste", language: "en" };

describe("rewriteDescription", () => {
  it("leaves the text alone without a binding", async () => {
    expect(await rewriteDescription(undefined, original, directory)).toEqual({ text: original, source: "deterministic" });
  });

  it("uses a rewording that keeps the facts", async () => {
    const reworded = "Since 1962, our family bakery in Cologne bakes sourdough bread, pretzels and cakes every morning. Call 0221 123456 or order at https://baeckerei.example.";
    const ai = fake(reworded);
    expect(await rewriteDescription(ai, original, directory)).toEqual({ text: reworded, source: "model" });
    expect(JSON.stringify(ai.calls[0])).toContain("Gelbe Liste");
  });

  it("refuses invented facts, drift, chatter and bad lengths", async () => {
    const invented = "Family bakery in Cologne since 1952, baking sourdough bread, pretzels and cakes every morning. Order at https://baeckerei.example or call 0221 123456.";
    expect(await rewriteDescription(fake(invented), original, directory)).toMatchObject({ text: original, source: "deterministic", rejected: "new facts: 1952" });
    expect(rewriteProblem(original, `${original.slice(0, 120)} Visit https://other.example`)).toMatch(/new facts/);
    expect(rewriteProblem(original, "Sure! Here is your description: bakery")).toBe("too short");
    expect(rewriteProblem(original, `${original} ${original}`)).toBe("too long");
    expect(rewriteProblem(original, "As an AI language model I cannot bake bread, but pretzels and cakes are lovely things to bake every morning in 1962 at 0221 123456.")).toBe("not a description");
    expect(rewriteProblem(original, "Our friendly plumbing company repairs heating systems and installs bathrooms throughout the region since 1962, call 0221 123456.")).toBe(
      "drifted from the original",
    );
  });

  it("falls back when the model fails or is slow", async () => {
    const failing = fake(async () => {
      throw new Error("3040: capacity exceeded");
    });
    expect(await rewriteDescription(failing, original, directory)).toMatchObject({ text: original, rejected: "no answer" });
    const slow = fake(() => new Promise((resolve) => setTimeout(() => resolve({ response: original }), 200)));
    expect(await rewriteDescription(slow, original, directory, { timeoutMs: 20 })).toMatchObject({ text: original, rejected: "no answer" });
    expect(
      await rewriteDescription(
        fake(async () => ({ unexpected: true })),
        original,
        directory,
      ),
    ).toMatchObject({ source: "deterministic" });
  });
});

describe("customiseListing", () => {
  it("rewords both descriptions through the guards and keeps everything else", async () => {
    const listing = { businessName: "Bäckerei", shortDescription: "Bakery in Cologne since 1962.", longDescription: original };
    const ai = fake("Cologne bakery since 1962.");
    const out = await customiseListing(ai, listing, directory);
    expect(out).toEqual({ businessName: "Bäckerei", shortDescription: "Cologne bakery since 1962.", longDescription: original });
    expect(await customiseListing(undefined, listing, directory)).toBe(listing);
    expect(await customiseListing(ai, null, directory)).toBeNull();
  });
});

describe("secondOpinion", () => {
  const field = { label: "Contact", name: "c1", placeholder: "", nearby: "How can customers reach you?", options: [] };
  it("asks only about fields the mapper is unsure of, and takes only an offered type", async () => {
    const ai = fake("tel");
    expect(await secondOpinion(ai, field, { type: "email", confidence: 0.9 }, ["email", "tel"])).toEqual({ type: "email", source: "mapper" });
    expect(ai.calls).toHaveLength(0);
    expect(await secondOpinion(ai, field, { type: "email", confidence: 0.2 }, ["email", "tel"])).toEqual({ type: "tel", source: "model" });
    expect(await secondOpinion(fake("a phone number, probably"), field, { type: "email", confidence: 0.2 }, ["email", "tel"])).toEqual({ type: "email", source: "mapper" });
    expect(await secondOpinion(undefined, field, { type: "email", confidence: 0.2 }, ["email", "tel"])).toEqual({ type: "email", source: "mapper" });
  });
});
