/**
 * Multinomial logistic regression, trained offline (no dependency): L2
 * penalty, AdaGrad steps, a fixed number of passes in a seeded order, so
 * the same data gives the same model. Rare features (seen in fewer than
 * `minCount` training fields) are dropped: a token seen once teaches the
 * page it came from, not the next page. Settings are fixed below, not
 * searched on the evaluation groups.
 */
import type { MapperModel } from "../../browser-worker/src/mapper/types";

export interface Sample {
  /** cross-validation group: a plugin, or a DuckDuckGo corpus site */
  group: string;
  label: string;
  features: Map<string, number>;
  /** the lexicon's evidence for each class, by class name: [strength, is best] (scoring.ts classEvidence) */
  evidence: (classes: string[]) => [number, number][];
}

export const SETTINGS = { epochs: 25, rate: 0.3, l2: 1e-4, minCount: 2, minProb: 0.3, keep: 0.05 };

export function train(samples: Sample[], s = SETTINGS): MapperModel {
  const classes = [...new Set(samples.map((x) => x.label))].sort();
  const K = classes.length;
  const ci = new Map(classes.map((c, i) => [c, i]));
  const count = new Map<string, number>();
  for (const x of samples) for (const k of x.features.keys()) count.set(k, (count.get(k) || 0) + 1);
  const feats = [...count.entries()].filter(([, n]) => n >= s.minCount).map(([k]) => k);
  const fi = new Map(feats.map((k, i) => [k, i]));
  const W = new Float64Array(feats.length * K);
  const G = new Float64Array(feats.length * K).fill(1e-8);
  const b = new Float64Array(K);
  const gb = new Float64Array(K).fill(1e-8);
  const rows = samples.map((x) => ({ y: ci.get(x.label)!, e: x.evidence(classes), f: [...x.features].filter(([k]) => fi.has(k)).map(([k, v]) => [fi.get(k)!, v] as [number, number]) }));
  // a class with few examples is not drowned by the big ones: inverse-frequency weights, capped
  const freq = new Array(K).fill(0);
  for (const r of rows) freq[r.y]++;
  const cw = freq.map((n) => Math.min(5, Math.sqrt(rows.length / K / Math.max(1, n))));
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const order = rows.map((_, i) => i);
  const z = new Float64Array(K);
  const S = [0, 0];
  const gS = [1e-8, 1e-8];
  for (let ep = 0; ep < s.epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const oi of order) {
      const r = rows[oi]!;
      for (let k = 0; k < K; k++) z[k] = b[k]! + S[0]! * r.e[k]![0] + S[1]! * r.e[k]![1];
      for (const [f, v] of r.f) for (let k = 0; k < K; k++) z[k] = z[k]! + W[f * K + k]! * v;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, z[k]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - mx);
      const w = cw[r.y]!;
      const gs = [0, 0];
      for (let k = 0; k < K; k++) {
        const g = w * (z[k]! / sum - (k === r.y ? 1 : 0));
        gs[0] = gs[0]! + g * r.e[k]![0];
        gs[1] = gs[1]! + g * r.e[k]![1];
        gb[k] = gb[k]! + g * g;
        b[k] = b[k]! - (s.rate * g) / Math.sqrt(gb[k]!);
        for (const [f, v] of r.f) {
          const idx = f * K + k;
          const gg = g * v + s.l2 * W[idx]!;
          G[idx] = G[idx]! + gg * gg;
          W[idx] = W[idx]! - (s.rate * gg) / Math.sqrt(G[idx]!);
        }
      }
      for (let j = 0; j < 2; j++) {
        gS[j] = gS[j]! + gs[j]! * gs[j]!;
        S[j] = S[j]! - (s.rate * gs[j]!) / Math.sqrt(gS[j]!);
      }
    }
  }
  const weights: Record<string, [number, number][]> = {};
  feats.forEach((k, f) => {
    const ws: [number, number][] = [];
    for (let c = 0; c < K; c++) {
      const v = W[f * K + c]!;
      if (Math.abs(v) >= s.keep) ws.push([c, Math.round(v * 100) / 100]);
    }
    if (ws.length) weights[k] = ws;
  });
  return { classes, bias: [...b].map((v) => Math.round(v * 1000) / 1000), weights, shared: [Math.round(S[0]! * 1000) / 1000, Math.round(S[1]! * 1000) / 1000], minProb: s.minProb };
}
