/**
 * Consumer of `directory-tasks-dlq`: a task the browser worker gave up on is
 * handed to its coordinator, which fails that attempt (and retries or stops
 * under the retry policy), so nothing disappears silently. A message that is
 * not a task at all is logged and acknowledged: no retry could mend it.
 */
import { coordinatorFor } from "../jobs/coordinator-client";
import { taskMessageSchema } from "../../core/protocol/tasks";
import { log } from "../../core/log";

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = taskMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log("error", "malformed dead letter dropped", { id: message.id, body: message.body });
      message.ack();
      continue;
    }
    try {
      await coordinatorFor(env, parsed.data.jobId).deadLetter(parsed.data, `gave up after ${message.attempts} deliveries`);
      message.ack();
    } catch (err) {
      log("warn", "dead letter not applied yet", { id: message.id, error: err });
      message.retry({ delaySeconds: 30 });
    }
  }
}
