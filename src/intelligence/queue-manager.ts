/**
 * AIEnhancedQueueManager: the order in which tasks are released.
 *
 * - Value first: each task's expected value is its acceptance probability
 *   times the directory's authority (Domain Authority; unknown counts as 30),
 *   so a likely listing on a strong directory goes before a long shot; per
 *   second of the directory's typical attempt time, so two quick forms go
 *   before one slow one of the same value (Smith's rule).
 * - Hosts spread: a task whose host had one of the last `hostSpacing`
 *   releases (default 6) waits for a task of another host, when there is one, so
 *   directories that share a host (one operator, one rate limit) are not
 *   hit back to back.
 * - Fair across jobs: jobs take turns by start-time fair queueing (each
 *   job's virtual time grows by 1/weight per release; the job furthest
 *   behind goes next), so a 500-task job never starves a 50-task job;
 *   among the jobs tied for the turn, the one whose next task earns most
 *   per second goes first.
 *
 * Deterministic: remaining ties break on job id, then task id.
 */
import type { DirectoryFacts } from "./types";

export interface QueueTask {
  id: string;
  jobId: string;
  directory: Pick<DirectoryFacts, "id" | "host" | "daScore">;
  /** Acceptance probability (SuccessProbabilityCalculator). */
  probability: number;
  /** The directory's typical attempt time (DirectoryStats.meanDurationMs); unknown counts as the typical task. */
  durationMs?: number | null;
}

export interface QueueOptions {
  /** Releases that must pass before a host is used again, when avoidable. */
  hostSpacing?: number;
  /** Relative share of each job (default 1). */
  jobWeights?: Readonly<Record<string, number>>;
  /** How far down a job's list to look for a task of a fresh host. */
  lookahead?: number;
}

const UNKNOWN_DA = 30;

/** Authority 0.1-1 from Domain Authority: even an unknown directory is worth something. */
export function authority(daScore: number | null): number {
  const da = daScore ?? UNKNOWN_DA;
  return 0.1 + (0.9 * Math.min(100, Math.max(0, da))) / 100;
}

export function expectedValue(task: Pick<QueueTask, "probability" | "directory">): number {
  return task.probability * authority(task.directory.daScore);
}

const TYPICAL_TASK_MS = 60_000;
/**
 * No real attempt takes less (a page, a form, a submit): a directory that
 * fails at once, or a mean from a handful of very fast attempts, must not
 * jump the queue on speed alone.
 */
const SHORTEST_TASK_MS = 10_000;

/** A measured mean, however small (0 ms when a clock did not move), is known: only a missing one counts as typical. */
function attemptMs(task: Pick<QueueTask, "durationMs">): number {
  return task.durationMs != null && task.durationMs >= 0 ? Math.max(SHORTEST_TASK_MS, task.durationMs) : TYPICAL_TASK_MS;
}

/** Higher expected value per second of browser time first (Smith's rule: the order that earns most value per hour); compared crosswise, so equal times order by value exactly (no rounding of tiny values to 0). */
function byValueRate(a: QueueTask, b: QueueTask): number {
  return expectedValue(b) * attemptMs(a) - expectedValue(a) * attemptMs(b);
}

export class AIEnhancedQueueManager {
  private readonly hostSpacing: number;
  private readonly lookahead: number;
  private readonly weights: Readonly<Record<string, number>>;

  constructor(options: QueueOptions = {}) {
    this.hostSpacing = Math.max(0, options.hostSpacing ?? 6);
    this.lookahead = Math.max(1, options.lookahead ?? 64);
    this.weights = options.jobWeights ?? {};
  }

  /** The first task within the lookahead whose host is not among the recent releases (else the first). */
  private headOf(list: readonly QueueTask[], recentHosts: readonly string[]): number {
    const limit = Math.min(list.length, this.lookahead);
    for (let i = 0; i < limit; i++) if (!recentHosts.includes(list[i]!.directory.host)) return i;
    return 0;
  }

  /** Every task, in release order. */
  order<T extends QueueTask>(tasks: readonly T[]): T[] {
    const byJob = new Map<string, T[]>();
    for (const t of tasks) {
      const list = byJob.get(t.jobId) ?? [];
      list.push(t);
      byJob.set(t.jobId, list);
    }
    const queues = [...byJob.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([jobId, list]) => ({
        jobId,
        weight: Math.max(1e-6, this.weights[jobId] ?? 1),
        virtual: 0,
        list: list.sort((a, b) => byValueRate(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      }));
    const out: T[] = [];
    const recentHosts: string[] = [];
    while (queues.length) {
      // The job furthest behind its fair share goes next (stable on job id).
      // Among the jobs furthest behind (tied on virtual time: each round of
      // the turns), the one whose next task earns most per second goes
      // first, so each round starts with its best work; the turns themselves
      // stay strictly fair (ties used to break on job id, which, when the
      // order is remade as jobs arrive, let the oldest jobs' long shots go
      // before newer jobs' best tasks).
      let qi = 0;
      let pick = this.headOf(queues[0]!.list, recentHosts);
      for (let i = 1; i < queues.length; i++) {
        const q = queues[i]!;
        if (q.virtual > queues[qi]!.virtual) continue;
        const head = this.headOf(q.list, recentHosts);
        if (q.virtual < queues[qi]!.virtual || byValueRate(q.list[head]!, queues[qi]!.list[pick]!) < 0) {
          qi = i;
          pick = head;
        }
      }
      const q = queues[qi]!;
      const [task] = q.list.splice(pick, 1);
      out.push(task!);
      q.virtual += 1 / q.weight;
      if (this.hostSpacing > 0) {
        recentHosts.push(task!.directory.host);
        if (recentHosts.length > this.hostSpacing) recentHosts.shift();
      }
      if (q.list.length === 0) queues.splice(qi, 1);
    }
    return out;
  }
}
