/**
 * How well predicted probabilities match what happened: predicted against
 * observed by decile of prediction, the Brier score (mean squared error) and
 * the expected calibration error (ECE: the decile gaps weighted by size).
 */
export interface CalibrationBin {
  /** The decile's range of predictions [from, to). */
  from: number;
  to: number;
  n: number;
  meanPredicted: number;
  observed: number;
}

export interface Calibration {
  n: number;
  brier: number;
  ece: number;
  bins: CalibrationBin[];
}

export function calibration(samples: readonly { predicted: number; accepted: boolean }[]): Calibration {
  const bins: CalibrationBin[] = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, n: 0, meanPredicted: 0, observed: 0 }));
  let squared = 0;
  for (const s of samples) {
    const y = s.accepted ? 1 : 0;
    squared += (s.predicted - y) ** 2;
    const bin = bins[Math.min(9, Math.max(0, Math.floor(s.predicted * 10)))]!;
    bin.n++;
    bin.meanPredicted += s.predicted;
    bin.observed += y;
  }
  let ece = 0;
  for (const b of bins) {
    if (b.n === 0) continue;
    b.meanPredicted /= b.n;
    b.observed /= b.n;
    ece += (b.n / samples.length) * Math.abs(b.meanPredicted - b.observed);
  }
  return { n: samples.length, brier: samples.length ? squared / samples.length : 0, ece, bins };
}
