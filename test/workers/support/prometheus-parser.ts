/**
 * A strict parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests:
 * anything the format does not allow throws, naming the line.
 * - `# HELP name text` and `# TYPE name type` at most once per family, TYPE
 *   before the family's first sample; other `#` lines are comments.
 * - `name{label="value",...} value [timestamp]`, names `[a-zA-Z_:][a-zA-Z0-9_:]*`,
 *   label names `[a-zA-Z_][a-zA-Z0-9_]*` (no `__` prefix), values with only
 *   `\\`, `\"`, `\n` escapes; values are Go floats, `+Inf`, `-Inf`, `NaN`.
 * - A family's samples are contiguous; no sample (name + labels) repeats.
 * - Histograms: `_bucket` with `le`, cumulative, a `+Inf` bucket equal to
 *   `_count`, and `_sum`. Counters: non-negative.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: number): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function familyOf(sampleName: string, families: Map<string, Family>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return base;
    }
  }
  return sampleName;
}

function parseSample(text: string, line: number): Sample {
  let i = 0;
  while (i < text.length && /[a-zA-Z0-9_:]/.test(text[i]!)) i++;
  const name = text.slice(0, i);
  if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${JSON.stringify(name)}`);
  const labels: Record<string, string> = {};
  if (text[i] === "{") {
    i++;
    while (text[i] !== "}") {
      const start = i;
      while (i < text.length && /[a-zA-Z0-9_]/.test(text[i]!)) i++;
      const label = text.slice(start, i);
      if (!LABEL_NAME.test(label) || label.startsWith("__")) throw new Error(`line ${line}: bad label name ${JSON.stringify(label)}`);
      if (label in labels) throw new Error(`line ${line}: label ${label} repeated`);
      if (text[i] !== "=" || text[i + 1] !== '"') throw new Error(`line ${line}: expected =" after ${label}`);
      i += 2;
      let value = "";
      for (;;) {
        const ch = text[i];
        if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
        if (ch === '"') break;
        if (ch === "\\") {
          const next = text[i + 1];
          if (next === "\\") value += "\\";
          else if (next === '"') value += '"';
          else if (next === "n") value += "\n";
          else throw new Error(`line ${line}: bad escape \\${next}`);
          i += 2;
        } else {
          value += ch;
          i++;
        }
      }
      labels[label] = value;
      i++;
      if (text[i] === ",") i++;
      else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } in labels`);
    }
    i++;
  }
  if (text[i] !== " ") throw new Error(`line ${line}: expected a space before the value`);
  const rest = text.slice(i + 1).split(" ");
  if (rest.length < 1 || rest.length > 2 || rest.some((p) => p === "")) throw new Error(`line ${line}: expected value [timestamp]`);
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) throw new Error(`line ${line}: bad timestamp`);
  return { name, labels, value: parseValue(rest[0]!, line) };
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const families = new Map<string, Family>();
  const seenSamples = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = raw.match(/^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ""] = m as unknown as [string, "HELP" | "TYPE", string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name in ${kind}`);
      let f = families.get(name);
      if (f && f.samples.length > 0) throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      if (!f) families.set(name, (f = { name, type: "untyped", samples: [] }));
      if (kind === "HELP") {
        if (f.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        f.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      } else {
        if ((f as Family & { typed?: boolean }).typed) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (!TYPES.has(rest.trim())) throw new Error(`line ${line}: unknown type ${rest}`);
        f.type = rest.trim() as Family["type"];
        (f as Family & { typed?: boolean }).typed = true;
      }
      return;
    }
    const sample = parseSample(raw, line);
    const familyName = familyOf(sample.name, families);
    if (current !== familyName) {
      if (current) closed.add(current);
      if (closed.has(familyName)) throw new Error(`line ${line}: samples of ${familyName} are not contiguous`);
      current = familyName;
    }
    let f = families.get(familyName);
    if (!f) families.set(familyName, (f = { name: familyName, type: "untyped", samples: [] }));
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSamples.has(key)) throw new Error(`line ${line}: sample ${key} repeated`);
    seenSamples.add(key);
    if (f.type === "counter" && !(sample.value >= 0)) throw new Error(`line ${line}: counter ${sample.name} is negative`);
    if (f.type === "histogram" && sample.name.endsWith("_bucket") && !("le" in sample.labels)) throw new Error(`line ${line}: bucket without le`);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const buckets = f.samples.filter((s) => s.name === `${f.name}_bucket`);
  const count = f.samples.find((s) => s.name === `${f.name}_count`);
  if (!count || !f.samples.some((s) => s.name === `${f.name}_sum`)) throw new Error(`${f.name}: histogram without _sum/_count`);
  const les = buckets.map((b) => parseValue(b.labels.le!, 0));
  for (let i = 1; i < buckets.length; i++) {
    if (!(les[i]! > les[i - 1]!)) throw new Error(`${f.name}: le not increasing`);
    if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${f.name}: buckets not cumulative`);
  }
  if (les.at(-1) !== Infinity) throw new Error(`${f.name}: no +Inf bucket`);
  if (buckets.at(-1)!.value !== count.value) throw new Error(`${f.name}: +Inf bucket differs from _count`);
}

/** The value of one sample, or undefined. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    const s = f.samples.find((s) => s.name === name && Object.keys(labels).length === Object.keys(s.labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (s) return s.value;
  }
  return undefined;
}
