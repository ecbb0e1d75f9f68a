/**
 * "Directory mail" (issue 18): every mail received at the addresses the job
 * gave its directories, newest first. The listing's mailbox is the
 * customer's: a lead, a directory's question or an approval is for them (and
 * e-mailed to them, at once or in a daily digest, as they choose here); a
 * verification is marked as handled by us. A mail is plain text made safe on
 * the server (src/mail/sanitize.ts) and shown as text, never as markup;
 * attachments are only listed.
 */
import { A, Navigate, useParams } from "@solidjs/router";
import { For, Show, createSignal, onMount } from "solid-js";
import type { DirectoryMailDelivery, DirectoryMailMessage, DirectoryMailSummary } from "../../../core/protocol/site";
import { api } from "../api";
import { signedIn } from "../auth";
import { ErrorNote } from "../components";

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KB`);

function MailKind(props: { mail: DirectoryMailSummary }) {
  return (
    <Show
      when={props.mail.kind === "message"}
      fallback={
        <span class="chip chip-submitted" title="We opened the confirmation link for you">
          Verification – handled by DirectoryBolt
        </span>
      }
    >
      <span class="chip chip-submitting">For you</span>
    </Show>
  );
}

export default function DirectoryMail() {
  const params = useParams<{ id: string }>();
  if (!signedIn()) return <Navigate href={`/sign-in?next=/portal/jobs/${params.id}/mail`} />;
  const [mails, setMails] = createSignal<DirectoryMailSummary[] | null>(null);
  const [open, setOpen] = createSignal<DirectoryMailMessage | null>(null);
  const [delivery, setDelivery] = createSignal<DirectoryMailDelivery | null>(null);
  const [saved, setSaved] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  onMount(async () => {
    try {
      const [list, pref] = await Promise.all([api<{ mails: DirectoryMailSummary[] }>(`/api/jobs/${params.id}/mail`), api<{ delivery: DirectoryMailDelivery }>("/api/me/directory-mail")]);
      setMails(list.mails);
      setDelivery(pref.delivery);
      const first = list.mails.find((m) => m.kind === "message");
      if (first) await show(first.id);
    } catch (err) {
      setError(err);
    }
  });
  async function show(id: string) {
    try {
      setOpen((await api<{ mail: DirectoryMailMessage }>(`/api/jobs/${params.id}/mail/${id}`)).mail);
    } catch (err) {
      setError(err);
    }
  }
  async function choose(value: DirectoryMailDelivery) {
    setSaved(false);
    try {
      setDelivery((await api<{ delivery: DirectoryMailDelivery }>("/api/me/directory-mail", { method: "PUT", body: { delivery: value } })).delivery);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section>
      <div class="title-row">
        <h1>Directory mail</h1>
        <A href={`/portal/jobs/${params.id}`}>Back to your submissions</A>
      </div>
      <p>
        Every mail your directories (and their visitors) sent to the address we gave them for your listings. Confirmation mails are handled by us; everything else is for you, and we e-mail it to you
        too.
      </p>
      <ErrorNote error={error()} />
      <fieldset class="progress-card" data-testid="mail-delivery">
        <legend>E-mail me about new mail</legend>
        <label class="check">
          <input type="radio" name="delivery" value="immediate" checked={delivery() === "immediate"} disabled={!delivery()} onChange={() => void choose("immediate")} /> At once, one e-mail per mail
        </label>
        <label class="check">
          <input type="radio" name="delivery" value="daily" checked={delivery() === "daily"} disabled={!delivery()} onChange={() => void choose("daily")} /> One digest a day
        </label>
        <Show when={saved()}>
          <p class="ok" role="status">
            Saved.
          </p>
        </Show>
      </fieldset>
      <Show when={mails()} fallback={<p>Loading…</p>}>
        <Show when={mails()!.length > 0} fallback={<p data-testid="no-mail">No mail yet.</p>}>
          <div class="two-col mail-view">
            <div class="table-wrap">
              <table aria-label="Directory mail">
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Directory</th>
                    <th scope="col">Subject</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={mails()!}>
                    {(m) => (
                      <tr data-mail={m.id} data-kind={m.kind} classList={{ "row-open": open()?.id === m.id }}>
                        <td>{new Date(m.receivedAt).toLocaleString()}</td>
                        <td>{m.directoryName ?? "–"}</td>
                        <td>
                          <button type="button" class="link" onClick={() => void show(m.id)}>
                            {m.subject || "(no subject)"}
                          </button>
                          <br />
                          <MailKind mail={m} />
                          <Show when={m.attachmentCount > 0}>
                            {" "}
                            <span class="muted">📎 {m.attachmentCount}</span>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={open()} fallback={<p class="muted">Choose a mail to read it.</p>}>
              {(m) => (
                <article class="progress-card mail-message" aria-label="Mail" data-testid="mail-message">
                  <h2>{m().subject || "(no subject)"}</h2>
                  <dl class="mail-head">
                    <dt>From</dt>
                    <dd>
                      {m().from}
                      <Show when={!m().fromDirectory}>
                        {" "}
                        <span class="muted">(not sent by the directory's own mail server)</span>
                      </Show>
                    </dd>
                    <dt>Directory</dt>
                    <dd>{m().directoryName ?? "–"}</dd>
                    <dt>Received</dt>
                    <dd>{new Date(m().receivedAt).toLocaleString()}</dd>
                    <dt>E-mailed to you</dt>
                    <dd>
                      {m().kind === "verification"
                        ? "No: a confirmation we handled"
                        : m().notifiedBy === "immediate"
                          ? "At once"
                          : m().notifiedBy === "digest"
                            ? "In the daily digest"
                            : "In the next daily digest"}
                    </dd>
                  </dl>
                  <MailKind mail={m()} />
                  <pre class="mail-body" data-testid="mail-body">
                    {m().body}
                  </pre>
                  <Show when={m().attachments.length > 0}>
                    <h3>Attachments</h3>
                    <p class="muted">Listed only: attachments are not opened or served here.</p>
                    <ul data-testid="mail-attachments">
                      <For each={m().attachments}>
                        {(a) => (
                          <li>
                            {a.filename}{" "}
                            <span class="muted">
                              ({a.mimeType}, {kb(a.size)})
                            </span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </article>
              )}
            </Show>
          </div>
        </Show>
      </Show>
    </section>
  );
}
