/**
 * The retry analyzer's words for staff on the job page
 * (`GET /api/staff/jobs/:id/notes`): the reason behind a stop, and the value
 * fixes a retry carried. Loaded when the page opens and again when a
 * submission turns failed or skipped, never on every delta. The coordinator
 * writes its events to Postgres just after it tells the sockets, so a stop
 * the answer does not know yet is asked again a few times, briefly later.
 */
import { For, Show, createSignal, onCleanup } from "solid-js";
import type { ServerMessage, SubmissionView } from "../../../core/protocol/live";
import type { StaffJobNotes, SubmissionNotes } from "../../../core/protocol/staff";
import { describeFixes } from "../../../core/value-fixes";
import { api } from "../api";
import type { JobState } from "../live";

const STOPPED = new Set<SubmissionView["status"]>(["failed", "skipped"]);
const LATE_TRIES = 3;
const LATE_DELAY_MS = 2_000;

/** The submissions this message turns failed or skipped (a first snapshot is the page's first load, not a change). */
export function newlyStopped(state: JobState, msg: ServerMessage): string[] {
  if (msg.type !== "snapshot" && msg.type !== "submission") return [];
  return msg.submissions
    .filter((s) => {
      const before = state.rows[s.submissionId];
      return STOPPED.has(s.status) && before !== undefined && before.status !== s.status;
    })
    .map((s) => s.submissionId);
}

export function createStaffNotes(jobId: () => string, state: JobState) {
  const [notes, setNotes] = createSignal<Record<string, SubmissionNotes>>({});
  const [error, setError] = createSignal<unknown>(null);
  let loading = false;
  let again = false;
  let lateTries = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  /** A stopped row whose stop the notes do not have yet (by attempt). */
  const behind = (byId: Record<string, SubmissionNotes>) => Object.values(state.rows).some((row) => STOPPED.has(row.status) && (byId[row.submissionId]?.stop?.attempt ?? 0) < row.attempt);

  async function load(): Promise<void> {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const answer = await api<StaffJobNotes>(`/api/staff/jobs/${jobId()}/notes`);
      const byId = Object.fromEntries(answer.submissions.map((n) => [n.submissionId, n]));
      setNotes(byId);
      setError(null);
      clearTimeout(timer);
      if (behind(byId) && lateTries < LATE_TRIES) {
        lateTries++;
        timer = setTimeout(() => void load(), LATE_DELAY_MS);
      }
    } catch (err) {
      setError(err);
    } finally {
      loading = false;
      if (again) {
        again = false;
        void load();
      }
    }
  }

  return {
    notes,
    error,
    /** The page opened, or a submission stopped: ask again (with a few late tries for a stop not yet written). */
    refresh() {
      lateTries = 0;
      void load();
    },
  };
}

/** Under a staff row's error: the reason for staff when stopped, and each retry that carried a fix or expected a captcha. */
export function SubmissionNoteLines(props: { row: SubmissionView; note: SubmissionNotes | undefined }) {
  const stop = () => (STOPPED.has(props.row.status) ? props.note?.stop : null);
  const retries = () => (props.note?.retries ?? []).filter((r) => r.why !== "retry");
  return (
    <>
      <Show when={stop()}>
        {(s) => (
          <p class="staff-reason" data-testid="staff-reason">
            {s().staffReason}
          </p>
        )}
      </Show>
      <For each={retries()}>
        {(r) => (
          <p class="muted retry-note">
            Try {r.attempt + 1}: {r.why === "fix" ? `retried with ${describeFixes(r.fixes)}` : "retried expecting a captcha"}
          </p>
        )}
      </For>
    </>
  );
}
