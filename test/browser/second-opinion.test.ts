/**
 * The mapper's second opinion in the engine's fill step, from a Workers AI
 * binding: a stand-in that speaks the binding's wire format
 * (`ai.run(model, { messages }) → { response }`) and answers from what the
 * user message says about the field, as a model would. Fields the mapper was
 * sure of are never asked; a bad or failing answer keeps the mapper's type.
 */
import { describe, expect, it } from "vitest";
import { applySecondOpinions, fromLanguageModel, SECOND_OPINION_CANDIDATES } from "../../browser-worker/src/engine/second-opinion.ts";
import type { FieldDetails } from "../../browser-worker/src/engine/inpage.ts";
import { fieldDetails } from "./support/field-details";
import type { FieldInput } from "../../browser-worker/src/engine/values.ts";
import { correctTypes, decide } from "../../browser-worker/src/engine/values.ts";
import { DEFAULT_TEXT_MODEL, type WorkersAiBinding } from "../../browser-worker/src/language-model.ts";
import type { FieldType } from "../../core/vocabulary.ts";
import { SAMPLE_PROFILE } from "./support/engine.ts";

type Messages = { role: "system" | "user"; content: string }[];

/** Workers AI as the binding answers: `{ response: string }`, here from a table of label words to answers. */
function workersAi(answers: Record<string, string | Error>): WorkersAiBinding & { calls: { model: string; messages: Messages }[] } {
  const calls: { model: string; messages: Messages }[] = [];
  return {
    calls,
    async run(model, inputs) {
      calls.push({ model, messages: inputs.messages });
      const field = JSON.parse(inputs.messages.find((m) => m.role === "user")!.content) as { label: string };
      const answer = Object.entries(answers).find(([word]) => field.label.includes(word))?.[1];
      if (answer instanceof Error) throw answer;
      return { response: answer ?? "unknown" };
    },
  };
}

const details = fieldDetails;
const field = (type: FieldType, confidence: number, d: Partial<FieldDetails>, visible = true): FieldInput => ({
  mapped: { tag: "input", name: d.name ?? "", id: "", type, confidence, selector: `#${d.name}`, control: d.type ?? "text", visible, label: d.label ?? "" },
  details: details({ visible, ...d }),
  type,
});

describe("second opinion on fields the mapper was unsure of", () => {
  it("gives a low-confidence field the model's type, and the value follows", async () => {
    const ai = workersAi({ "Ring us on": " tel.\n" });
    const log: string[] = [];
    const ring = field("unknown", 0.3, { name: "f7", label: "Ring us on", hint: "we call back within a day" });
    const [asked] = await applySecondOpinions([ring], fromLanguageModel(ai), (l) => log.push(l));
    expect(asked!.type).toBe("tel");
    expect(asked!.corrected).toMatch(/unknown → tel: second opinion/);
    expect(log.join("\n")).toContain("second opinion for f7: unknown (confidence 0.3) → tel");
    // The wire format Workers AI takes: the model, a system message naming the candidates, the field as JSON.
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.model).toBe(DEFAULT_TEXT_MODEL);
    expect(ai.calls[0]!.messages[0]!.content).toContain(SECOND_OPINION_CANDIDATES.join(", "));
    expect(JSON.parse(ai.calls[0]!.messages[1]!.content)).toMatchObject({ label: "Ring us on", name: "f7", nearby: "we call back within a day" });
    // Generic corrections still apply after it, and the value is decided for the new type.
    const [corrected] = correctTypes([asked!], "other", "US");
    expect(
      decide(corrected!, { profile: SAMPLE_PROFILE, language: "en", directoryId: "d", username: "u", password: "p", formKind: "other", formTypes: new Set(["tel"]), typeCounts: new Map() }),
    ).toMatchObject({
      kind: "text",
      value: "+14155550142",
    });
  });

  it("may answer a directory-form type (tags), and the tags follow", async () => {
    const ai = workersAi({ "What you do": "keywords" });
    const tags = field("unknown", 0.2, { name: "f9", label: "What you do, comma separated" });
    const [asked] = await applySecondOpinions([tags], fromLanguageModel(ai), () => {});
    expect(asked!.type).toBe("keywords");
    expect(ai.calls[0]!.messages[0]!.content).toContain("keywords");
    const decided = decide(asked!, {
      profile: SAMPLE_PROFILE,
      language: "en",
      directoryId: "d",
      username: "u",
      password: "p",
      formKind: "other",
      formTypes: new Set(["keywords"]),
      typeCounts: new Map(),
    });
    expect(decided).toMatchObject({ kind: "text", value: "Bakery, Food, Café, Sourdough bread, Catering" });
  });

  it("does not ask about fields the mapper was sure of, hidden fields or honeypots", async () => {
    const ai = workersAi({ "": "email" });
    const sure = field("organization", 0.9, { name: "biz", label: "Business name" });
    const edge = field("organization", 0.5, { name: "n2", label: "Trading as" });
    const hidden = field("unknown", 0.2, { name: "h", label: "Leave empty" }, false);
    const honeypot = field("honeypot", 0.3, { name: "hp", label: "Website" });
    const out = await applySecondOpinions([sure, edge, hidden, honeypot], fromLanguageModel(ai), () => {});
    expect(out.map((f) => f.type)).toEqual(["organization", "organization", "unknown", "honeypot"]);
    expect(ai.calls).toHaveLength(0);
  });

  it("keeps the mapper's type when the model answers badly, fails or there is no model", async () => {
    const ai = workersAi({ Phone: "It is probably a phone number field.", Fax: new Error("3040: Capacity temporarily exceeded"), Notes: "banana" });
    const fields = [field("tel", 0.4, { name: "p", label: "Phone or mobile" }), field("fax", 0.35, { name: "f", label: "Fax" }), field("description", 0.45, { name: "n", label: "Notes" })];
    const out = await applySecondOpinions(fields, fromLanguageModel(ai), () => {});
    expect(out.map((f) => f.type)).toEqual(["tel", "fax", "description"]);
    expect(out.every((f) => f.corrected === undefined)).toBe(true);
    expect(ai.calls).toHaveLength(3);
    // Without a binding the engine gets no second opinion at all: the fields come back as they were.
    expect(await applySecondOpinions(fields, undefined, () => {})).toBe(fields);
  });
});
