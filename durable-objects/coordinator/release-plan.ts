/**
 * The release plan of a job, made once when the coordinator loads it: the
 * order its tasks go to the queue (AIEnhancedQueueManager over the
 * probabilities of SuccessProbabilityCalculator) and, per task, the earliest
 * time to submit (SubmissionTimingOptimizer). The coordinator stores both in
 * the task rows it already has (`priority`, and `next_attempt_at` on a
 * pending task), so pacing, leases and retries work as before.
 *
 * Without statistics (a new catalog, or Postgres refusing the read) the plan
 * is the catalog order with no delays: the intelligence only ever improves
 * on the old behaviour.
 */
import type { Database } from "../../src/db/client";
import { loadIntelligence, type IntelligenceSnapshot } from "../../src/intelligence/feedback-store";
import { AIEnhancedQueueManager, type QueueTask } from "../../src/intelligence/queue-manager";
import { SuccessProbabilityCalculator } from "../../src/intelligence/success-probability";
import { SubmissionTimingOptimizer } from "../../src/intelligence/timing";
import { hostOf } from "../../core/url";
import type { DirectoryFacts, DirectoryStats } from "../../src/intelligence/types";
import type { ListingProfile } from "../../core/listing/profile";
import { log } from "../../core/log";

export interface PlannedTask {
  /** Release rank: lower goes first. */
  priority: number;
  /** Not released before this time (epoch ms); null: as soon as there is room. */
  notBefore: number | null;
  probability: number;
}

/** What the plan needs of a task (a subset of postgres-sync's LoadedJob task). */
export interface PlanInput {
  submissionId: string;
  directoryId: string;
  website: string;
  submitUrl: string | null;
  requiresCaptcha: boolean;
}
type Business = Pick<ListingProfile, "categories" | "country">;

/** Pure: the plan from a snapshot of the statistics. */
export function planRelease(jobId: string, tasks: readonly PlanInput[], intel: IntelligenceSnapshot, business: Business | null, now: number): Map<string, PlannedTask> {
  const facts = new Map(intel.facts.map((f) => [f.id, f]));
  const calculator = new SuccessProbabilityCalculator(intel.groups, intel.stats);
  const timing = new SubmissionTimingOptimizer();
  const queue: (QueueTask & { directory: DirectoryFacts })[] = tasks.map((t) => {
    const directory: DirectoryFacts = facts.get(t.directoryId) ?? {
      id: t.directoryId,
      category: "general",
      country: "INT",
      requiresCaptcha: t.requiresCaptcha,
      approvalType: "unknown",
      daScore: null,
      host: hostOf(t.submitUrl ?? t.website),
    };
    return { id: t.submissionId, jobId, directory, probability: calculator.probability(directory, business), durationMs: intel.stats.get(t.directoryId)?.meanDurationMs ?? null };
  });
  const plan = new Map<string, PlannedTask>();
  new AIEnhancedQueueManager().order(queue).forEach((task, rank) => {
    const delay = timing.decide(intel.stats.get(task.directory.id), task.directory.country, now, `${jobId}:${task.directory.id}`).delayMs;
    plan.set(task.id, { priority: rank, notBefore: delay > 0 ? now + delay : null, probability: task.probability });
  });
  return plan;
}

/**
 * Reads the statistics and plans; null (catalog order) when they cannot be
 * read. The statistics come back too: the retry desk starts from them.
 */
export async function loadReleasePlan(
  db: Database,
  loaded: { job: { id: string }; tasks: readonly PlanInput[]; business: Business | null },
  now: number,
): Promise<{ plan: Map<string, PlannedTask>; stats: DirectoryStats[] } | null> {
  try {
    const intel = await loadIntelligence(
      db,
      loaded.tasks.map((t) => t.directoryId),
    );
    return { plan: planRelease(loaded.job.id, loaded.tasks, intel, loaded.business, now), stats: [...intel.stats.values()] };
  } catch (err) {
    log("warn", "release plan unavailable, releasing in catalog order", { jobId: loaded.job.id, error: err });
    return null;
  }
}
