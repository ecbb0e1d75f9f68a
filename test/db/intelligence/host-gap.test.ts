/** The coordinator's host gap, alone: one release per host while there is other work, no stall, the alarm's wake-up. */
import { describe, expect, it } from "vitest";
import { HostGap } from "../../../durable-objects/coordinator/host-gap";
import { DEFAULT_HOST_GAP_MS } from "../../../src/intelligence/release-picker";
import type { SubmissionStatus } from "../../../core/statuses";

const now = 1_000_000_000;
const task = (url: string, status: SubmissionStatus = "pending") => ({ status, submit_url: url, website: "https://unused.example" });

describe("HostGap", () => {
  it("sends one task per host in release order and holds the rest until the host has rested", () => {
    const gap = new HostGap();
    const a1 = task("https://forms.example/a1");
    const a2 = task("https://forms.example/a2");
    const b = task("https://b.example/add");
    expect(gap.choose([a1, a2, b], 4, now, false)).toEqual([a1, b]);
    expect(gap.wakeAt(now)).toBe(now + DEFAULT_HOST_GAP_MS);
    // Within the gap, with work in flight: still held; after it, sent.
    expect(gap.choose([a2], 4, now + 60_000, true)).toEqual([]);
    expect(gap.choose([a2], 4, now + DEFAULT_HOST_GAP_MS, true)).toEqual([a2]);
    expect(gap.wakeAt(now + DEFAULT_HOST_GAP_MS)).toBeNull();
  });

  it("never idles a job: with nothing in flight the most rested host's task goes", () => {
    const gap = new HostGap();
    gap.choose([task("https://x.example/1")], 1, now, false);
    gap.choose([task("https://y.example/1")], 1, now + 30_000, false);
    const x2 = task("https://x.example/2");
    const y2 = task("https://y.example/2");
    expect(gap.choose([y2, x2], 4, now + 60_000, true)).toEqual([]);
    expect(gap.choose([y2, x2], 4, now + 60_000, false)).toEqual([x2]);
  });

  it("leaves retries to their own timing, and the local farm's one loopback origin alone", () => {
    const gap = new HostGap();
    const farm = [task("http://127.0.0.1:4567/d/one/add"), task("http://127.0.0.1:4567/d/two/add")];
    expect(gap.choose(farm, 4, now, false)).toEqual(farm);
    const first = task("https://r.example/1");
    const retry = task("https://r.example/2", "retrying");
    expect(gap.choose([first, retry], 4, now, false)).toEqual([first, retry]);
    // A past wake-up is no wake-up (the alarm would only spin).
    expect(gap.wakeAt(now)).toBeNull();
  });

  it("gives a host its turn back when its task was handed back unsent (a paused job)", () => {
    const gap = new HostGap();
    const a1 = task("https://forms.example/a1");
    const a2 = task("https://forms.example/a2");
    expect(gap.choose([a1, a2, task("https://b.example/add")], 4, now, false)).toHaveLength(2);
    gap.forget(a1);
    expect(gap.choose([a1, a2], 4, now + 1_000, true)).toEqual([a1]);
  });

  it("fills no more than the room", () => {
    const gap = new HostGap();
    const tasks = Array.from({ length: 6 }, (_, i) => task(`https://h${i}.example/add`));
    expect(gap.choose(tasks, 2, now, false)).toEqual(tasks.slice(0, 2));
  });
});
