/**
 * How a socket's ticket travels (docs/architecture.md, contracts). Apart from
 * live.ts, which imports zod, so that the site takes these few lines alone.
 */

/**
 * A browser hands its socket ticket over as a WebSocket subprotocol value
 * (`new WebSocket(url, socketProtocols(ticket))`), never in the URL, which
 * proxies, logs and browser history keep. The server answers with
 * SOCKET_PROTOCOL alone, so the ticket is not echoed back.
 */
export const SOCKET_PROTOCOL = "directorybolt.v1";
const TICKET_PREFIX = "ticket.";

export function socketProtocols(ticket: string): string[] {
  return [SOCKET_PROTOCOL, `${TICKET_PREFIX}${ticket}`];
}

/** The ticket in a `Sec-WebSocket-Protocol` header; null when none is offered. */
export function ticketOfProtocols(header: string | null): string | null {
  for (const offered of (header ?? "").split(",")) {
    const value = offered.trim();
    if (value.startsWith(TICKET_PREFIX)) return value.slice(TICKET_PREFIX.length);
  }
  return null;
}

/** What the API tells the object that accepts a socket, once it has verified the ticket. */
export const FORWARDED_SOCKET = { role: "x-socket-role", ticketId: "x-socket-ticket-id", ticketExpires: "x-socket-ticket-expires" } as const;
