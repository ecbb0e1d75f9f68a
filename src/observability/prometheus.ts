/**
 * A small writer of the Prometheus text exposition format (version 0.0.4):
 * one HELP and one TYPE line per family, then its samples; label values
 * escaped (backslash, double quote, newline); numbers as Go would print them.
 */
export type MetricType = "counter" | "gauge" | "histogram";
export type Labels = Record<string, string>;

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
}

export class Exposition {
  private readonly lines: string[] = [];
  private readonly families = new Set<string>();

  private family(name: string, type: MetricType, help: string): void {
    if (this.families.has(name)) throw new Error(`metric family ${name} written twice`);
    this.families.add(name);
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  private sample(name: string, labels: Labels, value: number): void {
    this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /** A counter or gauge family; counters must be named `*_total`. */
  metric(name: string, type: "counter" | "gauge", help: string, samples: { labels?: Labels; value: number }[]): this {
    if (type === "counter" && !name.endsWith("_total")) throw new Error(`counter ${name} must end in _total`);
    this.family(name, type, help);
    for (const s of samples) this.sample(name, s.labels ?? {}, s.value);
    return this;
  }

  /** A histogram: cumulative buckets (a `+Inf` bucket is added), `_sum` and `_count`. */
  histogram(name: string, help: string, data: { buckets: { le: number; count: number }[]; sum: number; count: number }, labels: Labels = {}): this {
    this.family(name, "histogram", help);
    for (const b of data.buckets) this.sample(`${name}_bucket`, { ...labels, le: formatValue(b.le) }, b.count);
    this.sample(`${name}_bucket`, { ...labels, le: "+Inf" }, data.count);
    this.sample(`${name}_sum`, labels, data.sum);
    this.sample(`${name}_count`, labels, data.count);
    return this;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}
