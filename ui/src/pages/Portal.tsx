import { A, Navigate, useParams } from "@solidjs/router";
import { For, Show, createSignal } from "solid-js";
import { unwrap } from "solid-js/store";
import { signedIn } from "../auth";
import { ActivityFeed, LiveBadge, Progress, SubmissionsTable } from "../components";
import { download, submissionsCsv } from "../format";
import { LISTING_STATE_LABELS, LISTING_STATES, listingSummary } from "../../../core/listing-states";
import { createJobStore, useLiveSocket } from "../live";
import { ProofPackButton } from "../proof-pack";
import { ErrorNote } from "../components";
import { ShortfallNote } from "../shortfall";
import { LiveRateSection } from "../live-rate";
import { LoginsSection, loginsForExport } from "../logins";
import { ListingCareSection } from "../listing-care";
import { api } from "../api";
import type { ListingCareView } from "../../../core/protocol/site";
import { ListingUpdateSection } from "../listing-update";

export default function Portal() {
  const params = useParams<{ id: string }>();
  if (!signedIn()) return <Navigate href={`/sign-in?next=/portal/jobs/${params.id}`} />;
  const { state, apply } = createJobStore();
  const live = useLiveSocket(() => `/api/jobs/${params.id}/ws-ticket`, apply);
  const summary = () => listingSummary(state.order.map((id) => state.rows[id]!));
  // Opt-in: the CSV carries the directories' logins too (each password recorded as an export).
  const [withLogins, setWithLogins] = createSignal(false);
  const [csvError, setCsvError] = createSignal<unknown>(null);
  const csv = async () => {
    const s = unwrap(state);
    try {
      const logins = withLogins() ? await loginsForExport(params.id) : undefined;
      // Each listing's latest survival check (issue 19) goes in the CSV beside it.
      const care = await api<ListingCareView>(`/api/jobs/${params.id}/listings`);
      setCsvError(null);
      download(
        `directorybolt-${params.id}.csv`,
        submissionsCsv(
          s.order.map((id) => s.rows[id]!),
          logins,
          care.listings,
        ),
      );
    } catch (err) {
      setCsvError(err);
    }
  };
  return (
    <Show
      when={!live.error()}
      fallback={
        <section role="alert" data-testid="job-error">
          <h1>{live.error()!.status === 404 ? "Job not found" : "Cannot open this job"}</h1>
          <p>{live.error()!.status === 404 ? "There is no such job on your account. Check the link, or sign in with the email you paid with." : live.error()!.message}</p>
          <A href="/sign-in">Sign in with another email</A>
        </section>
      }
    >
      <section>
        <div class="title-row">
          <h1>Your directory submissions</h1>
          <A href={`/portal/jobs/${params.id}/mail`}>Directory mail</A>
          <LiveBadge status={live.status()} retryIn={live.retryIn()} />
        </div>
        <Progress state={state} />
        <section aria-label="Listings" class="progress-card">
          <p class="live-count">
            Live listings: <strong data-testid="live-count">{summary().live}</strong> of {state.order.length} directories
          </p>
          <ul class="state-counts">
            <For each={LISTING_STATES.filter((s) => summary().byState[s] > 0)}>
              {(s) => (
                <li data-state={s}>
                  {LISTING_STATE_LABELS[s]}: <strong>{summary().byState[s]}</strong>
                </li>
              )}
            </For>
          </ul>
        </section>
        <div class="title-row">
          <h2>Directories</h2>
          <div class="toolbar no-print">
            <label class="inline">
              <input type="checkbox" checked={withLogins()} onChange={(e) => setWithLogins(e.currentTarget.checked)} /> with logins
            </label>
            <button type="button" class="secondary" onClick={() => void csv()} disabled={state.order.length === 0}>
              Download CSV
            </button>
            <button type="button" class="secondary" onClick={() => window.print()} disabled={state.order.length === 0}>
              Print report
            </button>
            <ProofPackButton jobId={params.id} finished={["completed", "failed", "cancelled"].includes(state.job?.status ?? "")} disabled={state.order.length === 0} />
          </div>
        </div>
        <ErrorNote error={csvError()} />
        <SubmissionsTable jobId={params.id} state={state} />
        <ShortfallNote jobId={params.id} status={state.job?.status} />
        <LiveRateSection jobId={params.id} status={state.job?.status} />
        <LoginsSection jobId={params.id} state={state} />
        <ListingCareSection jobId={params.id} />
        <ListingUpdateSection jobId={params.id} />
        <h2>Activity</h2>
        <ActivityFeed lines={state.activity} />
      </section>
    </Show>
  );
}
