import { A, Navigate, useParams } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import type { StaffOutcome, StaffOutcomeInput, StaffTaskPacket } from "../../../core/protocol/staff";
import { safeHref } from "../../../core/url";
import { api } from "../api";
import { accessToken, isStaff, signedIn } from "../auth";
import { ErrorNote } from "../components";
import { label, time } from "../format";

type Answer = { applied: boolean; packet: StaffTaskPacket };

function CopyButton(props: { value: string; what: string }) {
  const [copied, setCopied] = createSignal(false);
  return (
    <button
      type="button"
      class="secondary copy"
      aria-label={`Copy ${props.what}`}
      onClick={async () => {
        await navigator.clipboard.writeText(props.value);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied() ? "Copied" : "Copy"}
    </button>
  );
}

/** One staff task: the directory's link, every value to paste, and the outcome form. */
export default function StaffTask() {
  const params = useParams<{ jobId: string; submissionId: string }>();
  const path = () => `/api/staff/tasks/${params.jobId}/${params.submissionId}`;
  if (!signedIn()) return <Navigate href={`/sign-in?next=/staff/tasks/${params.jobId}/${params.submissionId}`} />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  const [packet, { mutate }] = createResource(path, (p) => api<Answer>(p).then((r) => r.packet));
  const [outcome, setOutcome] = createSignal<StaffOutcome>("submitted");
  const [listingUrl, setListingUrl] = createSignal("");
  const [reason, setReason] = createSignal("");
  const [customerAction, setCustomerAction] = createSignal("");
  const [note, setNote] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal("");

  async function act(what: "claim" | "outcome", body?: StaffOutcomeInput) {
    // One request at a time: a double click waits for the first answer (and the API ignores repeats anyway).
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Answer>(`${path()}/${what}`, { method: "POST", ...(body ? { body } : {}) });
      mutate(answer.packet);
      // After "submitted" only "approved" and "failed" remain: preselect the first.
      const next = answer.packet.actions.find((a): a is StaffOutcome => a !== "claim");
      if (next && !answer.packet.actions.includes(outcome())) setOutcome(next);
      setDone(answer.applied ? (what === "claim" ? "Claimed: it is yours." : `Recorded: ${label(answer.packet.outcome ?? "")}.`) : "Already recorded; nothing changed.");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const body = (): StaffOutcomeInput => {
    const extra = note().trim() ? { note: note().trim() } : {};
    if (outcome() === "approved") return { outcome: "approved", listingUrl: listingUrl().trim(), ...extra };
    if (outcome() === "failed") return { outcome: "failed", reason: reason().trim(), ...extra };
    return { outcome: "submitted", ...(customerAction().trim() ? { customerAction: customerAction().trim() } : {}), ...extra };
  };

  return (
    <section>
      <p>
        <A href="/staff/tasks">← Staff tasks</A>
      </p>
      <ErrorNote error={packet.error} />
      <Show when={packet()}>
        {(p) => (
          <>
            <div class="title-row">
              <h1>{p().directory.name}</h1>
              <span class="badge" data-testid="task-status">
                {p().outcome ? label(p().outcome!) : label(p().status)}
              </span>
            </div>
            <p>
              For <strong>{p().businessName ?? "—"}</strong>, job{" "}
              <A href={`/staff/jobs/${p().jobId}`}>
                <code>{p().jobId.slice(0, 8)}</code>
              </A>
              . Open{" "}
              <a href={p().directory.submitUrl ?? p().directory.website} target="_blank" rel="noopener noreferrer">
                {p().directory.submitUrl ?? p().directory.website}
              </a>{" "}
              (form language: {p().directory.language}).
            </p>
            <p class="note">
              <strong>Why by hand:</strong> {p().reason}
            </p>
            <Show when={p().claim}>
              {(claim) => (
                <div class="note" data-testid="claim-and-correct">
                  <p>
                    <strong>Claim and correct</strong>: the listing already there is{" "}
                    <a href={safeHref(claim().url) ?? undefined} target="_blank" rel="noopener noreferrer">
                      {claim().url}
                    </a>
                    . Correct:
                  </p>
                  <table>
                    <thead>
                      <tr>
                        <th>Field</th>
                        <th>The directory shows</th>
                        <th>The profile says</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={claim().differences}>
                        {(d) => (
                          <tr>
                            <td>{d.field}</td>
                            <td>{d.shown ?? "—"}</td>
                            <td>{d.profile ?? "—"}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              )}
            </Show>
            <p>
              Claimed by: <strong data-testid="claimed-by">{p().claimedBy ?? "nobody"}</strong>
              <Show when={p().claimedAt}> at {time(p().claimedAt)}</Show>{" "}
              <Show when={p().actions.includes("claim")}>
                <button type="button" disabled={busy()} onClick={() => void act("claim")}>
                  Claim
                </button>
              </Show>
            </p>
            <h2>Values to copy</h2>
            <div class="table-wrap">
              <table aria-label="Values to copy">
                <tbody>
                  <For
                    each={p().fields}
                    fallback={
                      <tr>
                        <td class="muted">The customer has no business profile yet.</td>
                      </tr>
                    }
                  >
                    {(f) => (
                      <tr data-field={f.key}>
                        <th scope="row">{f.label}</th>
                        <Show
                          when={f.key === "logo" || f.key.startsWith("photo-")}
                          fallback={
                            <>
                              <td class="copy-value">{f.value}</td>
                              <td>
                                <CopyButton value={f.value} what={f.label} />
                              </td>
                            </>
                          }
                        >
                          <td colSpan={2}>
                            <ImageLink path={f.value} what={f.label} />
                          </td>
                        </Show>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={safeHref(p().listingUrl)}>
              <p>
                Listing:{" "}
                <a href={safeHref(p().listingUrl)!} target="_blank" rel="noopener noreferrer">
                  {p().listingUrl}
                </a>
              </p>
            </Show>
            <Show when={p().failureReason}>
              <p class="error">Failed: {p().failureReason}</p>
            </Show>
            <Show when={p().customerAction}>
              <p>Asked of the customer: {p().customerAction}</p>
            </Show>
            <Show when={p().actions.some((a) => a !== "claim")} fallback={<p class="muted">This task is closed.</p>}>
              <form
                class="confirm"
                aria-label="Record the outcome"
                onSubmit={(e) => {
                  e.preventDefault();
                  void act("outcome", body());
                }}
              >
                <h2>Record the outcome</h2>
                <For each={p().actions.filter((a): a is StaffOutcome => a !== "claim")}>
                  {(a) => (
                    <label class="check">
                      <input type="radio" name="outcome" value={a} checked={outcome() === a} onChange={() => setOutcome(a)} />
                      {a === "submitted" ? "Submitted (waiting for the directory)" : a === "approved" ? "Live, with its listing URL" : "Failed, with a reason"}
                    </label>
                  )}
                </For>
                <Show when={outcome() === "approved"}>
                  <div class="field">
                    <label for="listing-url">Listing URL</label>
                    <input id="listing-url" type="url" required value={listingUrl()} onInput={(e) => setListingUrl(e.currentTarget.value)} />
                  </div>
                </Show>
                <Show when={outcome() === "failed"}>
                  <div class="field">
                    <label for="fail-reason">Reason (shown to the customer)</label>
                    <input id="fail-reason" required minLength={3} maxLength={500} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
                  </div>
                </Show>
                <Show when={outcome() === "submitted"}>
                  <div class="field">
                    <label for="customer-action">What the customer must do, if anything (shown as "needs your action")</label>
                    <input
                      id="customer-action"
                      maxLength={500}
                      placeholder="e.g. answer the directory's verification call"
                      value={customerAction()}
                      onInput={(e) => setCustomerAction(e.currentTarget.value)}
                    />
                  </div>
                </Show>
                <div class="field">
                  <label for="staff-note">Note for staff</label>
                  <input id="staff-note" maxLength={1000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
                </div>
                <button type="submit" disabled={busy() || !p().actions.includes(outcome())}>
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

/**
 * The profile's logo or a photo, to download and upload by hand: fetched
 * with the staff member's token (the API takes no cookies) and opened as a
 * blob in a new tab.
 */
function ImageLink(props: { path: string; what: string }) {
  const [error, setError] = createSignal<unknown>(null);
  async function open() {
    setError(null);
    try {
      const res = await fetch(props.path, { headers: { authorization: `Bearer ${await accessToken()}` } });
      if (!res.ok) throw new Error(res.status === 404 ? "The image is gone" : `Could not load the image (${res.status})`);
      window.open(URL.createObjectURL(await res.blob()), "_blank", "noopener");
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={open}>
        Open {props.what.replace(/ \(download\)$/, "").toLowerCase()}
      </button>
      <ErrorNote error={error()} />
    </>
  );
}
