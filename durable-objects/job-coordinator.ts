/**
 * JobCoordinator: one Durable Object per job (`idFromName(jobId)`).
 *
 * Responsibilities (ARCHITECTURE.md §2.5-2.8; built out by the job
 * coordination issue):
 * - load the job's submissions from Postgres into its own SQLite;
 * - release tasks to `directory-tasks` at the plan's pace, with leases;
 * - apply each worker report exactly once, then persist through an outbox;
 * - push deltas to the job's customer and staff WebSockets.
 *
 * The foundation declares the class and its SQLite storage so bindings,
 * migrations and deploys are in place; until the coordinator lands it answers
 * every request with a JSON 404, so nothing can mistake it for a working one.
 */
import { DurableObject } from "cloudflare:workers";

export class JobCoordinator extends DurableObject<Env> {
  override async fetch(_request: Request): Promise<Response> {
    return Response.json({ error: { code: "not_found", message: "The job coordinator has no HTTP routes yet" } }, { status: 404 });
  }
}
