import { A, Navigate } from "@solidjs/router";
import { For, Show, createSignal, onMount } from "solid-js";
import type { OpsOverview } from "../../../core/protocol/live";
import { api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ActivityFeed, ErrorNote, LiveBadge } from "../components";
import { label, time } from "../format";
import { UnderLiveTargetList } from "../live-rate";
import { createOpsStore, useLiveSocket } from "../live";

function ThroughputChart(props: { data: number[] }) {
  const w = 600;
  const h = 120;
  const max = () => Math.max(1, ...props.data);
  const total = () => props.data.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={`Reports applied per minute over the last hour: ${total()} in total, peak ${max()} per minute`}>
        <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} stroke="#c7cede" />
        <For each={props.data}>
          {(v, i) => {
            const bw = () => w / Math.max(60, props.data.length);
            const bh = () => (v / max()) * (h - 10);
            return (
              <rect x={i() * bw() + 1} y={h - bh()} width={Math.max(1, bw() - 2)} height={bh()} fill="#4f46e5">
                <title>{v} / min</title>
              </rect>
            );
          }}
        </For>
      </svg>
      <figcaption>
        Throughput, last hour: {total()} reports (peak {max()}/min)
      </figcaption>
    </figure>
  );
}

export default function Staff() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/staff" />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const ops = createOpsStore();
  const [error, setError] = createSignal<unknown>(null);
  const [jobId, setJobId] = createSignal("");
  onMount(async () => {
    try {
      ops.set(await api<OpsOverview>("/api/ops/overview"));
    } catch (err) {
      setError(err);
    }
  });
  const live = useLiveSocket(
    () => "/api/ops/ws-ticket",
    (msg) => msg.type === "ops" && ops.set(msg.overview),
  );
  const o = ops.overview;
  return (
    <section>
      <div class="title-row">
        <h1>Operations</h1>
        <A href="/staff/tasks">Staff tasks</A>
        <A href="/staff/mail">Verification inbox</A>
        <LiveBadge status={live.status()} retryIn={live.retryIn()} />
      </div>
      <ErrorNote error={error() ?? live.error()} />
      <form
        class="row"
        aria-label="Open a job"
        onSubmit={(e) => {
          e.preventDefault();
          if (jobId().trim()) location.assign(`/staff/jobs/${jobId().trim()}`);
        }}
      >
        <label for="open-job">Job id</label>
        <input id="open-job" value={jobId()} onInput={(e) => setJobId(e.currentTarget.value)} placeholder="uuid" />
        <button type="submit">Open</button>
      </form>
      <dl class="counts">
        <div>
          <dt>Active jobs</dt>
          <dd>{o.jobs.filter((j) => j.status === "in_progress").length}</dd>
        </div>
        <div>
          <dt>Queue depth</dt>
          <dd data-testid="queue-depth">{o.queueDepth}</dd>
        </div>
        <div>
          <dt>Workers</dt>
          <dd>{o.workers.length}</dd>
        </div>
      </dl>
      <ThroughputChart data={o.throughputPerMinute} />
      <h2>Jobs</h2>
      <div class="table-wrap">
        <table aria-label="Jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Failed</th>
              <th scope="col">In flight</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            <For
              each={o.jobs}
              fallback={
                <tr>
                  <td colspan="7" class="muted">
                    No jobs yet.
                  </td>
                </tr>
              }
            >
              {(j) => (
                <tr>
                  <td>
                    <A href={`/staff/jobs/${j.jobId}`}>
                      <code>{j.jobId.slice(0, 8)}</code>
                    </A>
                  </td>
                  <td>{j.plan}</td>
                  <td>{label(j.status)}</td>
                  <td>
                    <div class="bar small" role="progressbar" aria-label={`Job ${j.jobId.slice(0, 8)} progress`} aria-valuenow={j.percent} aria-valuemin="0" aria-valuemax="100">
                      <div class="bar-fill" style={{ width: `${j.percent}%` }} />
                    </div>
                    {j.percent}% ({j.submitted}/{j.total})
                  </td>
                  <td>{j.failed}</td>
                  <td>{j.inFlight}</td>
                  <td>{j.currentDirectory ?? "—"}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <UnderLiveTargetList />
      <div class="two-col">
        <div>
          <h2>Worker heartbeats</h2>
          <ul>
            <For each={o.workers} fallback={<li class="muted">No worker has reported yet.</li>}>
              {(w) => (
                <li>
                  <code>{w.workerId}</code> ({w.kind}) last seen {time(w.lastSeenAt)}
                  <Show when={Date.now() - w.lastSeenAt > 120_000}>
                    {" "}
                    <span class="error">stale</span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </div>
        <div>
          <h2>Activity</h2>
          <ActivityFeed lines={o.activity} showJob />
        </div>
      </div>
    </section>
  );
}
