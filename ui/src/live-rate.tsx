/**
 * The job's live rate (GET /api/jobs/:id/live-rate) on the portal and the
 * staff job page, and the staff dashboard's list of jobs under 70% live 28
 * days after they started (GET /api/staff/live-rate).
 */
import { A } from "@solidjs/router";
import { For, Show, createResource } from "solid-js";
import type { JobLiveRate } from "../../core/protocol/live-rate";
import { api } from "./api";
import { ErrorNote } from "./components";

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : "—");

export function LiveRateSection(props: { jobId: string; status: string | undefined }) {
  // Read again when the job's status changes (a live-rate replacement reopens it).
  const [rate] = createResource(
    () => ({ id: props.jobId, status: props.status }),
    (q) => api<JobLiveRate>(`/api/jobs/${q.id}/live-rate`),
  );
  return (
    <>
      <ErrorNote error={rate.error} />
      <Show when={rate()?.startedAt ? rate() : null}>
        {(r) => (
          <section aria-label="Listings live" data-testid="live-rate">
            <h2>Listings live</h2>
            <dl class="counts">
              <For each={r().milestones}>
                {(m) => (
                  <div data-testid={`live-at-${m.day}`}>
                    <dt>
                      Day {m.day} ({day(m.at)}){m.reached ? "" : ", so far"}
                    </dt>
                    <dd>
                      {m.live} of {r().promised}
                    </dd>
                    <dd class="muted">{m.percent}%</dd>
                  </div>
                )}
              </For>
            </dl>
            <p class={r().underTarget ? "note" : "muted"}>
              {r().underTarget
                ? `${r().liveNow} of ${r().promised} are live, under the ${r().target} (70%) due 28 days after the start: directories that refused or never published are being replaced.`
                : `Goal: ${r().target} of ${r().promised} (70%) live 28 days after the start.`}
              {r().replacements > 0 ? ` ${r().replacements} replacement${r().replacements === 1 ? "" : "s"} so far.` : ""}
            </p>
          </section>
        )}
      </Show>
    </>
  );
}

export function UnderLiveTargetList() {
  const [list] = createResource(() => api<{ jobs: JobLiveRate[] }>("/api/staff/live-rate"));
  return (
    <>
      <h2>Under 70% live at 28 days</h2>
      <ErrorNote error={list.error} />
      <div class="table-wrap">
        <table aria-label="Jobs under 70% live at 28 days">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Plan</th>
              <th scope="col">Started</th>
              <th scope="col">Live at 28 days</th>
              <th scope="col">Live now</th>
              <th scope="col">Replacements</th>
            </tr>
          </thead>
          <tbody>
            <For
              each={list()?.jobs ?? []}
              fallback={
                <tr>
                  <td colspan="6" class="muted">
                    No job is under 70% live at 28 days.
                  </td>
                </tr>
              }
            >
              {(j) => (
                <tr>
                  <td>
                    <A href={`/staff/jobs/${j.jobId}`}>
                      <code>{j.jobId.slice(0, 8)}</code>
                    </A>
                  </td>
                  <td>{j.plan}</td>
                  <td>{day(j.startedAt)}</td>
                  <td>
                    {j.milestones.at(-1)?.live ?? 0} of {j.promised} ({j.milestones.at(-1)?.percent ?? 0}%)
                  </td>
                  <td>
                    {j.liveNow} (goal {j.target})
                  </td>
                  <td>{j.replacements}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </>
  );
}
