/** "My jobs": the signed-in customer's jobs (GET /api/me/jobs), each linking to its live portal. */
import { A, Navigate } from "@solidjs/router";
import { For, Show, createSignal, onMount } from "solid-js";
import type { MyJob } from "../../../core/protocol/site";
import { api } from "../api";
import { signedIn } from "../auth";
import { ErrorNote } from "../components";
import { label } from "../format";

const FINISHED: MyJob["status"][] = ["completed", "cancelled", "failed"];
const date = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

export default function MyJobs() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/jobs" />;
  const [jobs, setJobs] = createSignal<MyJob[] | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  onMount(async () => {
    try {
      setJobs((await api<{ jobs: MyJob[] }>("/api/me/jobs")).jobs);
    } catch (err) {
      setError(err);
    }
  });
  return (
    <section>
      <h1>My jobs</h1>
      <ErrorNote error={error()} />
      <Show
        when={jobs()}
        fallback={
          <Show when={!error()}>
            <p class="muted">Loading your jobs…</p>
          </Show>
        }
      >
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <p>
                No jobs on this account yet. <A href="/">Choose a plan</A>, or sign in with the email you paid with.
              </p>
            }
          >
            <ul class="job-list" aria-label="Your jobs">
              <For each={list()}>
                {(j) => {
                  const done = j.submitted + j.failed;
                  // A finished job is done even where some directories were skipped or left to staff.
                  const percent = FINISHED.includes(j.status) ? 100 : j.total ? Math.round((done / j.total) * 100) : 0;
                  return (
                    <li class="job-card" data-job={j.jobId}>
                      <div class="title-row">
                        <h2>
                          <A href={`/portal/jobs/${j.jobId}`}>
                            {j.plan[0]!.toUpperCase() + j.plan.slice(1)} plan, bought {date(j.createdAt)}
                          </A>
                        </h2>
                        <span class={`chip chip-job-${j.status}`}>{label(j.status)}</span>
                      </div>
                      <div class="bar" role="progressbar" aria-label={`Progress of the ${j.plan} job`} aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent}>
                        <div class="bar-fill" style={{ width: `${percent}%` }} />
                      </div>
                      <p class="muted">
                        {j.submitted} submitted · {j.approved} approved · {j.failed} failed · {j.total} directories
                        {j.completedAt ? ` · finished ${date(j.completedAt)}` : ""}
                      </p>
                    </li>
                  );
                }}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}
