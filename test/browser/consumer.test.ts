/**
 * The queue consumer with real Chromium against the farm. The coordinator
 * here is a small in-memory double with the real one's lease rules (one
 * attempt at a time, reports only for the current attempt; the real one is
 * tested in workerd), so these tests are about the consumer: duplicates,
 * a browser that dies mid-batch, no browser at all, and a retry whose lease
 * carries the value fixes the retry analyzer asked for.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeBatch, type BrowserLease, type ConsumerDeps, type QueueMessageLike } from "../../browser-worker/src/consumer";
import type { CoordinatorRpc } from "../../core/rpc";
import { followupReportSchema, taskReportSchema, type FollowupLease, type FollowupReport, type ReportResult, type TaskLease, type TaskMessage, type TaskReport } from "../../core/protocol/tasks";
import { IntelligentRetryAnalyzer } from "../../src/intelligence/retry-analyzer";
import { launchChromium } from "../../tools/lib/chromium";
import { startFarm, type Farm, type Submission } from "../../tools/farm/index.ts";
import type { PendingReports } from "../../browser-worker/src/pending-reports";
import { SAMPLE_LISTING } from "./support/listing";
import { submitListing } from "../../browser-worker/src/engine/index.ts";
import { taskFor } from "./support/engine.ts";

let farm: Farm;
/** What the farm calls on every POST it records (a test may hook in). */
let onSubmission: ((s: Submission) => void) | undefined;
beforeAll(async () => {
  // Listings public at once: a retry's look in the directory's search sees what an earlier attempt created.
  farm = await startFarm({ variants: 130, publishDelayMs: 0, onSubmission: (s) => onSubmission?.(s) });
});
afterAll(async () => {
  await farm?.close();
});

/** Lease rules of the real coordinator, in memory. */
class CoordinatorDouble implements CoordinatorRpc {
  readonly tasks = new Map<string, { lease: TaskLease; status: "queued" | "submitting" | "done" | "retry"; reports: TaskReport[] }>();
  constructor(private readonly jobId: string) {}

  add(submissionId: string, slug: string): TaskMessage {
    const v = farm.variant(slug)!;
    const row = farm.catalog().find((r) => r.slug === slug)!;
    this.tasks.set(submissionId, {
      status: "queued",
      reports: [],
      lease: {
        jobId: this.jobId,
        submissionId,
        attempt: 1,
        leaseExpiresAt: Date.now() + 60_000,
        directory: {
          id: slug,
          slug,
          name: v.name,
          submitUrl: row.submitUrl ?? null,
          website: row.website,
          language: row.language,
          requiresCaptcha: row.requiresCaptcha,
          listingSearchUrl: row.listingSearchUrl,
        },
        business: SAMPLE_LISTING,
      },
    });
    return { jobId: this.jobId, submissionId, attempt: 1 };
  }

  async lease(submissionId: string, attempt: number): Promise<TaskLease | null> {
    const t = this.tasks.get(submissionId);
    if (!t || t.lease.attempt !== attempt || t.status !== "queued") return null;
    t.status = "submitting";
    return t.lease;
  }

  /** What the real coordinator's leaseReleased takes: a released (queued), unleased task, by the normal lease. */
  async takeReleased(): Promise<TaskLease | null> {
    const t = [...this.tasks.values()].find((x) => x.status === "queued");
    return t ? this.lease(t.lease.submissionId, t.lease.attempt) : null;
  }

  /** After-submit tasks are exercised end to end (test/e2e/after-submit.test.ts); none are released here. */
  async leaseFollowup(): Promise<null> {
    return null;
  }

  async reportFollowup(): Promise<{ applied: boolean }> {
    return { applied: false };
  }

  /** Heartbeats received while a task was ours. */
  readonly beats: string[] = [];
  async heartbeat(submissionId: string, attempt: number): Promise<boolean> {
    const t = this.tasks.get(submissionId);
    const ours = !!t && t.lease.attempt === attempt && t.status === "submitting";
    if (ours) this.beats.push(submissionId);
    return ours;
  }

  /** Attempts that told the coordinator, right before their submit, that a post may follow. */
  readonly posts: string[] = [];
  async posting(submissionId: string, attempt: number): Promise<boolean> {
    const ours = await this.heartbeat(submissionId, attempt);
    if (ours) this.posts.push(`${submissionId}:${attempt}`);
    return ours;
  }

  async report(r: TaskReport): Promise<ReportResult> {
    const t = this.tasks.get(r.submissionId);
    if (!t || t.lease.attempt !== r.attempt || t.status !== "submitting") return { applied: false, reason: "stale_attempt" };
    taskReportSchema.parse(r);
    t.reports.push(r);
    t.status = r.outcome === "failed" && r.failureClass === "transient" ? "retry" : "done";
    // A refused value the analyzer can fix: retried with the fixes in the next lease, as the real coordinator does.
    if (r.outcome === "failed" && r.failureClass === "validation") {
      const next = new IntelligentRetryAnalyzer().analyze({ failureClass: r.failureClass, reason: r.reason, httpStatus: r.httpStatus, captcha: r.captcha, attempt: r.attempt });
      if (next.action === "fix_and_retry") {
        t.lease = { ...t.lease, retryHints: { fixes: [...(t.lease.retryHints?.fixes ?? []), ...next.fixes] } };
        t.status = "retry";
      }
    }
    return { applied: true, status: r.outcome === "failed" ? "retrying" : r.outcome };
  }

  /** What the real coordinator releases next: retries with the next attempt. */
  releaseRetries(): TaskMessage[] {
    const out: TaskMessage[] = [];
    for (const t of this.tasks.values()) {
      if (t.status !== "retry") continue;
      t.lease = { ...t.lease, attempt: t.lease.attempt + 1 };
      t.status = "queued";
      out.push({ jobId: this.jobId, submissionId: t.lease.submissionId, attempt: t.lease.attempt });
    }
    return out;
  }
}

function messages(bodies: unknown[]) {
  const log: { id: string; acked: boolean; retried?: number }[] = [];
  const list: QueueMessageLike[] = bodies.map((body, i) => {
    const entry = { id: `m${i}`, acked: false } as { id: string; acked: boolean; retried?: number };
    log.push(entry);
    return {
      id: entry.id,
      body,
      attempts: 1,
      ack: () => void (entry.acked = true),
      retry: (o?: { delaySeconds?: number }) => void (entry.retried = o?.delaySeconds ?? 0),
    };
  });
  return { list, log };
}

function deps(coordinator: CoordinatorDouble, browserLease: () => Promise<BrowserLease>): ConsumerDeps {
  return {
    workerId: "test",
    pagesPerBrowser: 2,
    coordinator: () => coordinator,
    acquireBrowser: browserLease,
    putEvidence: async () => {},
    // The farm listens on loopback: allowed by name, as local runs do (EGRESS_ALLOW_ORIGINS).
    allowedOrigins: [farm.url],
  };
}

/** The sample business as a directory listed it before any job: the profile's values, or some changed. */
function seedListing(slug: string, changed: { tel?: string } = {}) {
  return farm.seedExistingListing(slug, {
    organization: SAMPLE_LISTING.businessName,
    tel: changed.tel ?? "(415) 555-0142",
    "street-address": SAMPLE_LISTING.street!,
    "address-line1": SAMPLE_LISTING.street!,
    "address-level2": SAMPLE_LISTING.city!,
    "postal-code": SAMPLE_LISTING.postalCode!,
    email: SAMPLE_LISTING.email!,
  });
}

const plainDesigns = ["classic-for", "wrapped-labels", "aria-label", "placeholder-only", "rails-fieldsets", "fr-annuaire"];

describe("queue consumer", () => {
  it("submits once when the queue delivers a task twice", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const first = messages([task, task]);
      const summary = await consumeBatch(first.list, deps(coordinator, lease));
      const again = messages([task]);
      const second = await consumeBatch(again.list, deps(coordinator, lease));
      expect(summary).toMatchObject({ submitted: 1, skippedStale: 1 });
      expect(second).toMatchObject({ submitted: 0, skippedStale: 1 });
      expect([...first.log, ...again.log].every((m) => m.acked)).toBe(true);
      expect(farm.submissions({ slug })).toHaveLength(1);
      // The one post was announced to the coordinator right before it, by the attempt that made it.
      expect(coordinator.posts).toEqual([`${task.submissionId}:1`]);
    } finally {
      await browser.close();
    }
  });

  it("an update task (issue 19): signs in with the login its own submission sealed, edits the listing, confirms it on the public page, once however often it is delivered", async () => {
    farm.reset();
    const browser = await launchChromium();
    const vaultKeys = `k1:${Buffer.alloc(32, 7).toString("base64")}`;
    const jobId = crypto.randomUUID();
    const coordinator = new CoordinatorDouble(jobId);
    const slug = farm.variantFor("account-inline").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      expect(await consumeBatch(messages([task]).list, { ...deps(coordinator, lease), vaultKeys })).toMatchObject({ submitted: 1 });
      const account = coordinator.tasks.get(task.submissionId)!.reports[0]!.account!;
      expect(account.password.keyId).toBe("k1");
      const listing = farm.listings({ slug })[0]!;
      // The follow-up side of the real coordinator for this one task: leased once per attempt, reported once.
      const followupReports: FollowupReport[] = [];
      let leased = false;
      const updating = Object.assign(Object.create(coordinator) as CoordinatorDouble, {
        leaseFollowup: async (submissionId: string, kind: FollowupLease["kind"], attempt: number): Promise<FollowupLease | null> => {
          if (leased || kind !== "update" || attempt !== 1 || submissionId !== task.submissionId) return null;
          leased = true;
          const directory = coordinator.tasks.get(submissionId)!.lease.directory;
          return {
            jobId,
            submissionId,
            kind,
            attempt,
            url: listing.url,
            directory: { id: directory.id, slug: directory.slug, name: directory.name, website: directory.website },
            businessName: SAMPLE_LISTING.businessName,
            update: { loginUrl: account.loginUrl, login: account.username ?? account.email!, password: account.password, business: { ...SAMPLE_LISTING, phone: "+14155550199" }, language: "en" },
          };
        },
        reportFollowup: async (r: FollowupReport) => {
          followupReportSchema.parse(r);
          followupReports.push(r);
          return { applied: true };
        },
      });
      const update = { jobId, submissionId: task.submissionId, attempt: 1, kind: "update" as const };
      const batch = messages([update, update]);
      const summary = await consumeBatch(batch.list, { ...deps(updating, lease), vaultKeys });
      expect(summary).toMatchObject({ submitted: 1, skippedStale: 1 });
      expect(followupReports).toHaveLength(1);
      expect(followupReports[0], followupReports[0]?.reason).toMatchObject({ kind: "update", ok: true });
      expect(JSON.stringify(followupReports)).not.toMatch(/"password"/);
      expect(farm.listings({ slug })[0]!.phone.replace(/\D/g, "")).toContain("5550199");
      expect(batch.log.every((m) => m.acked)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it("logs where each task's time went, step by step, from its message being sent to its report (issue 21's trace)", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const task = coordinator.add(crypto.randomUUID(), farm.variantFor("classic-for").slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    const lines: Record<string, unknown>[] = [];
    try {
      const batch = messages([task]);
      const sent = new Date(Date.now() - 300);
      const list = batch.list.map((m) => ({ ...m, timestamp: sent }));
      await consumeBatch(list, { ...deps(coordinator, lease), log: (entry) => lines.push(entry) });
      const trace = lines.find((l) => l.msg === "task trace") as { submissionId: string; steps: Record<string, number> } | undefined;
      expect(trace?.submissionId).toBe(task.submissionId);
      const steps = trace!.steps;
      expect(Object.keys(steps)).toEqual(expect.arrayContaining(["queue_wait", "lease", "open_page", "navigation", "form_and_mapping", "filling", "submit_and_settle", "screenshot", "report"]));
      expect(steps.queue_wait).toBeGreaterThanOrEqual(300);
      expect(Object.values(steps).every((ms) => ms >= 0)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it("takes tasks its coordinator already released before their messages come, and each is submitted once", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const chaining = Object.assign(coordinator, { leaseReleased: () => coordinator.takeReleased() });
    const slugs = plainDesigns.slice(0, 3).map((d) => farm.variantFor(d).slug);
    const [first, ...released] = slugs.map((slug) => coordinator.add(crypto.randomUUID(), slug));
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages([first]);
      const summary = await consumeBatch(batch.list, deps(chaining, lease));
      expect(summary).toMatchObject({ submitted: 3, failed: 0 });
      expect(batch.log.every((m) => m.acked)).toBe(true);
      // The released tasks' own messages come later: nothing left to do, acknowledged unused.
      const late = messages(released);
      expect(await consumeBatch(late.list, deps(chaining, lease))).toMatchObject({ submitted: 0, skippedStale: 2 });
      expect(late.log.every((m) => m.acked)).toBe(true);
      for (const slug of slugs) expect(farm.submissions({ slug })).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });

  it("a report takes the page's next released task in the same round trip; each task is submitted once", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const calls = { leaseReleased: 0, reportAndLease: 0, handed: 0 };
    // The real coordinator's reportAndLease: the report applied, then what leaseReleased would take, in one call.
    const chaining = Object.assign(coordinator, {
      leaseReleased: async () => {
        calls.leaseReleased++;
        return coordinator.takeReleased();
      },
      reportAndLease: async (r: TaskReport) => {
        calls.reportAndLease++;
        const result = await coordinator.report(r);
        const next = await coordinator.takeReleased();
        if (next) calls.handed++;
        return { result, next };
      },
    });
    const slugs = plainDesigns.slice(0, 4).map((d) => farm.variantFor(d).slug);
    const [first, ...rest] = slugs.map((slug) => coordinator.add(crypto.randomUUID(), slug));
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages([first]);
      // One page: its every report finds no message of the batch left, so each asks for the next task with it.
      const summary = await consumeBatch(batch.list, { ...deps(chaining, lease), pagesPerBrowser: 1 });
      expect(summary).toMatchObject({ submitted: 4, failed: 0 });
      expect(calls.reportAndLease).toBe(4);
      // The three released tasks came with the reports before them; only the last report's empty answer led to one more look.
      expect(calls.handed).toBe(3);
      expect(calls.leaseReleased).toBe(1);
      for (const slug of slugs) expect(farm.submissions({ slug })).toHaveLength(1);
      // Their messages, when they come, find them leased and done.
      expect(await consumeBatch(messages(rest).list, deps(chaining, lease))).toMatchObject({ submitted: 0, skippedStale: 3 });
    } finally {
      await browser.close();
    }
  });

  it("leases the tasks its pages start with in one call per job; a stale message among them is acknowledged unused, the rest leased alone", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const batches: string[][] = [];
    let single = 0;
    const lease = coordinator.lease.bind(coordinator);
    coordinator.lease = async (id, attempt) => {
      single++;
      return lease(id, attempt);
    };
    // The real coordinator's leaseMany: each as lease would take it, in one call.
    const batching = Object.assign(coordinator, {
      leaseMany: async (items: { submissionId: string; attempt: number }[]) => {
        batches.push(items.map((t) => t.submissionId));
        return Promise.all(items.map((t) => lease(t.submissionId, t.attempt)));
      },
    });
    const slugs = plainDesigns.slice(0, 4).map((d) => farm.variantFor(d).slug);
    const tasks = slugs.map((slug) => coordinator.add(crypto.randomUUID(), slug));
    // The first task's message is a redelivery: another worker leased it already.
    await lease(tasks[0]!.submissionId, 1);
    const browserLease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages(tasks);
      const summary = await consumeBatch(batch.list, { ...deps(batching, browserLease), pagesPerBrowser: 3, chainMs: 0 });
      expect(summary).toMatchObject({ submitted: 3, skippedStale: 1, failed: 0 });
      // The three the pages started with, in one call; the stale one's page asked once more, the fourth task was leased by its page.
      expect(batches).toEqual([tasks.slice(0, 3).map((t) => t.submissionId)]);
      expect(single).toBe(2);
      expect(batch.log.every((m) => m.acked)).toBe(true);
      for (const slug of slugs.slice(1)) expect(farm.submissions({ slug })).toHaveLength(1);
      expect(farm.submissions({ slug: slugs[0]! })).toHaveLength(0);
    } finally {
      await browser.close();
    }
  });

  it("a page with no task yet waits while another page works, and takes a task released meanwhile", async () => {
    farm.reset();
    // Every farm answer takes 800 ms: the first task outlasts the released one's wait by far.
    farm.setFaults({ slowRate: 1, slowMs: 800 });
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const [first, later] = plainDesigns.slice(0, 2).map((d) => coordinator.add(crypto.randomUUID(), farm.variantFor(d).slug));
    // Released 200 ms into the batch (a retry whose delay ended, room the cap gave back), not by a report of this batch.
    let releasedAt = Number.POSITIVE_INFINITY;
    const chaining = Object.assign(coordinator, {
      leaseReleased: async () => (Date.now() >= releasedAt ? coordinator.lease(later!.submissionId, 1) : null),
    });
    const leasedAt = new Map<string, number>();
    const reportedAt = new Map<string, number>();
    const lease = coordinator.lease.bind(coordinator);
    coordinator.lease = async (id, attempt) => {
      const got = await lease(id, attempt);
      if (got) leasedAt.set(id, Date.now());
      return got;
    };
    const report = coordinator.report.bind(coordinator);
    coordinator.report = async (r) => {
      reportedAt.set(r.submissionId, Date.now());
      return report(r);
    };
    const browserLease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      releasedAt = Date.now() + 200;
      const summary = await consumeBatch(messages([first]).list, deps(chaining, browserLease));
      expect(summary).toMatchObject({ submitted: 2, failed: 0 });
      // The idle page took it while the first task was still running: before, it had given up at its first look.
      expect(leasedAt.get(later!.submissionId)!).toBeLessThan(reportedAt.get(first!.submissionId)!);
    } finally {
      farm.setFaults({ slowRate: 0 });
      await browser.close();
    }
  });

  it("takes no released task when chaining is off (chainMs 0): only the batch's own messages", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    let asked = 0;
    const chaining = Object.assign(coordinator, {
      leaseReleased: async () => {
        asked++;
        return null;
      },
    });
    const task = coordinator.add(crypto.randomUUID(), farm.variantFor("classic-for").slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const summary = await consumeBatch(messages([task]).list, { ...deps(chaining, lease), chainMs: 0 });
      expect(summary).toMatchObject({ submitted: 1 });
      expect(asked).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it("keeps a slow task's lease with heartbeats while it works, and stops beating once it reported", async () => {
    farm.reset();
    farm.setFaults({ slowRate: 1, slowMs: 700 });
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages([task]);
      const summary = await consumeBatch(batch.list, { ...deps(coordinator, lease), heartbeatMs: 100 });
      expect(summary).toMatchObject({ submitted: 1 });
      // Every page of the form waited 700 ms: several beats, each while the task was leased.
      const beats = coordinator.beats.length;
      expect(beats).toBeGreaterThanOrEqual(3);
      await new Promise((r) => setTimeout(r, 400));
      expect(coordinator.beats.length).toBe(beats);
    } finally {
      farm.setFaults({ slowRate: 0 });
      await browser.close();
    }
  });

  it("delivers the report across a coordinator that resets twice, so the form is not submitted again", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    let resets = 2;
    const report = coordinator.report.bind(coordinator);
    coordinator.report = async (r) => {
      if (resets-- > 0) throw new Error("Durable Object reset because its code was updated.");
      return report(r);
    };
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages([task]);
      const summary = await consumeBatch(batch.list, { ...deps(coordinator, lease), reportRetryMs: [10, 10, 10] });
      expect(summary).toMatchObject({ submitted: 1, returned: 0 });
      expect(batch.log[0]).toMatchObject({ acked: true });
      expect(coordinator.tasks.get(task.submissionId)!.reports).toHaveLength(1);
      expect(farm.submissions({ slug, outcome: "accepted" })).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });

  it("heartbeats through a fresh stub each time, so the lease is kept across a coordinator reset", async () => {
    farm.reset();
    farm.setFaults({ slowRate: 1, slowMs: 700 });
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    // Stubs as the runtime hands them out: after a reset (a deploy, an eviction), every stub made before throws for good.
    let generation = 0;
    const stub = (): CoordinatorRpc => {
      const born = generation;
      const live = <T>(call: () => Promise<T>) => (born === generation ? call() : Promise.reject(new Error("Durable Object reset because its code was updated.")));
      return {
        lease: (id, attempt) => live(() => coordinator.lease(id, attempt)),
        heartbeat: (id, attempt) =>
          live(async () => {
            const ours = await coordinator.heartbeat(id, attempt);
            if (coordinator.beats.length === 1) generation++; // the coordinator resets after the first beat
            return ours;
          }),
        posting: (id, attempt) => live(() => coordinator.posting(id, attempt)),
        report: (r) => live(() => coordinator.report(r)),
        leaseFollowup: () => live(() => coordinator.leaseFollowup()),
        reportFollowup: () => live(() => coordinator.reportFollowup()),
      };
    };
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const summary = await consumeBatch(messages([task]).list, { ...deps(coordinator, lease), coordinator: stub, heartbeatMs: 100 });
      expect(summary).toMatchObject({ submitted: 1 });
      expect(generation).toBe(1);
      // Beats after the reset reached the coordinator: the lease was kept while the slow form was worked on.
      expect(coordinator.beats.length).toBeGreaterThanOrEqual(3);
      expect(farm.submissions({ slug, outcome: "accepted" })).toHaveLength(1);
    } finally {
      farm.setFaults({ slowRate: 0 });
      await browser.close();
    }
  });

  it("stops before the submit when the lease is no longer ours: nothing is posted", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    // The lease runs out as soon as it is given (the coordinator moved on to another attempt).
    const lease = coordinator.lease.bind(coordinator);
    coordinator.lease = async (id, attempt) => {
      const given = await lease(id, attempt);
      coordinator.tasks.get(id)!.status = "retry";
      return given;
    };
    const browserLease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const batch = messages([task]);
      expect(await consumeBatch(batch.list, deps(coordinator, browserLease))).toMatchObject({ failed: 1 });
      expect(batch.log[0]).toMatchObject({ acked: true });
      expect(farm.submissions({ slug })).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("keeps a finished report the coordinator could not take, and delivers it when the message comes again", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    let unreachable = true;
    const report = coordinator.report.bind(coordinator);
    coordinator.report = async (r) => {
      if (unreachable) throw new Error("Network connection lost.");
      return report(r);
    };
    const kept = new Map<string, TaskReport>();
    const key = (t: { submissionId: string; attempt: number }) => `${t.submissionId}/${t.attempt}`;
    const pendingReports: PendingReports = {
      keep: async (r) => void kept.set(key(r), r),
      find: async (t) => kept.get(key(t)) ?? null,
      forget: async (t) => void kept.delete(key(t)),
    };
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const first = messages([task]);
      expect(await consumeBatch(first.list, { ...deps(coordinator, lease), pendingReports, reportRetryMs: [10, 10] })).toMatchObject({ returned: 1 });
      expect(first.log[0]).toMatchObject({ acked: false });
      expect(first.log[0]!.retried).toBeGreaterThan(0);
      expect(kept.size).toBe(1);

      // The coordinator is back; the queue delivers the message again.
      unreachable = false;
      const again = messages([task]);
      expect(await consumeBatch(again.list, { ...deps(coordinator, lease), pendingReports })).toMatchObject({ submitted: 1 });
      expect(again.log[0]).toMatchObject({ acked: true });
      const t = coordinator.tasks.get(task.submissionId)!;
      // The listing is public at once here, so the engine saw it live.
      expect(t.reports.map((r) => [r.attempt, r.outcome])).toEqual([[1, "approved"]]);
      expect(kept.size).toBe(0);
      expect(farm.submissions({ slug })).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });

  it("looks for the listing before a retry when the browser died after the directory accepted the form: no second post", async () => {
    farm.reset();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slug = farm.variantFor("classic-for").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const doomed: Browser = await launchChromium();
    // The browser dies the moment the directory has accepted the listing, before the page shows it.
    onSubmission = (s) => {
      if (s.slug === slug && s.outcome === "accepted") doomed.process()?.kill("SIGKILL");
    };
    const fresh = await launchChromium();
    try {
      const first = await consumeBatch(
        messages([task]).list,
        deps(coordinator, async () => ({ ok: true, browser: doomed as never, release: async () => {} })),
      );
      expect(first).toMatchObject({ failed: 1 });
      onSubmission = undefined;
      const retry = coordinator.releaseRetries();
      expect(retry).toEqual([{ ...task, attempt: 2 }]);
      expect(
        await consumeBatch(
          messages(retry).list,
          deps(coordinator, async () => ({ ok: true, browser: fresh as never, release: async () => {} })),
        ),
      ).toMatchObject({ submitted: 1 });
      const t = coordinator.tasks.get(task.submissionId)!;
      expect(t.reports.map((r) => [r.attempt, r.outcome, r.failureClass])).toEqual([
        [1, "failed", "transient"],
        [2, "approved", undefined],
      ]);
      expect(t.reports[1]!.listingUrl).toBe(farm.listings({ slug })[0]!.url);
      // One post: the retry found the listing instead of posting again.
      expect(farm.submissions({ slug }).map((s) => s.outcome)).toEqual(["accepted"]);
    } finally {
      onSubmission = undefined;
      await doomed.close().catch(() => {});
      await fresh.close();
    }
  });

  it("ends the batch when the browser session stops answering: no acquire, page or release waits forever", async () => {
    const never = () => new Promise<never>(() => {});
    const fast = { acquire: 200, newPage: 200, screenshot: 200, close: 200 };
    // The session hangs when asked for a browser: the messages go back to the queue.
    const hungAcquire = new CoordinatorDouble(crypto.randomUUID());
    const waiting = messages([hungAcquire.add(crypto.randomUUID(), farm.variantFor("classic-for").slug)]);
    expect(await consumeBatch(waiting.list, { ...deps(hungAcquire, never), browserCallMs: fast })).toMatchObject({ returned: 1 });
    expect(waiting.log[0]!.retried).toBeGreaterThan(0);

    // A browser that never opens a page nor lets go: the attempt is reported and acknowledged.
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const task = coordinator.add(crypto.randomUUID(), farm.variantFor("classic-for").slug);
    const dead = { createBrowserContext: async () => ({ newPage: never, close: async () => {} }), isConnected: () => true };
    const batch = messages([task]);
    const summary = await consumeBatch(batch.list, { ...deps(coordinator, async () => ({ ok: true, browser: dead, release: never })), browserCallMs: fast });
    expect(summary).toMatchObject({ failed: 1 });
    expect(batch.log[0]).toMatchObject({ acked: true });
    // Our failure, not the directory's: its statistics leave it out (issue 22).
    expect(coordinator.tasks.get(task.submissionId)!.reports[0]).toMatchObject({ outcome: "failed", failureClass: "transient", infrastructure: true });
  });

  it("brings back the tasks of a browser killed mid-batch, and the job completes", async () => {
    farm.reset();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slugs = plainDesigns.map((d) => farm.variantFor(d).slug);
    const batch = slugs.map((slug) => coordinator.add(crypto.randomUUID(), slug));
    const doomed: Browser = await launchChromium();
    let killed = false;
    const doomedLease = async (): Promise<BrowserLease> => ({
      ok: true,
      browser: {
        createBrowserContext: async () => {
          // The third task is where the browser dies.
          if (coordinator.tasks.size && [...coordinator.tasks.values()].filter((t) => t.status !== "queued").length >= 3 && !killed) {
            killed = true;
            doomed.process()?.kill("SIGKILL");
          }
          return doomed.createBrowserContext() as never;
        },
        isConnected: () => doomed.connected,
      },
      release: async () => {
        await doomed.close().catch(() => {});
      },
    });
    const first = messages(batch);
    const s1 = await consumeBatch(first.list, deps(coordinator, doomedLease));
    expect(killed).toBe(true);
    expect(s1.submitted).toBeLessThan(slugs.length);
    expect(first.log.every((m) => m.acked || m.retried !== undefined)).toBe(true);

    // What comes back: retried messages (unleased) and retries of the lost attempts.
    const fresh = await launchChromium();
    try {
      const retried = first.log.filter((m) => m.retried !== undefined).map((m) => batch[Number(m.id.slice(1))]!);
      let pending: TaskMessage[] = [...retried, ...coordinator.releaseRetries()];
      for (let round = 0; round < 3 && pending.length; round++) {
        await consumeBatch(
          messages(pending).list,
          deps(coordinator, async () => ({ ok: true, browser: fresh as never, release: async () => {} })),
        );
        pending = coordinator.releaseRetries();
      }
    } finally {
      await fresh.close();
    }
    for (const t of coordinator.tasks.values()) expect(t.status, `${t.lease.directory.slug}: ${JSON.stringify(t.reports.map((r) => [r.outcome, r.failureClass, r.reason]))}`).toBe("done");
    for (const t of coordinator.tasks.values()) {
      const last = t.reports.at(-1)!;
      expect(last.outcome, `${t.lease.directory.slug}: ${last.failureClass} ${last.reason}`).not.toBe("failed");
    }
    // Every directory received exactly one accepted listing.
    for (const slug of slugs) expect(farm.submissions({ slug, outcome: "accepted" }), slug).toHaveLength(1);
  });

  it("passes a retry's value fixes from the lease to the engine, and reports the evidence the analyzer reads", async () => {
    farm.reset();
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const slug = farm.variantFor("hours-grid").slug;
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      expect(await consumeBatch(messages([task]).list, deps(coordinator, lease))).toMatchObject({ failed: 1 });
      const retry = coordinator.releaseRetries();
      expect(retry).toEqual([{ ...task, attempt: 2 }]);
      expect(await consumeBatch(messages(retry).list, deps(coordinator, lease))).toMatchObject({ submitted: 1 });
      const t = coordinator.tasks.get(task.submissionId)!;
      expect(t.lease.retryHints).toEqual({ fixes: [{ field: "tel", want: "national" }] });
      expect(t.reports.map((r) => [r.attempt, r.outcome, r.failureClass, r.httpStatus, r.captcha])).toEqual([
        [1, "failed", "validation", 200, "none_seen"],
        [2, "submitted", undefined, 200, "none_seen"],
      ]);
      expect(t.reports[0]!.reason).toContain("enter the number without the country code");
      expect(farm.submissions({ slug }).map((s) => [s.outcome, s.fields.contact_phone])).toEqual([
        ["invalid", "+14155550142"],
        ["accepted", "(415) 555-0142"],
      ]);
    } finally {
      await browser.close();
    }
  });

  it("gives every task a browser context of its own: cookies and storage of one customer's task are gone for the next", async () => {
    farm.reset();
    const browser = await launchChromium();
    const pages: Page[] = [];
    // A warm browser shared by two batches, as Browser Rendering's reused sessions are.
    const watched = {
      createBrowserContext: async () => {
        const context = await browser.createBrowserContext();
        return {
          newPage: async () => {
            const page = await context.newPage();
            pages.push(page);
            return page as never;
          },
          close: () => context.close(),
        };
      },
      isConnected: () => browser.connected,
    };
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: watched, release: async () => {} });
    const seen: { cookies: string[]; stored: string | null }[] = [];
    const runTask = async (design: string, leave: boolean) => {
      const coordinator = new CoordinatorDouble(crypto.randomUUID());
      const task = coordinator.add(crypto.randomUUID(), farm.variantFor(design).slug);
      const summary = await consumeBatch(messages([task]).list, {
        ...deps(coordinator, lease),
        // Called while the task's page is still open, on the directory's site.
        putEvidence: async () => {
          // The task's own page: the one on the directory's site (a context for
          // the next task may already be open, on a blank page).
          const page = pages.filter((p) => !p.isClosed() && p.url().startsWith(farm.url)).at(-1)!;
          const cookies = (await page.cookies(farm.url)).map((c) => c.name);
          const stored = await page.evaluate(() => localStorage.getItem("signed-in-as"));
          seen.push({ cookies, stored });
          if (leave) {
            // What a directory's sign-in leaves behind for this customer.
            await page.setCookie({ name: "directory_login", value: "customer-a", url: farm.url });
            await page.evaluate(() => localStorage.setItem("signed-in-as", "customer-a"));
          }
        },
      });
      expect(summary).toMatchObject({ submitted: 1 });
    };
    try {
      await runTask("classic-for", true);
      await runTask("wrapped-labels", false);
      expect(seen).toHaveLength(2);
      expect(seen[1]!.cookies).not.toContain("directory_login");
      expect(seen[1]!.stored).toBeNull();
      // Nothing stays open: each task's context was closed with its page.
      expect(pages.every((p) => p.isClosed())).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it("screenshots a survival check's listing page where its coordinator says, a 404 page included, and reports it done (issue 19)", async () => {
    const jobId = crypto.randomUUID();
    const checkId = crypto.randomUUID();
    const listingId = crypto.randomUUID();
    const key = `jobs/${jobId}/${listingId}/check-${checkId}-1.png`;
    const reports: FollowupReport[] = [];
    const coordinator = new CoordinatorDouble(jobId);
    const leases: string[] = [];
    coordinator.leaseFollowup = (async (submissionId: string, kind: FollowupLease["kind"], attempt: number) => {
      leases.push(`${submissionId}:${kind}:${attempt}`);
      if (leases.length > 1) return null;
      const row = farm.catalog()[0]!;
      return {
        jobId,
        submissionId,
        kind,
        attempt,
        url: `${farm.url}/no-such-listing-${checkId}`,
        directory: { id: row.slug, slug: row.slug, name: "Farm", website: row.website },
        businessName: SAMPLE_LISTING.businessName,
        evidenceKey: key,
      };
    }) as never;
    coordinator.reportFollowup = (async (r: FollowupReport) => {
      reports.push(r);
      return { applied: true };
    }) as never;
    const stored: { key: string; bytes: number }[] = [];
    const browser = await launchChromium();
    try {
      const message = { jobId, submissionId: checkId, attempt: 1, kind: "check" as const };
      const summary = await consumeBatch(messages([message, message]).list, {
        ...deps(coordinator, async () => ({ ok: true, browser: browser as never, release: async () => {} })),
        putEvidence: async (k, png) => void stored.push({ key: k, bytes: png.length }),
      });
      expect(summary).toMatchObject({ submitted: 1, skippedStale: 1 });
    } finally {
      await browser.close();
    }
    expect(stored).toEqual([{ key, bytes: expect.any(Number) }]);
    expect(stored[0]!.bytes).toBeGreaterThan(100);
    expect(reports).toEqual([expect.objectContaining({ jobId, submissionId: checkId, kind: "check", attempt: 1, ok: true, httpStatus: 404, evidenceKey: key })]);
  });

  it("never lets a page reach a private or loopback address it was not allowed: not as the form, nor as a page's subrequest", async () => {
    // A service on loopback that must stay unreached, and a directory page (allowed) that points at it.
    const hits: string[] = [];
    const internal = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("<h1>Router admin</h1>");
    });
    await new Promise<void>((r) => internal.listen(0, "127.0.0.1", r));
    const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
    const site = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<h1>Add your business</h1><img src="${internalUrl}/pixel.gif"><script>fetch("${internalUrl}/api/steal").catch(() => {})</script>
         <form method="post" action="/thanks"><label>Business name <input name="company" required></label><button>Submit</button></form>`,
      );
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    try {
      const coordinator = new CoordinatorDouble(crypto.randomUUID());
      const pointed = coordinator.add(crypto.randomUUID(), farm.variantFor("classic-for").slug);
      const linking = coordinator.add(crypto.randomUUID(), farm.variantFor("wrapped-labels").slug);
      // A catalog row pointing at the loopback service, and a directory whose page loads from it.
      coordinator.tasks.get(pointed.submissionId)!.lease.directory.submitUrl = `${internalUrl}/admin`;
      coordinator.tasks.get(linking.submissionId)!.lease.directory.submitUrl = `${siteUrl}/add`;
      const refused: unknown[] = [];
      await consumeBatch(messages([pointed, linking]).list, { ...deps(coordinator, lease), allowedOrigins: [siteUrl], log: (e) => void (e.msg === "request refused" && refused.push(e.url)) });
      expect(hits).toEqual([]);
      expect(refused).toEqual(expect.arrayContaining([`${internalUrl}/admin`, `${internalUrl}/pixel.gif`]));
      expect(coordinator.tasks.get(pointed.submissionId)!.reports[0]).toMatchObject({ outcome: "failed", failureClass: "blocked" });
      expect(coordinator.tasks.get(pointed.submissionId)!.reports[0]!.reason).toContain("private, loopback or link-local");
    } finally {
      await browser.close();
      internal.close();
      site.close();
    }
  });

  it("returns the batch unleased, with the platform's delay, when no browser can be had", async () => {
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const task = coordinator.add(crypto.randomUUID(), farm.variantFor("classic-for").slug);
    const { list, log } = messages([task, { nonsense: true }]);
    const summary = await consumeBatch(
      list,
      deps(coordinator, async () => ({ ok: false, retryAfterSeconds: 42, reason: "limit" })),
    );
    expect(summary).toMatchObject({ returned: 1, malformed: 1 });
    expect(log[0]).toMatchObject({ acked: false, retried: 42 });
    expect(log[1]).toMatchObject({ acked: true });
    expect([...coordinator.tasks.values()][0]!.status).toBe("queued");
  });
});

describe("existing listings first (issue 17 item 2)", () => {
  async function runOne(slug: string) {
    const browser = await launchChromium();
    const coordinator = new CoordinatorDouble(crypto.randomUUID());
    const task = coordinator.add(crypto.randomUUID(), slug);
    const lease = async (): Promise<BrowserLease> => ({ ok: true, browser: browser as never, release: async () => {} });
    const evidence: { key: string; png: Uint8Array }[] = [];
    try {
      const batch = messages([task]);
      await consumeBatch(batch.list, { ...deps(coordinator, lease), putEvidence: async (key, png) => void evidence.push({ key, png }) });
      expect(batch.log.every((m) => m.acked)).toBe(true);
      return { report: coordinator.tasks.get(task.submissionId)!.reports[0]!, evidence, posts: coordinator.posts };
    } finally {
      await browser.close();
    }
  }

  it("finds a listing with the profile's name, address and phone before the first attempt: already_listed with its URL and a screenshot, nothing posted", async () => {
    farm.reset();
    const slug = farm.variantFor("classic-for").slug;
    const listing = seedListing(slug);
    const { report, evidence, posts } = await runOne(slug);
    expect(report).toMatchObject({ outcome: "already_listed", listingUrl: listing.url, differences: [] });
    expect(report.evidenceKey).toMatch(/\/1-found\.png$/);
    expect(evidence.map((e) => e.key)).toEqual([report.evidenceKey]);
    expect([...evidence[0]!.png.slice(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    // Nothing reached the directory's form, and no post was announced.
    expect(farm.submissions({ slug })).toEqual([]);
    expect(posts).toEqual([]);
    expect(farm.listings({ slug })).toHaveLength(1);
  });

  it("a listing with a wrong phone is reported with the difference (a claim-and-correct task), nothing posted", async () => {
    farm.reset();
    const slug = farm.variantFor("classic-for").slug;
    const listing = seedListing(slug, { tel: "(415) 555-0199" });
    const { report } = await runOne(slug);
    expect(report).toMatchObject({ outcome: "already_listed", listingUrl: listing.url, differences: [{ field: "phone", shown: "(415) 555-0199", profile: SAMPLE_LISTING.phone }] });
    expect(farm.submissions({ slug })).toEqual([]);
  });

  it("a retry after attempts that never posted takes a found listing as the business's own, not an earlier attempt's", async () => {
    farm.reset();
    const variant = farm.variantFor("classic-for");
    const listing = seedListing(variant.slug);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const task = { ...taskFor(farm, variant, { listingSearchUrl: `${farm.url}${variant.basePath}search?q={query}` }, SAMPLE_LISTING), attempt: 2 };
      // No word of an earlier post: found listed, not ours.
      expect(await submitListing(page as never, { ...task, earlierPost: false })).toMatchObject({ outcome: "already_listed", listingUrl: listing.url, differences: [] });
      // An earlier attempt posted: the listing found is taken as its own (look-first.ts), as before.
      expect(await submitListing(page as never, { ...task, earlierPost: true })).toMatchObject({ outcome: "approved", listingUrl: listing.url });
      expect(farm.submissions({ slug: variant.slug })).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("a directory without the business: the first attempt looks, finds nothing and submits", async () => {
    farm.reset();
    const slug = farm.variantFor("classic-for").slug;
    const { report } = await runOne(slug);
    // The farm here publishes at once, so the form's answer already links the live listing.
    expect(["submitted", "approved"]).toContain(report.outcome);
    expect(farm.submissions({ slug, outcome: "accepted" })).toHaveLength(1);
  });
});
