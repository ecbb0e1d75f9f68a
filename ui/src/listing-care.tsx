/**
 * The portal's "Listing care" section (issue 19): per live listing, live
 * since, last checked, next check, and what the directory showed at its
 * latest survival check against the profile (GET /api/jobs/:id/listings);
 * a listing gone or changed has its "Submit again" button (POST
 * …/listing-checks/:checkId/resubmit, once per check). Read when the page
 * opens and after a click: the checks run from the cron, weeks apart.
 */
import { For, Show, createSignal, onMount } from "solid-js";
import type { ListingCare, ListingCareView } from "../../core/protocol/site";
import { safeHref } from "../../core/url";
import { api } from "./api";
import { accessToken } from "./auth";
import { ErrorNote } from "./components";

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" }) : "–");

const VERDICTS: Record<string, string> = { live: "Live, as in your profile", gone: "Gone", changed: "Changed", unreachable: "Directory did not answer" };

function Shown(props: { listing: ListingCare; profile: ListingCareView["profile"] }) {
  const check = () => props.listing.check;
  const row = (field: "name" | "address" | "phone", label: string) => {
    const differs = () => check()?.differences.includes(field) ?? false;
    return (
      <li classList={{ error: differs() }}>
        {label}: {check()?.shown?.[field] ?? "not shown"}
        <Show when={differs()}> (your profile: {props.profile[field] ?? "–"})</Show>
      </li>
    );
  };
  return (
    <Show when={check()?.shown} fallback={<span class="muted">{check()?.detail ?? "Not checked yet"}</span>}>
      <ul class="plain">
        {row("name", "Name")}
        {row("address", "Address")}
        {row("phone", "Phone")}
      </ul>
    </Show>
  );
}

/** A flagged check's screenshot, fetched with the session (an <img> cannot send the bearer token). */
function CheckScreenshot(props: { jobId: string; checkId: string; directoryName: string }) {
  const [src, setSrc] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const toggle = async () => {
    if (src()) return setSrc(null);
    try {
      const res = await fetch(`/api/jobs/${props.jobId}/listing-checks/${props.checkId}/screenshot`, { headers: { authorization: `Bearer ${await accessToken()}` } });
      if (!res.ok) throw new Error(res.status === 404 ? "No screenshot yet" : `Could not load the screenshot (${res.status})`);
      setSrc(URL.createObjectURL(await res.blob()));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <button type="button" class="link" onClick={() => void toggle()} aria-label={`Screenshot of the ${props.directoryName} listing at its check`}>
        {src() ? "Hide screenshot" : "Screenshot"}
      </button>
      <ErrorNote error={error()} />
      <Show when={src()}>{(s) => <img class="evidence" src={s()} alt={`The ${props.directoryName} listing page at its check`} />}</Show>
    </>
  );
}

export function ListingCareSection(props: { jobId: string }) {
  const [view, setView] = createSignal<ListingCareView | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const load = async () => {
    try {
      setView(await api<ListingCareView>(`/api/jobs/${props.jobId}/listings`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  onMount(() => void load());
  const resubmit = async (checkId: string) => {
    setBusy(checkId);
    try {
      await api(`/api/jobs/${props.jobId}/listing-checks/${checkId}/resubmit`, { method: "POST" });
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-label="Listing care" id="listing-checks" data-testid="listing-care">
      <h2>Listing care</h2>
      <p class="muted">We look at every live listing again 30, 90 and 180 days after it went live, and tell you when one is gone or shows other details than your profile.</p>
      <ErrorNote error={error()} />
      <Show when={view()} fallback={<p class="muted">Loading listings…</p>}>
        {(v) => (
          <Show when={v().listings.length > 0} fallback={<p class="muted">No live listings yet.</p>}>
            <p>
              {v().summary.live} live · {v().summary.checked} checked · {v().summary.flagged} flagged
            </p>
            <div class="table-wrap">
              <table aria-label="Listing checks">
                <thead>
                  <tr>
                    <th scope="col">Directory</th>
                    <th scope="col">Live since</th>
                    <th scope="col">Last checked</th>
                    <th scope="col">Result</th>
                    <th scope="col">What the directory shows</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={v().listings}>
                    {(l) => (
                      <tr data-submission={l.submissionId}>
                        <td>
                          <Show when={safeHref(l.listingUrl ?? "")} fallback={l.directoryName}>
                            {(href) => (
                              <a href={href()} target="_blank" rel="noopener noreferrer">
                                {l.directoryName}
                              </a>
                            )}
                          </Show>
                        </td>
                        <td>{day(l.liveSince)}</td>
                        <td>
                          {day(l.lastCheckedAt)}
                          <Show when={l.nextCheckAt}>
                            <br />
                            <span class="muted">next {day(l.nextCheckAt)}</span>
                          </Show>
                        </td>
                        <td>
                          {l.check?.verdict ? (VERDICTS[l.check.verdict] ?? l.check.verdict) : "–"}
                          <Show when={l.check?.resubmittedAt}>
                            <br />
                            <span class="muted">submitted again {day(l.check!.resubmittedAt)}</span>
                          </Show>
                          <Show when={l.check?.screenshot}>
                            <br />
                            <CheckScreenshot jobId={props.jobId} checkId={l.check!.id} directoryName={l.directoryName} />
                          </Show>
                          <Show when={l.check?.screenshotNote}>
                            <br />
                            <span class="muted">{l.check!.screenshotNote}</span>
                          </Show>
                          <Show when={l.check?.canResubmit}>
                            <br />
                            <button type="button" disabled={busy() === l.check!.id} onClick={() => void resubmit(l.check!.id)}>
                              Submit again
                            </button>
                          </Show>
                        </td>
                        <td>
                          <Shown listing={l} profile={v().profile} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
