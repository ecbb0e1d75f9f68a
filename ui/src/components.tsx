import { For, Show, createSignal, type JSX } from "solid-js";
import { listingState } from "../../core/listing-states";
import type { SubmissionView } from "../../core/protocol/live";
import { safeHref } from "../../core/url";
import { errorText } from "./api";
import { accessToken } from "./auth";
import { eta, label, time } from "./format";
import type { JobState, LiveStatus } from "./live";

export function ErrorNote(props: { error: unknown }) {
  return (
    <Show when={props.error}>
      <p class="error" role="alert">
        {errorText(props.error)}
      </p>
    </Show>
  );
}

export function LiveBadge(props: { status: LiveStatus; retryIn: number }) {
  return (
    <span class={`badge badge-${props.status}`} role="status" aria-live="polite" data-testid="live-badge">
      {props.status === "live" ? "● Live" : props.status === "reconnecting" ? `Reconnecting… (retry in ${props.retryIn} s)` : props.status === "connecting" ? "Connecting…" : "Offline"}
    </span>
  );
}

export function Progress(props: { state: JobState }) {
  const job = () => props.state.job;
  return (
    <Show when={job()} fallback={<p>Waiting for the job's first update…</p>}>
      {(j) => (
        <section aria-label="Progress" class="progress-card">
          <div class="progress-head">
            <strong data-testid="percent">{j().percent}%</strong>
            <span class={`status status-${j().status}`}>{label(j().status)}</span>
          </div>
          <div class="bar" role="progressbar" aria-label="Submissions done" aria-valuemin="0" aria-valuemax="100" aria-valuenow={j().percent}>
            <div class="bar-fill" style={{ width: `${j().percent}%` }} />
          </div>
          <dl class="counts">
            <div>
              <dt>Submitted</dt>
              <dd data-testid="count-submitted">{j().submitted}</dd>
            </div>
            <div>
              <dt>Approved</dt>
              <dd data-testid="count-approved">{j().approved}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd data-testid="count-failed">{j().failed}</dd>
            </div>
            <Show when={j().replaced > 0}>
              <div title="Directories that ended without a listing, each replaced by another (not counted in the total)">
                <dt>Replaced</dt>
                <dd data-testid="count-replaced">{j().replaced}</dd>
              </div>
            </Show>
            <div>
              <dt>Remaining</dt>
              <dd data-testid="count-remaining">{j().remaining}</dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd>{j().total}</dd>
            </div>
          </dl>
          <p>
            Now working on: <strong>{j().current?.directoryName ?? "—"}</strong> · Estimated finish: <strong>{j().status === "completed" ? "done" : eta(j().eta)}</strong>
          </p>
          <Show when={j().statusReason}>
            <p class="muted">{j().statusReason}</p>
          </Show>
        </section>
      )}
    </Show>
  );
}

function EvidenceButton(props: { jobId: string; row: SubmissionView }) {
  const [src, setSrc] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  async function load() {
    if (src()) return setSrc(null);
    try {
      const res = await fetch(`/api/jobs/${props.jobId}/submissions/${props.row.submissionId}/evidence`, {
        headers: { authorization: `Bearer ${await accessToken()}` },
      });
      if (!res.ok) throw new Error(res.status === 404 ? "No screenshot yet" : `Could not load the screenshot (${res.status})`);
      setSrc(URL.createObjectURL(await res.blob()));
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <button type="button" class="link" onClick={load} aria-label={`Screenshot of ${props.row.directoryName}`}>
        {src() ? "Hide proof" : "Proof"}
      </button>
      <ErrorNote error={error()} />
      <Show when={src()}>
        {(s) => (
          <a href={s()} target="_blank" rel="noopener">
            <img class="evidence" src={s()} alt={`Screenshot of the ${props.row.directoryName} submission`} />
          </a>
        )}
      </Show>
    </>
  );
}

/** The customer's words for a submission (core/listing-states.ts). */
function ListingStateCell(props: { row: SubmissionView }) {
  const s = () => listingState(props.row);
  return (
    <>
      <span class={`chip state-${s().state}`} data-state={s().state}>
        {s().label}
      </span>
      <div class="muted state-detail">{s().detail}</div>
    </>
  );
}

export function SubmissionsTable(props: {
  jobId: string;
  state: JobState;
  staff?: boolean;
  actions?: (row: SubmissionView) => JSX.Element;
  /** Staff only: more under the row's error (the retry analyzer's notes). */
  errorDetail?: (row: SubmissionView) => JSX.Element;
}) {
  return (
    <div class="table-wrap">
      <table class="subs" aria-label="Submissions">
        <thead>
          <tr>
            <th scope="col">Directory</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
            <th scope="col">Listing</th>
            <th scope="col">Proof</th>
            <Show when={props.staff}>
              <th scope="col">Error</th>
              <th scope="col">Actions</th>
            </Show>
          </tr>
        </thead>
        <tbody>
          <For each={props.state.order}>
            {(id) => {
              const row = () => props.state.rows[id]!;
              return (
                <tr data-submission={id} class={`row-${row().status}`}>
                  <td>
                    {row().directoryName}
                    <Show when={row().replaces}>
                      {(r) => (
                        <div class="muted replaces">
                          replaces {props.state.rows[r().submissionId]?.directoryName ?? "a directory"}
                          {r().reason ? ` (${r().reason})` : ""}
                        </div>
                      )}
                    </Show>
                  </td>
                  <td>
                    <Show when={props.staff} fallback={<ListingStateCell row={row()} />}>
                      <span class={`chip chip-${row().status}`}>{label(row().status)}</span>
                      <Show when={row().staffTask}>
                        {" "}
                        <span class="muted">(staff)</span>
                      </Show>
                      <Show when={row().attempt > 1}>
                        {" "}
                        <span class="muted">(try {row().attempt})</span>
                      </Show>
                    </Show>
                  </td>
                  <td>{time(row().updatedAt)}</td>
                  <td>
                    <Show when={safeHref(row().listingUrl)} fallback={<span class="muted">—</span>}>
                      <a href={safeHref(row().listingUrl)!} target="_blank" rel="noopener noreferrer">
                        View listing
                      </a>
                    </Show>
                  </td>
                  <td>
                    <Show when={row().evidenceKey} fallback={<span class="muted">—</span>}>
                      <EvidenceButton jobId={props.jobId} row={row()} />
                    </Show>
                  </td>
                  <Show when={props.staff}>
                    <td class="err-cell">
                      {row().failureClass ? `${label(row().failureClass!)}: ` : ""}
                      {row().failureReason ?? ""}
                      {props.errorDetail?.(row())}
                    </td>
                    <td>{props.actions?.(row())}</td>
                  </Show>
                </tr>
              );
            }}
          </For>
        </tbody>
      </table>
    </div>
  );
}

export function ActivityFeed(props: { lines: { at: number; message: string; jobId?: string }[]; showJob?: boolean }) {
  return (
    <ol class="activity" aria-label="Activity" aria-live="off">
      <For each={[...props.lines].reverse().slice(0, 30)}>
        {(l) => (
          <li>
            <time>{time(l.at)}</time> {props.showJob && l.jobId ? <code>{l.jobId.slice(0, 8)}</code> : null} {l.message}
          </li>
        )}
      </For>
    </ol>
  );
}
