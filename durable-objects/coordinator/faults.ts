/**
 * The coordinator's fault-injection hooks (`npm run test:faults`), as one
 * facet: `JobCoordinator.faults()` hands out a `CoordinatorFaults` only while
 * fault injection is on, so no holder of the binding can evict a production
 * coordinator or read its released messages.
 */
import { RpcTarget } from "cloudflare:workers";
import type { FollowupKind, TaskMessage } from "../../core/protocol/tasks";
import type { TaskStore } from "./task-store";

/** The window for `afterSubmitDue`: past a verified submission's first look (a minute), short of any configured schedule's first check. */
export const AFTER_SUBMIT_SOON_MS = 2 * 60_000;

export const FAULT_INJECTION_OFF = "Fault injection is off: it needs DEV_FAULT_INJECTION=1 and a loopback PUBLIC_URL";

/** Refuses the facet unless `enabled`; the message says how to turn it on. */
export function requireFaultInjection(enabled: boolean): void {
  if (!enabled) throw new Error(FAULT_INJECTION_OFF);
}

export class CoordinatorFaults extends RpcTarget {
  constructor(
    private readonly store: TaskStore,
    private readonly ctx: DurableObjectState,
    private readonly host: {
      loseReportsFor(ms: number): void;
      followupsReleased(): { submissionId: string; kind: FollowupKind; attempt: number }[];
      afterSubmitDueSoon(withinMs: number): number;
    },
  ) {
    super();
  }

  /** Every report a worker sends in the next `ms` fails on its way, as if the network lost it (this instance only). */
  loseReports(ms: number): void {
    this.host.loseReportsFor(ms);
  }

  /**
   * Every message the coordinator has released so far (each task's attempts
   * 1..current, and each after-submit follow-up's), for the harness to
   * deliver them all again: Cloudflare Queues keep a message across a
   * Worker's restart, miniflare's in-memory queue does not.
   */
  releasedMessages(): TaskMessage[] {
    const jobId = this.store.job.jobId;
    if (!jobId) return [];
    const tasks = this.store.allTasks().flatMap((t) => Array.from({ length: t.attempt }, (_, i): TaskMessage => ({ jobId, submissionId: t.submission_id, attempt: i + 1 })));
    const followups = this.host.followupsReleased().flatMap((f) => Array.from({ length: f.attempt }, (_, i): TaskMessage => ({ jobId, submissionId: f.submissionId, attempt: i + 1, kind: f.kind })));
    return [...tasks, ...followups];
  }

  /** Duplicates refused, writes pending, and after-submit work due in the next AFTER_SUBMIT_SOON_MS. */
  counters(): { refusedLeases: number; refusedReports: number; pendingWrites: number; afterSubmitDue: number } {
    return {
      refusedLeases: this.store.job.refusedLeases,
      refusedReports: this.store.job.refusedReports,
      pendingWrites: this.store.outboxSize(),
      afterSubmitDue: this.host.afterSubmitDueSoon(AFTER_SUBMIT_SOON_MS),
    };
  }

  /** Drops the coordinator's instance (its storage stays): the next call starts a fresh one, as after an eviction. */
  evict(): void {
    this.ctx.abort("evicted by fault injection");
  }
}
