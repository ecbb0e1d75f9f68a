/**
 * `directorybolt-browser`: consumes `directory-tasks` and fills directory
 * forms with Browser Rendering (docs/architecture.md, flow). The work itself is in
 * consumer.ts (batch rules) and engine/ (one submission); this file wires
 * them to the bindings.
 */
import { acquireBrowser } from "./browser-session";
import { TwoCaptchaClient } from "./captcha/two-captcha";
import { consumeBatch } from "./consumer";
import { pendingReportsIn } from "./pending-reports";
import { allowedOrigins } from "./egress";
import { log, type LogLevel } from "../../core/log";
import { opsMonitorStub } from "../../core/rpc";
import type { BrowserWorkerEnv } from "./env";
import { customiseListing } from "./language-model";
import { fromLanguageModel } from "./engine/second-opinion";

const isLevel = (v: unknown): v is LogLevel => v === "debug" || v === "info" || v === "warn" || v === "error";

export default {
  async queue(batch: MessageBatch<unknown>, env: BrowserWorkerEnv, ctx: ExecutionContext): Promise<void> {
    // The coordinator lives in the directorybolt Worker; its RPC methods are
    // the ones core/rpc.ts's CoordinatorRpc names.
    const coordinators = env.JOB_COORDINATOR;
    const solver = env.CAPTCHA_SOLVER_URL
      ? new TwoCaptchaClient({ baseUrl: env.CAPTCHA_SOLVER_URL, apiKey: env.CAPTCHA_API_KEY, pollIntervalMs: env.CAPTCHA_SOLVER_URL.includes("127.0.0.1") ? 250 : 5_000 })
      : undefined;
    const ops = opsMonitorStub(env.OPS_MONITOR);
    // Sessions in use, for `/metrics` (directorybolt_browser_sessions_in_use): told on acquire and release.
    const tell = (leaseId: string, state: "acquired" | "released") =>
      ctx.waitUntil(ops.browserLease(leaseId, state).catch((err: unknown) => log("warn", "ops browser lease update failed", { error: err })));
    const acquire = async () => {
      const lease = await acquireBrowser(env.BROWSER);
      if (!lease.ok) return lease;
      const leaseId = crypto.randomUUID();
      tell(leaseId, "acquired");
      return {
        ...lease,
        async release(healthy: boolean) {
          try {
            await lease.release(healthy);
          } finally {
            tell(leaseId, "released");
          }
        },
      };
    };
    const ai = env.AI;
    const summary = await consumeBatch(batch.messages, {
      workerId: `cf-browser-${batch.queue}`,
      pagesPerBrowser: Math.max(1, Number(env.PAGES_PER_BROWSER) || 3),
      coordinator: (jobId) => coordinators.get(coordinators.idFromName(jobId)),
      acquireBrowser: acquire,
      putEvidence: async (key, png, metadata) => {
        await env.EVIDENCE.put(key, png, { httpMetadata: { contentType: "image/png" }, customMetadata: metadata });
      },
      // The profile's images live in the same bucket, under the customer's prefix (src/profile/images.ts).
      asset: async (key) => {
        const object = await env.EVIDENCE.get(key);
        if (!object) return null;
        const type = object.httpMetadata?.contentType ?? "application/octet-stream";
        return { name: key.split("/").pop() ?? "image", type, bytes: new Uint8Array(await object.arrayBuffer()) };
      },
      solver,
      pendingReports: pendingReportsIn(env.EVIDENCE),
      vaultKeys: env.VAULT_KEYS,
      allowedOrigins: allowedOrigins(env.EGRESS_ALLOW_ORIGINS),
      log: ({ level, msg, ...fields }) => log(isLevel(level) ? level : "info", String(msg), fields),
      // Only with a Workers AI binding (not configured by default; docs/intelligence.md).
      customiseListing: ai ? (lease) => customiseListing(ai, lease.business, lease.directory) : undefined,
      secondOpinion: ai ? fromLanguageModel(ai) : undefined,
    });
    log("info", "batch done", { queue: batch.queue, ...summary, solver: solver?.stats });
    // The solver's figures go to OpsMonitor for `/metrics` (a fresh solver per batch: these are deltas).
    if (solver && (solver.stats.solved > 0 || solver.stats.failed > 0)) {
      ctx.waitUntil(ops.browserBatch({ captchasSolved: solver.stats.solved, captchasFailed: solver.stats.failed }).catch((err: unknown) => log("warn", "ops batch update failed", { error: err })));
    }
  },
} satisfies ExportedHandler<BrowserWorkerEnv>;
