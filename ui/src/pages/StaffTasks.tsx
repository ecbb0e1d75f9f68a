import { A, Navigate } from "@solidjs/router";
import { For, Show, createResource } from "solid-js";
import type { StaffTaskEntry } from "../../../core/protocol/staff";
import { api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ErrorNote } from "../components";
import { label, time } from "../format";

/** Open staff tasks across jobs: directories that refuse automation, and live listings to update by hand, waiting for a person. */
export default function StaffTasks() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/staff/tasks" />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const [tasks, { refetch }] = createResource(() => api<{ tasks: StaffTaskEntry[] }>("/api/staff/tasks").then((r) => r.tasks));
  return (
    <section>
      <p>
        <A href="/staff">← Operations</A>
      </p>
      <div class="title-row">
        <h1>Staff tasks</h1>
        <button type="button" class="secondary" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      <p class="muted">
        Directories that block bots, want a phone call or a postcard, or forbid automation, and live listings to update where we hold no login. Claim one, do it by hand, record what happened.
      </p>
      <ErrorNote error={tasks.error} />
      <div class="table-wrap">
        <table aria-label="Staff tasks">
          <thead>
            <tr>
              <th scope="col">Directory</th>
              <th scope="col">Business</th>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Claimed by</th>
              <th scope="col">Waiting since</th>
            </tr>
          </thead>
          <tbody>
            <For
              each={tasks() ?? []}
              fallback={
                <tr>
                  <td colspan="6" class="muted">
                    {tasks.loading ? "Loading…" : "No open staff tasks."}
                  </td>
                </tr>
              }
            >
              {(t) => (
                <tr data-task={t.submissionId} data-kind={t.kind}>
                  <td>
                    <A href={`/staff/tasks/${t.jobId}/${t.submissionId}${t.kind === "update_listing" ? "/update" : ""}`}>
                      {t.kind === "update_listing" ? `Update listing: ${t.directoryName}` : t.directoryName}
                    </A>
                  </td>
                  <td>{t.businessName ?? "—"}</td>
                  <td>
                    <A href={`/staff/jobs/${t.jobId}`}>
                      <code>{t.jobId.slice(0, 8)}</code>
                    </A>
                  </td>
                  <td>{t.kind === "update_listing" ? `change ${t.differences.map((d) => d.field).join(", ")}` : t.outcome === "submitted" ? "submitted, awaiting the directory" : label(t.status)}</td>
                  <td>
                    <Show when={t.kind === "submission" && t.claimedBy} fallback={<span class="muted">nobody</span>}>
                      {(who) => who()}
                    </Show>
                  </td>
                  <td>{time(t.updatedAt)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
