/**
 * OpsMonitor: the single Durable Object behind the staff overview.
 *
 * Responsibilities (built out by the job coordination issue): active jobs with
 * progress, queue depth and throughput, recent activity across jobs, worker
 * heartbeats, and the staff WebSockets that watch them.
 *
 * The foundation declares the class and its SQLite storage; it answers every
 * request with a JSON 404 until the overview lands.
 */
import { DurableObject } from "cloudflare:workers";

export class OpsMonitor extends DurableObject<Env> {
  override async fetch(_request: Request): Promise<Response> {
    return Response.json({ error: { code: "not_found", message: "The ops monitor has no HTTP routes yet" } }, { status: 404 });
  }
}
