/**
 * The `directorybolt` Worker: the HTTP API (Hono) and the Durable Object
 * classes the runtime instantiates by name from wrangler.toml.
 */
import { app } from "./app";

export { JobCoordinator } from "../durable-objects/job-coordinator";
export { OpsMonitor } from "../durable-objects/ops-monitor";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
