/**
 * The fault-injection hooks exist only with DEV_FAULT_INJECTION=1 on a
 * loopback PUBLIC_URL, and then only for the worker token.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { faultInjectionEnabled } from "../../src/jobs/fault-injection";
import { FAULT_INJECTION_OFF } from "../../durable-objects/coordinator/faults";
import { allowFaults, captureReleases, stubFor } from "./support/coordinator-harness";
import { PRODUCTION } from "./support/production";
import { seedJob } from "./support/seed";
import { LOST_REPORTS_MS } from "../../src/routes/dev-faults";
import type { TaskMessage } from "../../core/protocol/tasks";

const call = (path: string, method: string, vars: Partial<Env>, token: string | null = env.WORKER_API_TOKEN) =>
  app.request(path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }, { ...env, ...vars });

const ON = { DEV_FAULT_INJECTION: "1", PUBLIC_URL: "http://127.0.0.1:8787" };

describe("/api/dev/faults", () => {
  it("is a JSON 404 unless switched on, and never on a public origin", async () => {
    const path = `/api/dev/faults/jobs/${crypto.randomUUID()}/counters`;
    for (const vars of [{ DEV_FAULT_INJECTION: "" }, { ...PRODUCTION, DEV_FAULT_INJECTION: "1" }]) {
      const res = await call(path, "GET", vars);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
    // Switched on, but the request is addressed to a host that is not loopback.
    const remote = await call(`http://faults.directorybolt.com${path}`, "GET", ON);
    expect(remote.status).toBe(404);
    expect(await remote.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("wants the worker token and a job id, then redelivers every released message and counts what it refused", async () => {
    const seeded = await seedJob({ directories: 3 });
    await captureReleases(seeded.jobId, []);
    const { coordinatorFor } = await import("../../src/jobs/coordinator-client");
    await coordinatorFor(env, seeded.jobId).start(seeded.jobId);
    // The coordinator's own env is the test env (off); this instance is let on.
    await allowFaults(seeded.jobId);
    expect((await call(`/api/dev/faults/jobs/${seeded.jobId}/counters`, "GET", ON, null)).status).toBe(401);
    expect((await call(`/api/dev/faults/jobs/not-a-uuid/counters`, "GET", ON)).status).toBe(400);
    const counters = await call(`/api/dev/faults/jobs/${seeded.jobId}/counters`, "GET", ON);
    expect(await counters.json()).toMatchObject({ refusedLeases: 0, refusedReports: 0 });
    const redelivered = await call(`/api/dev/faults/jobs/${seeded.jobId}/redeliver`, "POST", ON);
    expect(await redelivered.json()).toEqual({ sent: 3 });
    const evicted = await call(`/api/dev/faults/jobs/${seeded.jobId}/evict`, "POST", ON);
    expect(await evicted.json()).toEqual({ evicted: true });
    // A fresh instance on the same storage: the job is still there.
    expect((await coordinatorFor(env, seeded.jobId).progress()).total).toBe(3);
  });

  it("the coordinator refuses its fault facet to any caller while fault injection is off", async () => {
    // The test env, like production, has DEV_FAULT_INJECTION empty.
    expect(faultInjectionEnabled(env)).toBe(false);
    const seeded = await seedJob({ directories: 1 });
    await captureReleases(seeded.jobId, []);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    let refused: unknown;
    try {
      await stub.faults();
    } catch (err) {
      refused = err;
    }
    expect(String(refused)).toContain(FAULT_INJECTION_OFF);
    // Still the same instance and job: nothing was evicted.
    expect((await stub.progress()).total).toBe(1);
  });

  it("loses every report for a while: the worker's call fails and the task is unchanged", async () => {
    const seeded = await seedJob({ directories: 1 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await allowFaults(seeded.jobId);
    const lease = await stub.lease(released[0]!.submissionId, 1, "w1");
    expect(lease).not.toBeNull();
    const res = await call(`/api/dev/faults/jobs/${seeded.jobId}/lose-reports`, "POST", ON);
    expect(await res.json()).toEqual({ lostForMs: LOST_REPORTS_MS });
    const lost = await stub.report({ jobId: seeded.jobId, submissionId: lease!.submissionId, attempt: 1, outcome: "submitted" }).catch((err: unknown) => err);
    expect(String(lost)).toContain("lost on its way");
    expect((await stub.snapshot()).submissions[0]).toMatchObject({ status: "submitting", attempt: 1 });
  });

  it("switches on only with DEV_FAULT_INJECTION=1 on a loopback origin", () => {
    expect(faultInjectionEnabled(ON)).toBe(true);
    expect(faultInjectionEnabled({ ...ON, DEV_FAULT_INJECTION: "" })).toBe(false);
    expect(faultInjectionEnabled({ ...ON, DEV_FAULT_INJECTION: "true" })).toBe(false);
    expect(faultInjectionEnabled({ DEV_FAULT_INJECTION: "1", PUBLIC_URL: "https://directorybolt.com" })).toBe(false);
  });
});
