/**
 * WebSockets of one Durable Object with the hibernation API: accepted with a
 * role tag (customer or staff), kept across evictions by the runtime, and
 * written in short batching windows so a burst of changes leaves as a few
 * frames. Pings are answered by the runtime without waking the object.
 */
import type { ServerMessage, SocketRole } from "../core/protocol/live";

export class SocketHub {
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly windowMs = 50,
  ) {
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Accepts an upgrade; `first` is sent before any delta can be. */
  accept(role: SocketRole, first: ServerMessage): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [role]);
    server.send(JSON.stringify(first));
    return new Response(null, { status: 101, webSocket: client });
  }

  count(role?: SocketRole): number {
    return this.ctx.getWebSockets(role).length;
  }

  broadcast(message: ServerMessage, role?: SocketRole): void {
    const frame = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets(role)) {
      try {
        ws.send(frame);
      } catch {
        // A socket closing under us: the runtime calls webSocketClose.
      }
    }
  }

  /** Runs `flush` once at the end of the current window. */
  schedule(flush: () => void): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      flush();
    }, this.windowMs);
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
