/**
 * The staff inbox of the verification mailboxes: mails no job's directory
 * claimed (unknown recipient, unknown sender, no confirmation link), newest
 * first, with the reason and the job when one was named (docs/after-submit.md).
 */
import { A, Navigate } from "@solidjs/router";
import { For, Show, createSignal, onMount } from "solid-js";
import type { InboundMailView } from "../../../core/protocol/staff";
import { api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ErrorNote } from "../components";

export default function StaffMail() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/staff/mail" />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const [mails, setMails] = createSignal<InboundMailView[] | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  onMount(async () => {
    try {
      setMails((await api<{ mails: InboundMailView[] }>("/api/staff/mail?status=unmatched")).mails);
    } catch (err) {
      setError(err);
    }
  });
  return (
    <section>
      <h1>Verification inbox</h1>
      <p>Mails to the verification mailboxes that matched no directory of a job. The raw message is kept in R2.</p>
      <ErrorNote error={error()} />
      <Show when={mails()} fallback={<p>Loading…</p>}>
        <Show when={mails()!.length > 0} fallback={<p>No unmatched mail.</p>}>
          <div class="table-wrap">
            <table aria-label="Unmatched mails">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Why</th>
                  <th scope="col">Job</th>
                </tr>
              </thead>
              <tbody>
                <For each={mails()!}>
                  {(m) => (
                    <tr>
                      <td>{new Date(m.receivedAt).toLocaleString()}</td>
                      <td>{m.from}</td>
                      <td>{m.to}</td>
                      <td>{m.subject ?? ""}</td>
                      <td>{m.reason ?? ""}</td>
                      <td>
                        <Show when={m.jobId} fallback="–">
                          <A href={`/staff/jobs/${m.jobId}`}>{m.jobId!.slice(0, 8)}</A>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </section>
  );
}
