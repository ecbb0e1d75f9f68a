/**
 * Types shared by the in-page mapper, its Node-side page API, the CLI and the
 * bench. Only types live here, so importing this module never pulls runtime
 * code into the serialized in-page script.
 */
import type { FieldType } from "../../../core/vocabulary";

/** Internal classes: every public FieldType plus "x-*" pseudo classes that
 * soak up evidence for things the vocabulary has no name for (card number,
 * birthday, search box...). They are reported as `unknown`, which is the
 * point: a strong "this is a card number" must beat a weak "name". */
export type MapperClass = FieldType | `x-${string}`;

/** Everything the page tells us about one control, gathered in the page. */
export interface FieldSignals {
  tag: string; // input | select | textarea | div | button ...
  inputType: string; // text, email, select-one, checkbox, combobox ...
  name: string;
  id: string;
  autocomplete: string;
  placeholder: string;
  title: string;
  ariaLabel: string; // aria-label + aria-labelledby text
  label: string; // label[for] + wrapping label
  nearby: string; // text around the control when no label says enough
  legend: string; // enclosing fieldset legend
  group: string; // for checkbox/radio: the text naming the whole group
  options: string[]; // option texts (select, listbox)
  optionValues: string[];
  value: string; // checkbox/radio value attribute
  imgNearby: boolean; // an <img> right next to a text box (image captcha)
  classes: string; // class/data-* tokens, weak evidence only
  maxLength: number; // -1 when unset
}

export interface VisibilityInfo {
  visible: boolean;
  /** how it is hidden when not visible: display, visibility, opacity,
   * offscreen, clip, size, aria */
  hiddenBy: string;
  /** number of form controls inside the element that hides this one; a
   * hidden step of a wizard hides many, a honeypot wrapper hides one */
  hiddenPeers: number;
  tabindexNegative: boolean;
  ariaHidden: boolean;
  /** the control itself carries the hiding style (not a wrapper around label + control) */
  hiddenSelf: boolean;
  /** id and class of the element that hides it ("gform_validation_container", "hp-wrap") */
  hiderWords: string;
}

export interface FormContext {
  /** recovery = "forgot password" / reset forms (the identifier is the username there too) */
  kind: "login" | "signup" | "recovery" | "other";
  passwordCount: number;
}

export interface ScoreResult {
  cls: MapperClass;
  /** evidence strength for the winning class, 0..1 */
  strength: number;
  confidence: number;
  /** the runner-up class, for debugging and context rules */
  second: MapperClass | "";
  /** per-class evidence strengths above a small floor */
  scores: Record<string, number>;
  /** the learned model gave this verdict (its strength is a probability) */
  model?: boolean;
}

export interface MappedField {
  tag: string;
  name: string;
  id: string;
  type: FieldType;
  confidence: number;
  /** CSS selector, unique within the field's frame document */
  selector: string;
  /** input type / select-one / combobox ... (the control's kind, not its meaning) */
  control: string;
  visible: boolean;
  /** short human-readable label the mapper used (for logs and the UI) */
  label: string;
  /** only with { debug: true }: the evidence behind the verdict */
  debug?: { scores: Record<string, number>; signals: FieldSignals; formKind: string; formWords: string; visibility: VisibilityInfo };
}

export interface MappedForm {
  /** index of the <form> among document.forms of its frame; -1 = controls outside any form */
  index: number;
  /** 0 = main frame; otherwise position in page.frames() order */
  frame: number;
  frameUrl?: string;
  kind: FormContext["kind"];
  fields: MappedField[];
}

export interface MappedPage {
  url: string;
  forms: MappedForm[];
}

/** Data handed to the in-page script (must be JSON-serializable). */
export interface MapperConfig {
  lexicon: LexiconEntry[];
  countries: string[]; // normalized country names (several languages)
  countryCodes: string[]; // ISO 3166 alpha-2, lower case
  regions: string[]; // normalized state/province names
  regionCodes: string[]; // US/CA/AU state codes, lower case
  weights: SignalWeights;
  thresholds: { minStrength: number; minConfidence: number };
  /** the learned classifier (tools/mapper-model): when present it decides
   * each control's class from the lexicon's evidence and the raw tokens;
   * without it the hand-weighted lexicon decides alone */
  model?: MapperModel;
  /** attach scores and signals to every field (tuning, troubleshooting) */
  debug?: boolean;
}

/** [class, pattern strength 0..1, regex fragments over normalized text] */
export type LexiconEntry = [MapperClass, number, string[]];

export interface SignalWeights {
  autocomplete: number;
  type: number;
  label: number;
  aria: number;
  placeholder: number;
  title: number;
  name: number;
  id: number;
  nearby: number;
  nearbyWithLabel: number;
  legend: number;
  group: number;
  options: number;
  classes: number;
}

/** What the in-page script returns for one document (one frame). */
export interface RawDocumentResult {
  url: string;
  forms: Omit<MappedForm, "frame" | "frameUrl">[];
}

/** A multinomial logistic regression shipped as data (tools/mapper-model/train.ts). */
export interface MapperModel {
  /** output classes: FieldType names, plus x-password (new or current is settled by form context) */
  classes: string[];
  bias: number[];
  /** feature → [class index, weight] pairs (zero weights left out) */
  weights: Record<string, [number, number][]>;
  /** weights shared by every class, on that class's own lexicon evidence
   * [strength, is the lexicon's best]: how far to trust the lexicon, learned
   * once for all classes, so a class with few training fields still follows
   * its words */
  shared: [number, number];
  /** below this probability the control is reported as unknown */
  minProb: number;
  /** where the model came from: sources, sizes, date (not read by the mapper) */
  about?: Record<string, unknown>;
}
