/** WebSocket upgrades the API forwards to a Durable Object (a job's coordinator, the OpsMonitor). */
import { ApiError } from "./errors";

/** A plain GET to a socket URL is a clear 426, not a hang. */
export function upgradeOrThrow(req: Request): void {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket");
  }
}

/** Forwards the upgrade with the verified role; the object trusts only this header. */
export function withRole(req: Request, role: string): Request {
  const headers = new Headers(req.headers);
  headers.set("x-socket-role", role);
  return new Request(req.url, { headers, method: "GET" });
}

/**
 * The socket's `?ticket=`, for the document only: the route reads it as sent
 * (no validator), so any bad ticket, even one holding a NUL, is the same 401.
 */
export function ticketParameter(from: string) {
  return { name: "ticket", in: "query" as const, required: false, schema: { type: "string" as const }, description: `From ${from}` };
}
