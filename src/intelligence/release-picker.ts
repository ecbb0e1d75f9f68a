/**
 * Which waiting task a free browser takes next (issue 21, item 3): the
 * queue manager's order and the timing optimizer's hours are preferences,
 * and this makes sure they never cost time or rate limits —
 *
 * - a hard "not before" (a directory's Retry-After, a retry's back-off) is
 *   always kept;
 * - a host released to less than `hostGapMs` ago waits while there is other
 *   work, so directories sharing a host (one operator, one rate limit) are
 *   not hit back to back, whatever order the queue came in;
 * - a better hour (the timing optimizer's "prefer after") is waited for only
 *   while there is other work: a browser that would otherwise sit idle takes
 *   the task now, so a best hour hours away never makes the job slower;
 * - a host whose remaining tasks, one per gap, would outlast the rest of the
 *   work goes first whenever it is rested: otherwise its tasks are left for
 *   the end, where they can only go one per gap (or be rate-limited) while
 *   the other browsers wait, and the job ends later than in catalog order.
 *
 * Among the candidates of a rank the queue order decides (the first one).
 */
export interface PickableTask {
  directory: { host: string };
  /** Hard: not released before this time (epoch ms). */
  notBefore: number;
  /** Soft: the timing optimizer's better hour; taken earlier when there is nothing else to do. */
  preferAfter?: number;
}

export interface PickOptions {
  /** A host released within this long is skipped while another host's task can go (default 3 minutes). */
  hostGapMs?: number;
  /** Browsers working the queue at once (default 1): with the typical task time, how soon the rest of the work is done. */
  parallelism?: number;
  /** A task's typical duration (default 60 s). */
  typicalTaskMs?: number;
}

export const DEFAULT_HOST_GAP_MS = 3 * 60_000;
/**
 * A host is critical when its tasks, one per gap, take at least this share
 * of the time the rest of the work needs. Chosen on the simulation's seeds
 * 11-13 (0.5 and 0.8 alike; 1.0 and above let the tail run long), reported
 * on its default seed (bench/intelligence.ts).
 */
const CRITICAL = 0.8;

/**
 * The index in `pending` (in release order) of the task to release at `now`,
 * or -1 when every task is held by a hard "not before". `lastReleased` maps
 * a host to when a task of it was last released (the caller's own record).
 */
export function pickNext<T extends PickableTask>(pending: readonly T[], now: number, lastReleased: ReadonlyMap<string, number>, options: PickOptions = {}): number {
  const gap = options.hostGapMs ?? DEFAULT_HOST_GAP_MS;
  const fresh = (t: T) => now - (lastReleased.get(t.directory.host) ?? -Infinity) >= gap;
  const timely = (t: T) => (t.preferAfter ?? 0) <= now;
  // A host whose own tasks, one per gap, would outlast the rest of the work sets the job's end: it goes first.
  const perHost = new Map<string, number>();
  for (const t of pending) perHost.set(t.directory.host, (perHost.get(t.directory.host) ?? 0) + 1);
  const restMs = (pending.length * (options.typicalTaskMs ?? 60_000)) / Math.max(1, options.parallelism ?? 1);
  let critical = -1;
  let criticalCount = 0;
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    if (t.notBefore > now || !fresh(t)) continue;
    const n = perHost.get(t.directory.host)!;
    if (n > 1 && (n - 1) * gap >= restMs * CRITICAL && n > criticalCount) {
      critical = i;
      criticalCount = n;
    }
  }
  if (critical >= 0) return critical;
  // Best first: its hour has come and its host is rested; then rested at an
  // early hour (other work before idling); then the most rested host.
  let early = -1;
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    if (t.notBefore > now) continue;
    if (fresh(t)) {
      if (timely(t)) return i;
      if (early < 0) early = i;
    }
  }
  if (early >= 0) return early;
  // Every due task's host is busy: the one whose host has rested longest
  // rather than idle (the one least likely to be rate-limited; the first in
  // order used to go, and at a job's tail that was often a host released a
  // minute ago: a rate limit, a 5-minute back-off and a later end).
  let rested = -1;
  let restedAt = Infinity;
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    if (t.notBefore > now) continue;
    const at = lastReleased.get(t.directory.host) ?? -Infinity;
    if (at < restedAt) {
      rested = i;
      restedAt = at;
    }
  }
  return rested;
}
