/**
 * `directorybolt-browser`: consumes `directory-tasks` and fills directory
 * forms with Browser Rendering (ARCHITECTURE.md §2.6). The work itself is in
 * consumer.ts (batch rules) and engine/ (one submission); this file wires
 * them to the bindings.
 */
import { acquireBrowser } from "./browser-session";
import { TwoCaptchaClient } from "./captcha/two-captcha";
import { consumeBatch, type CoordinatorLike } from "./consumer";

export default {
  async queue(batch: MessageBatch<unknown>, env: BrowserEnv, _ctx: ExecutionContext): Promise<void> {
    // The coordinator lives in the directorybolt Worker; its RPC methods are
    // the ones CoordinatorLike names.
    const coordinators = env.JOB_COORDINATOR;
    const solver = env.CAPTCHA_SOLVER_URL
      ? new TwoCaptchaClient({ baseUrl: env.CAPTCHA_SOLVER_URL, apiKey: env.CAPTCHA_API_KEY, pollIntervalMs: env.CAPTCHA_SOLVER_URL.includes("127.0.0.1") ? 250 : 5_000 })
      : undefined;
    const summary = await consumeBatch(batch.messages, {
      workerId: `cf-browser-${batch.queue}`,
      pagesPerBrowser: Math.max(1, Number(env.PAGES_PER_BROWSER) || 3),
      coordinator: (jobId) => coordinators.get(coordinators.idFromName(jobId)) as unknown as CoordinatorLike,
      acquireBrowser: () => acquireBrowser(env.BROWSER as unknown as Fetcher),
      putEvidence: async (key, png, metadata) => {
        await env.EVIDENCE.put(key, png, { httpMetadata: { contentType: "image/png" }, customMetadata: metadata });
      },
      solver,
      log: (entry) => console.log(JSON.stringify(entry)),
    });
    console.log(JSON.stringify({ level: "info", msg: "batch done", ...summary, solver: solver?.stats }));
  },
} satisfies ExportedHandler<BrowserEnv>;
