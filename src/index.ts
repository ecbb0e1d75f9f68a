/**
 * The `directorybolt` Worker: the HTTP API (Hono), the dead-letter consumer,
 * the verification mailboxes' email handler,
 * and the Durable Object classes the runtime instantiates by name.
 */
import { app } from "./app";
import { refuseExampleSecrets } from "./config/example-secrets";
import { handleInboundMail } from "./mail/inbound";
import { handleDeadLetters } from "./queues/dead-letter";
import { drainNotificationsNow, runScheduled } from "./scheduled";
import { log } from "../core/log";

export { JobCoordinator } from "../durable-objects/job-coordinator";
export { OpsMonitor } from "../durable-objects/ops-monitor";

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    refuseExampleSecrets(env);
    if (batch.queue.startsWith("directory-tasks-dlq")) return handleDeadLetters(batch, env);
    // This Worker consumes no other queue; leave the messages where they are.
    batch.retryAll({ delaySeconds: 60 });
  },
  /** Verification mailboxes (Email Routing): src/mail/inbound.ts. */
  async email(message: ForwardableEmailMessage, env: Env, ctx: ExecutionContext): Promise<void> {
    refuseExampleSecrets(env);
    const result = await handleInboundMail(message, env);
    // "At once" means now, not at the next cron: the outbox is drained after the mail is stored (the cron drains it again if this fails).
    if (result.notified) ctx.waitUntil(drainNotificationsNow(env).catch((err: unknown) => log("warn", "drain after a directory mail failed", { error: err })));
  },
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    refuseExampleSecrets(env);
    ctx.waitUntil(
      runScheduled(env).then(
        () => undefined,
        (err: unknown) => log("error", "scheduled run failed", { error: err }),
      ),
    );
  },
} satisfies ExportedHandler<Env>;
