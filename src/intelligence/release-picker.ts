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
 *   the task now, so a best hour hours away never makes the job slower.
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
}

export const DEFAULT_HOST_GAP_MS = 3 * 60_000;

/**
 * The index in `pending` (in release order) of the task to release at `now`,
 * or -1 when every task is held by a hard "not before". `lastReleased` maps
 * a host to when a task of it was last released (the caller's own record).
 */
export function pickNext<T extends PickableTask>(pending: readonly T[], now: number, lastReleased: ReadonlyMap<string, number>, options: PickOptions = {}): number {
  const gap = options.hostGapMs ?? DEFAULT_HOST_GAP_MS;
  const fresh = (t: T) => now - (lastReleased.get(t.directory.host) ?? -Infinity) >= gap;
  const timely = (t: T) => (t.preferAfter ?? 0) <= now;
  // Best first: its hour has come and its host is rested; then rested at an
  // early hour (other work before idling); then any due task, in order.
  let early = -1;
  let any = -1;
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    if (t.notBefore > now) continue;
    if (fresh(t)) {
      if (timely(t)) return i;
      if (early < 0) early = i;
    } else if (any < 0 && timely(t)) any = i;
  }
  if (early >= 0) return early;
  if (any >= 0) return any;
  // Every due task's host is busy and its hour not come: the first due one rather than idle.
  return pending.findIndex((t) => t.notBefore <= now);
}
