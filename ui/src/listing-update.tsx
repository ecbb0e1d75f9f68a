/**
 * "Update my listings" (issue 19 item 2) in the portal and on the staff job
 * page: the button that pushes the saved profile's name, address, phone,
 * website and hours to the job's live listings (POST
 * /api/jobs/:id/listing-update, one update included), what changed, and per
 * listing how it is going: updated by the browser and confirmed on the
 * public page, a staff task (no login held there), or failed. Read every
 * 3 s while a listing is still being updated (the browser tasks take
 * seconds to minutes), then left alone.
 */
import { For, Show, createSignal, onCleanup, onMount } from "solid-js";
import type { ListingUpdateStatus, ListingUpdateView } from "../../core/protocol/site";
import { safeHref } from "../../core/url";
import { api } from "./api";
import { ErrorNote } from "./components";

const STATUS: Record<ListingUpdateStatus, string> = {
  updating: "Updating…",
  confirmed: "Updated and confirmed",
  failed: "Could not update",
  staff_task: "Our staff will update it",
  updated_by_staff: "Updated by our staff",
  not_possible: "Could not be updated",
};
const FIELDS: Record<string, string> = { name: "Name", address: "Address", phone: "Phone", website: "Website", hours: "Hours" };

export function ListingUpdateSection(props: { jobId: string; staff?: boolean }) {
  const [view, setView] = createSignal<ListingUpdateView | null | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    clearTimeout(timer);
    try {
      const { update } = await api<{ update: ListingUpdateView | null }>(`/api/jobs/${props.jobId}/listing-update`);
      setView(update);
      if (update && update.summary.updating > 0) timer = setTimeout(() => void load(), 3000);
    } catch (err) {
      setError(err);
    }
  };
  onMount(() => void load());
  onCleanup(() => clearTimeout(timer));
  const start = async () => {
    setBusy(true);
    try {
      const { update } = await api<{ update: ListingUpdateView }>(`/api/jobs/${props.jobId}/listing-update`, { method: "POST" });
      setView(update);
      setError(null);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Update my listings" id="listing-update" data-testid="listing-update">
      <h2>Update my listings</h2>
      <ErrorNote error={error()} />
      <Show
        when={view()}
        fallback={
          <Show when={view() === null && !props.staff}>
            <p class="muted">
              Changed your name, address, phone, website or hours? Save your profile, then push the change to every live listing. One update within 12 months of your order is included.
            </p>
            <button type="button" disabled={busy()} onClick={() => void start()}>
              Update my listings
            </button>
          </Show>
        }
      >
        {(v) => (
          <>
            <p>
              Changed:{" "}
              {v()
                .changes.map((c) => FIELDS[c.field] ?? c.field)
                .join(", ")}{" "}
              · {v().summary.confirmed} of {v().summary.machine} updated by us · {v().summary.byStaff} updated by our staff · {v().summary.staff} with our staff
              <Show when={v().summary.failed > 0}> · {v().summary.failed} failed</Show>
            </p>
            <ul class="plain" aria-label="Changes">
              <For each={v().changes}>
                {(c) => (
                  <li>
                    {FIELDS[c.field] ?? c.field}: {c.before ?? "–"} → {c.after ?? "–"}
                  </li>
                )}
              </For>
            </ul>
            <div class="table-wrap">
              <table aria-label="Update progress">
                <thead>
                  <tr>
                    <th scope="col">Directory</th>
                    <th scope="col">Progress</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={v().items}>
                    {(i) => (
                      <tr data-submission={i.submissionId} data-status={i.status}>
                        <td>
                          <Show when={safeHref(i.listingUrl)} fallback={i.directoryName}>
                            {(href) => (
                              <a href={href()} target="_blank" rel="noopener noreferrer">
                                {i.directoryName}
                              </a>
                            )}
                          </Show>
                        </td>
                        <td classList={{ error: i.status === "failed" || i.status === "not_possible" }}>
                          {STATUS[i.status]}
                          <Show when={i.reason && i.status !== "confirmed"}>
                            <br />
                            <span class="muted">{i.reason}</span>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
