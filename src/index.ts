/**
 * The `directorybolt` Worker: the HTTP API (Hono), the dead-letter consumer,
 * and the Durable Object classes the runtime instantiates by name.
 */
import { app } from "./app";
import { handleDeadLetters } from "./queues/dead-letter";

export { JobCoordinator } from "../durable-objects/job-coordinator";
export { OpsMonitor } from "../durable-objects/ops-monitor";

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    if (batch.queue.startsWith("directory-tasks-dlq")) return handleDeadLetters(batch, env);
    // This Worker consumes no other queue; leave the messages where they are.
    batch.retryAll({ delaySeconds: 60 });
  },
} satisfies ExportedHandler<Env>;
