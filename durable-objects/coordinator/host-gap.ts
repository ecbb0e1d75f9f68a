/**
 * The release picker's host gap, applied by the coordinator (issue 21 item
 * 3): directories that share a host (one operator, one rate limit) are not
 * sent to the browsers together. A pending task whose host had a release
 * less than `DEFAULT_HOST_GAP_MS` ago waits while the job has other work
 * (another host's task to send, or a task in flight whose report will pump
 * again); a job with nothing in flight sends the most rested host's task
 * rather than idle, so the gap only reorders and never stalls a job.
 *
 * The simulation (bench/intelligence.ts) is why: without the gap the queue
 * policy met 500-700 rate limits per world instead of none, and the jobs
 * drained later than in catalog order.
 *
 * Retries keep their own timing (the retry desk's back-off, a Retry-After)
 * and are never held here. Loopback hosts are exempt: the local farm serves
 * every sandbox directory from one origin, standing in for separate sites.
 * The record is the instance's memory: an evicted coordinator forgets it,
 * and at worst sends one host's tasks within one gap once.
 */
import { isLoopback } from "../../core/url";
import { DEFAULT_HOST_GAP_MS } from "../../src/intelligence/release-picker";
import { hostOf } from "../../core/url";
import type { SubmissionStatus } from "../../core/statuses";

/** What the gap reads of a task row (task-store's TaskRow). */
interface Candidate {
  status: SubmissionStatus;
  submit_url: string | null;
  website: string;
}

export class HostGap {
  private readonly released = new Map<string, number>();
  /** When the first held task's host has rested, or null. */
  private heldUntil: number | null = null;

  constructor(private readonly gapMs = DEFAULT_HOST_GAP_MS) {}

  /**
   * Up to `room` of `candidates` (in release order) to send now, recorded as
   * released. `inFlight`: the job has tasks out, so a held one is looked at
   * again at their reports.
   */
  choose<T extends Candidate>(candidates: readonly T[], room: number, now: number, inFlight: boolean): T[] {
    const out: T[] = [];
    const held: T[] = [];
    this.heldUntil = null;
    for (const task of candidates) {
      if (out.length >= room) break;
      const url = task.submit_url ?? task.website;
      if (task.status === "retrying" || isLoopback(url) || this.rested(hostOf(url), now)) this.take(task, now, out);
      else {
        held.push(task);
        const until = (this.released.get(hostOf(url)) ?? now) + this.gapMs;
        if (this.heldUntil === null || until < this.heldUntil) this.heldUntil = until;
      }
    }
    if (out.length === 0 && !inFlight && held.length) {
      // Nothing else to do: the host that has rested longest, not an idle job.
      const at = (t: T) => this.released.get(hostOf(t.submit_url ?? t.website)) ?? -Infinity;
      this.take(
        held.reduce((a, b) => (at(b) < at(a) ? b : a)),
        now,
        out,
      );
    }
    return out;
  }

  /** A task handed back before it reached its directory (a paused job): its host has not been hit. */
  forget(task: Candidate): void {
    this.released.delete(hostOf(task.submit_url ?? task.website));
  }

  /**
   * When the alarm should wake the job to send a held task: null when none
   * is held or its time has passed (then the job is full, and its reports
   * pump again; a past time would only spin the alarm).
   */
  wakeAt(now: number): number | null {
    return this.heldUntil !== null && this.heldUntil > now ? this.heldUntil : null;
  }

  private rested(host: string, now: number): boolean {
    return now - (this.released.get(host) ?? -Infinity) >= this.gapMs;
  }

  private take<T extends Candidate>(task: T, now: number, out: T[]): void {
    out.push(task);
    this.released.set(hostOf(task.submit_url ?? task.website), now);
  }
}
