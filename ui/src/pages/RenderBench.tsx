/**
 * A measuring page (not linked): a synthetic 500-row snapshot through the
 * portal's own store and table, then single-row deltas, each timed from
 * `apply` to the row's new text in the DOM, and to the next painted frame.
 */
import { createSignal, onMount } from "solid-js";
import type { JobProgress, SubmissionView } from "../../../core/protocol/live";
import { Progress, SubmissionsTable } from "../components";
import { createJobStore } from "../live";

const ROWS = 500;
const DELTAS = 200;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function job(done: number): JobProgress {
  return {
    jobId: uuid(999999),
    status: "in_progress",
    statusReason: null,
    total: ROWS,
    submitted: done,
    approved: 0,
    failed: 0,
    skipped: 0,
    replaced: 0,
    alreadyListed: 0,
    manual: 0,
    inFlight: 4,
    remaining: ROWS - done,
    percent: Math.round((done / ROWS) * 100),
    current: { submissionId: uuid(done), directoryName: `Directory ${done}` },
    eta: Date.now() + 600_000,
    updatedAt: Date.now(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;
const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));

export default function RenderBench() {
  const { state, apply } = createJobStore();
  const [result, setResult] = createSignal("running…");
  onMount(async () => {
    const rows: SubmissionView[] = Array.from({ length: ROWS }, (_, i) => ({
      submissionId: uuid(i),
      directoryId: uuid(100000 + i),
      directoryName: `Directory ${i}`,
      status: "queued",
      attempt: 1,
      listingUrl: null,
      evidenceKey: null,
      failureClass: null,
      failureReason: null,
      updatedAt: Date.now(),
    }));
    const t0 = performance.now();
    apply({ type: "snapshot", job: job(0), submissions: rows, activity: [] });
    const snapshotMs = performance.now() - t0;
    await nextFrame();
    const firstRow = document.querySelector(`tr[data-submission="${uuid(0)}"]`);
    const toDom: number[] = [];
    const toPaint: number[] = [];
    for (let k = 0; k < DELTAS; k++) {
      const i = (k * 7) % ROWS;
      const start = performance.now();
      apply({ type: "submission", submissions: [{ ...rows[i]!, status: "submitted", attempt: 1, listingUrl: `https://example.com/${i}`, updatedAt: Date.now() }] });
      apply({ type: "job", job: job(k + 1) });
      const row = document.querySelector(`tr[data-submission="${uuid(i)}"]`);
      if (!/submitted/i.test(row?.textContent ?? "")) throw new Error(`row ${i} not updated`);
      toDom.push(performance.now() - start);
      toPaint.push((await nextFrame()) - start);
    }
    const sameNode = document.querySelector(`tr[data-submission="${uuid(0)}"]`) === firstRow;
    const out = {
      rows: ROWS,
      deltas: DELTAS,
      snapshotMs: +snapshotMs.toFixed(2),
      deltaToDomMedianMs: +median(toDom).toFixed(3),
      deltaToDomP99Ms: +p99(toDom).toFixed(3),
      deltaToPaintMedianMs: +median(toPaint).toFixed(2),
      deltaToPaintP99Ms: +p99(toPaint).toFixed(2),
      rowsKeptInPlace: sameNode,
      domRows: document.querySelectorAll("tr[data-submission]").length,
    };
    (window as unknown as { __bench: unknown }).__bench = out;
    setResult(JSON.stringify(out));
  });
  return (
    <section>
      <h1>Render bench</h1>
      <pre data-testid="bench-result">{result()}</pre>
      <Progress state={state} />
      <SubmissionsTable jobId={uuid(999999)} state={state} />
    </section>
  );
}
