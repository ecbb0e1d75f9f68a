/** The release picker: hard "not before" kept, hosts rested while there is other work, better hours never idle a browser. */
import { describe, expect, it } from "vitest";
import { pickNext, type PickableTask } from "../../../src/intelligence/release-picker";

const now = 1_000_000_000;
const task = (host: string, over: Partial<PickableTask> = {}): PickableTask => ({ directory: { host }, notBefore: now - 1, ...over });

describe("pickNext", () => {
  it("takes the first due task in queue order when nothing holds it", () => {
    expect(pickNext([task("a"), task("b")], now, new Map())).toBe(0);
  });

  it("never releases a task before its hard not-before (a Retry-After), even with nothing else to do", () => {
    expect(pickNext([task("a", { notBefore: now + 60_000 })], now, new Map())).toBe(-1);
    expect(pickNext([task("a", { notBefore: now + 60_000 }), task("b")], now, new Map())).toBe(1);
  });

  it("skips a host released moments ago while another host's task can go, and takes it when it is the only work", () => {
    const released = new Map([["a", now - 10_000]]);
    expect(pickNext([task("a"), task("b")], now, released)).toBe(1);
    expect(pickNext([task("a")], now, released)).toBe(0);
    expect(pickNext([task("a"), task("b")], now, released, { hostGapMs: 5_000 })).toBe(0);
  });

  it("waits for a better hour only while there is other work: a browser never idles for it", () => {
    const later = task("a", { preferAfter: now + 3 * 3_600_000 });
    expect(pickNext([later, task("b")], now, new Map())).toBe(1);
    expect(pickNext([later], now, new Map())).toBe(0);
  });

  it("prefers a rested host at an early hour to a busy host at its good hour (a rate limit costs more than the hour gains)", () => {
    const released = new Map([["b", now - 10_000]]);
    expect(pickNext([task("b"), task("a", { preferAfter: now + 3_600_000 })], now, released)).toBe(1);
  });

  it("when every due task's host is busy, takes the most rested host rather than the first in order (the least likely rate limit)", () => {
    const released = new Map([
      ["a", now - 10_000],
      ["b", now - 150_000],
      ["c", now - 60_000],
    ]);
    expect(pickNext([task("a"), task("b"), task("c")], now, released)).toBe(1);
    // The same with their better hours still to come.
    const later = { preferAfter: now + 3_600_000 };
    expect(pickNext([task("a"), task("c", later), task("b", later)], now, released)).toBe(2);
  });

  it("serves a host whose own tasks would outlast the rest of the work first, so the job does not end on one host's gaps", () => {
    // 10 tasks of host h need 9 gaps of 3 minutes; the other 4 tasks take 4 minutes on 2 browsers.
    const pending = [task("a"), task("b"), task("c"), task("d"), ...Array.from({ length: 10 }, () => task("h"))];
    expect(pickNext(pending, now, new Map(), { parallelism: 2, typicalTaskMs: 60_000 })).toBe(4);
    // A host with a few tasks among much other work is not critical: queue order.
    const spread = [...Array.from({ length: 20 }, (_, i) => task(`o${i}`)), task("h"), task("h")];
    expect(pickNext(spread, now, new Map(), { parallelism: 2, typicalTaskMs: 60_000 })).toBe(0);
    // A critical host released moments ago still rests.
    expect(pickNext(pending, now, new Map([["h", now - 10_000]]), { parallelism: 2, typicalTaskMs: 60_000 })).toBe(0);
  });
});
