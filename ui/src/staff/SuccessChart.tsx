/**
 * Success over time as stacked SVG bars (succeeded below, failed above), one
 * per day or week; no chart library. The figure's caption and the image's
 * label say the same in words, and each bar has a tooltip title.
 */
import { For } from "solid-js";
import type { SuccessBucket } from "../../../core/protocol/staff";

export interface ChartSeries {
  title: string;
  starts: string[];
  buckets: SuccessBucket[];
}

const W = 600;
const H = 160;
const AXIS = 18;

export const rateText = (succeeded: number, attempts: number) => (attempts ? `${Math.round((succeeded / attempts) * 100)}%` : "no outcomes");

export function SuccessChart(props: { series: ChartSeries }) {
  const byStart = () => new Map(props.series.buckets.map((b) => [b.start, b]));
  const points = () => props.series.starts.map((start) => byStart().get(start) ?? { start, succeeded: 0, failed: 0 });
  const totals = () => points().reduce((t, p) => ({ s: t.s + p.succeeded, f: t.f + p.failed }), { s: 0, f: 0 });
  const max = () => Math.max(1, ...points().map((p) => p.succeeded + p.failed));
  const barWidth = () => W / Math.max(1, points().length);
  const scale = (n: number) => (n / max()) * (H - AXIS - 8);
  const summary = () => {
    const { s, f } = totals();
    return `${props.series.title}: ${s + f} outcomes, ${s} succeeded, ${f} failed (success rate ${rateText(s, s + f)})`;
  };
  return (
    <figure class="chart" data-testid="success-chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={summary()}>
        <line x1="0" y1={H - AXIS + 0.5} x2={W} y2={H - AXIS + 0.5} stroke="#c7cede" />
        <For each={points()}>
          {(p, i) => {
            const x = () => i() * barWidth() + 2;
            const w = () => Math.max(1, barWidth() - 4);
            const ok = () => scale(p.succeeded);
            const bad = () => scale(p.failed);
            return (
              <g data-start={p.start}>
                <title>{`${p.start}: ${p.succeeded} succeeded, ${p.failed} failed (${rateText(p.succeeded, p.succeeded + p.failed)})`}</title>
                <rect class="bar-ok" x={x()} y={H - AXIS - ok()} width={w()} height={ok()} fill="#15803d" />
                <rect class="bar-failed" x={x()} y={H - AXIS - ok() - bad()} width={w()} height={bad()} fill="#b91c1c" />
              </g>
            );
          }}
        </For>
        <text x="2" y={H - 4} font-size="11" fill="#56627d">
          {points()[0]?.start}
        </text>
        <text x={W - 2} y={H - 4} font-size="11" fill="#56627d" text-anchor="end">
          {points().at(-1)?.start}
        </text>
      </svg>
      <figcaption>
        {summary()}. <span class="legend legend-ok">■ succeeded</span> <span class="legend legend-failed">■ failed</span>
      </figcaption>
    </figure>
  );
}
