/**
 * WebSockets of one Durable Object with the hibernation API: admitted once
 * per ticket, accepted with a role tag (customer or staff), kept across
 * evictions by the runtime, and written in short batching windows so a burst
 * of changes leaves as a few frames. Pings are answered by the runtime
 * without waking the object.
 */
import type { ServerMessage, SocketRole } from "../core/protocol/live";
import { FORWARDED_SOCKET, SOCKET_PROTOCOL } from "../core/protocol/socket-ticket";
import { TicketLedger } from "./ticket-ledger";

/** An upgrade the API verified and this object admitted. */
export interface Admission {
  role: SocketRole;
  /** The subprotocol to select in the answer: browsers drop a socket that offered one and got none back. */
  protocol: string | null;
}

export class SocketHub {
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the last flush ran: the window is counted from it. */
  private lastFlushAt = 0;
  private readonly tickets: TicketLedger;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly windowMs = 50,
  ) {
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    this.tickets = new TicketLedger(ctx.storage.sql);
  }

  /**
   * The upgrade the API forwarded (src/http/socket-upgrade.ts), if its role is
   * one of `roles` and its ticket has not opened a socket before; otherwise
   * the answer to send back (a 401 for a replayed ticket).
   */
  admit(request: Request, roles: readonly SocketRole[]): Admission | Response {
    const role = request.headers.get(FORWARDED_SOCKET.role) as SocketRole | null;
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !role || !roles.includes(role)) {
      return Response.json({ error: { code: "bad_request", message: "Expected a WebSocket upgrade from the API" } }, { status: 400 });
    }
    const ticketId = request.headers.get(FORWARDED_SOCKET.ticketId) ?? "";
    if (!this.tickets.claim(ticketId, Number(request.headers.get(FORWARDED_SOCKET.ticketExpires)))) {
      return Response.json({ error: { code: "invalid_ticket", message: "This socket ticket was already used or has expired; ask for a new one" } }, { status: 401 });
    }
    const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    return { role, protocol: offered.includes(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : null };
  }

  /** Accepts an admitted upgrade; `first` is sent before any delta can be. */
  accept(admission: Admission, first: ServerMessage): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [admission.role]);
    server.send(JSON.stringify(first));
    const headers = admission.protocol ? { "sec-websocket-protocol": admission.protocol } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  count(role?: SocketRole): number {
    return this.ctx.getWebSockets(role).length;
  }

  broadcast(message: ServerMessage, role?: SocketRole): void {
    this.broadcastAll([message], role);
  }

  /**
   * A window's frames, in order, to every socket: each serialised once for
   * all sockets, and the sockets listed once for all frames (at 1,000
   * sockets the list is a thousand handles).
   */
  broadcastAll(messages: readonly ServerMessage[], role?: SocketRole): void {
    if (messages.length === 0) return;
    const sockets = this.ctx.getWebSockets(role);
    // Frame by frame, so the first (the submissions) reaches every socket before the next is sent anywhere.
    for (const message of messages) {
      const frame = JSON.stringify(message);
      for (const ws of sockets) {
        try {
          ws.send(frame);
        } catch {
          // A socket closing under us: the runtime calls webSocketClose.
        }
      }
    }
  }

  /**
   * Runs `flush` once, at most one flush per window: right after the current
   * event when the last flush was a window ago or more (a lone change is not
   * held back for a window nobody else is using), else when the window since
   * the last flush ends (what a burst changes in between leaves together).
   * Only a flush's own moment differs from a plain timer per window; how many
   * frames a burst makes does not.
   */
  schedule(flush: () => void): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlushAt + this.windowMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.lastFlushAt = Date.now();
      flush();
    }, wait);
  }

  static close(ws: WebSocket, code: number, reason: string): void {
    // 1005/1006 are reserved and cannot be sent back.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }
}
