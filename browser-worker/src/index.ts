/**
 * `directorybolt-browser`: consumes `directory-tasks` and fills directory forms
 * with Browser Rendering (ARCHITECTURE.md §2.6).
 *
 * The foundation wires the queue and its dead-letter queue. Until the
 * submission engine lands, every message is retried with a delay rather than
 * acknowledged, so no task is ever dropped: after max_retries it reaches the
 * dead-letter queue, where the coordinator will account for it.
 */
export default {
  async queue(batch: MessageBatch<unknown>, _env: BrowserEnv, _ctx: ExecutionContext): Promise<void> {
    for (const message of batch.messages) message.retry({ delaySeconds: 60 });
  },
} satisfies ExportedHandler<BrowserEnv>;
