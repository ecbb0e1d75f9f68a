import { A, Navigate, useParams } from "@solidjs/router";
import { Show, createSignal } from "solid-js";
import type { ServerMessage, SubmissionView } from "../../../core/protocol/live";
import { api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ActivityFeed, ErrorNote, LiveBadge, Progress, SubmissionsTable } from "../components";
import { label } from "../format";
import { createJobStore, useLiveSocket } from "../live";
import { ShortfallNote } from "../shortfall";
import { LiveRateSection } from "../live-rate";
import { ListingUpdateSection } from "../listing-update";
import { LoginsSection } from "../logins";
import { SubmissionNoteLines, createStaffNotes, newlyStopped } from "../staff/notes";

type Action = { kind: "pause" | "resume" | "cancel" | "retry-failed" } | { kind: "retry"; row: SubmissionView };

export default function StaffJob() {
  const params = useParams<{ id: string }>();
  if (!signedIn()) return <Navigate href={`/sign-in?next=/staff/jobs/${params.id}`} />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const { state, apply } = createJobStore();
  const staffNotes = createStaffNotes(() => params.id, state);
  // Notes once now, and again only when a delta stops a submission.
  staffNotes.refresh();
  const onMessage = (msg: ServerMessage) => {
    const stopped = newlyStopped(state, msg).length > 0;
    apply(msg);
    if (stopped) staffNotes.refresh();
  };
  const live = useLiveSocket(() => `/api/jobs/${params.id}/ws-ticket`, onMessage);
  const [pending, setPending] = createSignal<Action | null>(null);
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  const describe = (a: Action) =>
    a.kind === "retry"
      ? `Retry ${a.row.directoryName}`
      : a.kind === "retry-failed"
        ? `Retry all ${state.job?.failed ?? 0} failed submissions`
        : `${label(a.kind)} the job`.replace(/^./, (c) => c.toUpperCase());

  async function run(a: Action) {
    setBusy(true);
    setError(null);
    try {
      const path = a.kind === "retry" ? `/api/staff/jobs/${params.id}/submissions/${a.row.submissionId}/retry` : `/api/staff/jobs/${params.id}/${a.kind}`;
      await api(path, { method: "POST", body: a.kind === "cancel" ? { reason: reason() } : {} });
      setDone(`${describe(a)}: done.`);
      // The socket may already have shown the result and staff opened the
      // next action: close only the dialog this request came from.
      if (pending() === a) setPending(null);
      setReason("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const status = () => state.job?.status;
  return (
    <Show
      when={!live.error()}
      fallback={
        <section role="alert">
          <h1>Cannot open this job</h1>
          <ErrorNote error={live.error()} />
          <A href="/staff">Back to operations</A>
        </section>
      }
    >
      <section>
        <p>
          <A href="/staff">← Operations</A>
        </p>
        <div class="title-row">
          <h1>
            Job <code>{params.id.slice(0, 8)}</code>
          </h1>
          <LiveBadge status={live.status()} retryIn={live.retryIn()} />
        </div>
        <Progress state={state} />
        <div class="toolbar" role="toolbar" aria-label="Job controls">
          <button type="button" disabled={busy() || status() !== "in_progress"} onClick={() => setPending({ kind: "pause" })}>
            Pause
          </button>
          <button type="button" disabled={busy() || status() !== "paused"} onClick={() => setPending({ kind: "resume" })}>
            Resume
          </button>
          <button type="button" disabled={busy() || !state.job?.failed} onClick={() => setPending({ kind: "retry-failed" })}>
            Retry failed
          </button>
          <button type="button" class="danger" disabled={busy() || status() === "completed" || status() === "cancelled"} onClick={() => setPending({ kind: "cancel" })}>
            Cancel job
          </button>
        </div>
        <Show when={pending()}>
          {(a) => (
            <form
              class="confirm"
              role="alertdialog"
              aria-label="Confirm"
              onSubmit={(e) => {
                e.preventDefault();
                void run(a());
              }}
            >
              <p>
                <strong>{describe(a())}?</strong>
              </p>
              <Show when={a().kind === "cancel"}>
                <label for="cancel-reason">Reason (shown to the customer)</label>
                <input id="cancel-reason" required minLength={3} maxLength={500} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
              </Show>
              <button type="submit" disabled={busy()} autofocus>
                Confirm
              </button>{" "}
              <button type="button" class="secondary" onClick={() => setPending(null)}>
                Keep as is
              </button>
            </form>
          )}
        </Show>
        <ErrorNote error={error()} />
        <Show when={done()}>
          <p role="status" class="ok">
            {done()}
          </p>
        </Show>
        <h2>Submissions</h2>
        <ErrorNote error={staffNotes.error()} />
        <SubmissionsTable
          jobId={params.id}
          state={state}
          staff
          errorDetail={(row) => <SubmissionNoteLines row={row} note={staffNotes.notes()[row.submissionId]} />}
          actions={(row) => (
            <>
              <Show when={row.status === "failed" || row.status === "skipped"}>
                <button type="button" class="secondary" aria-label={`Retry ${row.directoryName}`} onClick={() => setPending({ kind: "retry", row })}>
                  Retry
                </button>
              </Show>
              <Show when={row.staffTask}>
                {" "}
                <A href={`/staff/tasks/${params.id}/${row.submissionId}`}>Staff task</A>
              </Show>
            </>
          )}
        />
        <ShortfallNote jobId={params.id} status={state.job?.status} staff />
        <LiveRateSection jobId={params.id} status={state.job?.status} />
        <ListingUpdateSection jobId={params.id} staff />
        <LoginsSection jobId={params.id} state={state} staff />
        <h2>Activity</h2>
        <ActivityFeed lines={state.activity} />
      </section>
    </Show>
  );
}
