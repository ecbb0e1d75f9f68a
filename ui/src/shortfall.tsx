/**
 * The job's promise and its shortfall refund, in words (GET /api/jobs/:id/shortfall),
 * on the portal and the staff job page: read again when the job finishes,
 * which is when a shortfall is refunded.
 */
import { Show, createResource } from "solid-js";
import { api } from "./api";
import { ErrorNote } from "./components";

interface JobShortfall {
  promised: number;
  available: number | null;
  shortfallAccepted: boolean;
  refund: { status: "pending" | "succeeded" | "failed"; message: string } | null;
}

export function ShortfallNote(props: { jobId: string; status: string | undefined; staff?: boolean }) {
  const [info] = createResource(
    () => ({ id: props.jobId, status: props.status }),
    (q) => api<JobShortfall>(`/api/jobs/${q.id}/shortfall`),
  );
  return (
    <>
      <ErrorNote error={info.error} />
      <Show when={info()?.refund}>
        {(r) => (
          <p class="note" role="status" data-testid="shortfall-refund">
            {r().message}
            {props.staff && r().status !== "succeeded" ? ` (refund ${r().status}; the cron retries it)` : ""}
          </p>
        )}
      </Show>
      <Show when={!info()?.refund && info()?.shortfallAccepted ? info() : null}>
        {(i) => (
          <p class="note" data-testid="shortfall-accepted">
            {i().available} of the {i().promised} directories promised fit this business when it ordered; the missing are refunded pro rata when the job ends.
          </p>
        )}
      </Show>
    </>
  );
}
