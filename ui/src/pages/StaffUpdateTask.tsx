import { A, Navigate, useParams } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import type { UpdateListingOutcomeInput, UpdateListingTask } from "../../../core/protocol/staff";
import { safeHref } from "../../../core/url";
import { api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ErrorNote } from "../components";
import { label, time } from "../format";

type Answer = { applied: boolean; task: UpdateListingTask };
const FIELDS: Record<string, string> = { name: "Name", address: "Address", phone: "Phone", website: "Website", hours: "Hours" };

/**
 * "Update my listings" for a live listing without a vault login: the
 * listing's link and each detail to change, then "updated by hand" or "not
 * possible" with a reason (the customer's update view shows which).
 */
export default function StaffUpdateTask() {
  const params = useParams<{ jobId: string; submissionId: string }>();
  const path = () => `/api/staff/tasks/${params.jobId}/${params.submissionId}/update`;
  if (!signedIn()) return <Navigate href={`/sign-in?next=/staff/tasks/${params.jobId}/${params.submissionId}/update`} />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const [task, { mutate }] = createResource(path, (p) => api<Answer>(p).then((r) => r.task));
  const [outcome, setOutcome] = createSignal<UpdateListingOutcomeInput["outcome"]>("updated");
  const [reason, setReason] = createSignal("");
  const [note, setNote] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal("");

  async function record() {
    // One request at a time; the API ignores a repeat anyway.
    if (busy()) return;
    setBusy(true);
    setError(null);
    const extra = note().trim() ? { note: note().trim() } : {};
    const body: UpdateListingOutcomeInput = outcome() === "updated" ? { outcome: "updated", ...extra } : { outcome: "not_possible", reason: reason().trim(), ...extra };
    try {
      const answer = await api<Answer>(`${path()}/outcome`, { method: "POST", body });
      mutate(answer.task);
      setDone(answer.applied ? `Recorded: ${label(answer.task.status)}.` : "Already recorded; nothing changed.");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <p>
        <A href="/staff/tasks">← Staff tasks</A>
      </p>
      <ErrorNote error={task.error} />
      <Show when={task()}>
        {(t) => (
          <>
            <div class="title-row">
              <h1>Update the listing on {t().directoryName}</h1>
              <span class="badge" data-testid="task-status">
                {label(t().status)}
              </span>
            </div>
            <p>
              For <strong>{t().businessName ?? "—"}</strong>, job{" "}
              <A href={`/staff/jobs/${t().jobId}`}>
                <code>{t().jobId.slice(0, 8)}</code>
              </A>
              . We hold no login there: sign in or contact the directory and change the listing{" "}
              <a href={safeHref(t().listingUrl) ?? undefined} target="_blank" rel="noopener noreferrer" data-testid="listing-url">
                {t().listingUrl}
              </a>
              .
            </p>
            <table aria-label="Details to change">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">The listing shows</th>
                  <th scope="col">Change it to</th>
                </tr>
              </thead>
              <tbody>
                <For each={t().differences}>
                  {(d) => (
                    <tr data-field={d.field}>
                      <td>{FIELDS[d.field] ?? d.field}</td>
                      <td>{d.before ?? "—"}</td>
                      <td>{d.after ?? "—"}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={t().outcomeBy}>
              <p>
                Recorded by {t().outcomeBy} at {time(t().updatedAt)}
                <Show when={t().reason}>: {t().reason}</Show>
              </p>
            </Show>
            <Show when={t().actions.length > 0} fallback={<p class="muted">This task is closed.</p>}>
              <form
                class="confirm"
                aria-label="Record the outcome"
                onSubmit={(e) => {
                  e.preventDefault();
                  void record();
                }}
              >
                <h2>Record the outcome</h2>
                <label class="check">
                  <input type="radio" name="outcome" value="updated" checked={outcome() === "updated"} onChange={() => setOutcome("updated")} />
                  Updated by hand
                </label>
                <label class="check">
                  <input type="radio" name="outcome" value="not_possible" checked={outcome() === "not_possible"} onChange={() => setOutcome("not_possible")} />
                  Not possible, with a reason
                </label>
                <Show when={outcome() === "not_possible"}>
                  <div class="field">
                    <label for="update-reason">Reason (shown to the customer)</label>
                    <input id="update-reason" required minLength={3} maxLength={500} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
                  </div>
                </Show>
                <div class="field">
                  <label for="staff-note">Note for staff</label>
                  <input id="staff-note" maxLength={1000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
                </div>
                <button type="submit" disabled={busy()}>
                  Record
                </button>
              </form>
            </Show>
            <ErrorNote error={error()} />
            <Show when={done()}>
              <p role="status" class="ok">
                {done()}
              </p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
