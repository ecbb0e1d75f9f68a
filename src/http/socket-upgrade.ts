/** WebSocket upgrades the API forwards to a Durable Object (a job's coordinator, the OpsMonitor). */
import { FORWARDED_SOCKET, ticketOfProtocols } from "../../core/protocol/socket-ticket";
import type { VerifiedTicket } from "../auth/ws-ticket";
import { ApiError } from "./errors";

/** A plain GET to a socket URL is a clear 426, not a hang. */
export function upgradeOrThrow(req: Request): void {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket");
  }
}

/**
 * The ticket the client offered as a subprotocol. A `?ticket=` in the URL is
 * ignored on purpose: a ticket there ends up in logs, so it never opens a socket.
 */
export function offeredTicket(req: Request): string {
  return ticketOfProtocols(req.headers.get("sec-websocket-protocol")) ?? "";
}

/**
 * Forwards the upgrade with the verified role and the ticket's id and expiry;
 * the object trusts only these headers (set here, whatever the client sent)
 * and claims the id, so a replayed ticket opens nothing.
 */
export function forwardUpgrade(req: Request, ticket: Pick<VerifiedTicket, "role" | "id" | "expiresAt">): Request {
  const headers = new Headers(req.headers);
  headers.set(FORWARDED_SOCKET.role, ticket.role);
  headers.set(FORWARDED_SOCKET.ticketId, ticket.id);
  headers.set(FORWARDED_SOCKET.ticketExpires, String(ticket.expiresAt));
  return new Request(req.url, { headers, method: "GET" });
}

/**
 * The socket's ticket, for the document only: the route reads the header as
 * sent (no validator), so any bad ticket, even one holding a NUL, is the same 401.
 */
export function ticketParameter(from: string) {
  return {
    name: "Sec-WebSocket-Protocol",
    in: "header" as const,
    required: false,
    schema: { type: "string" as const },
    description: `"directorybolt.v1, ticket.<ticket>", the ticket from ${from}; the answer selects directorybolt.v1`,
  };
}
