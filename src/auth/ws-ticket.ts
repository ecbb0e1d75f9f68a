/**
 * Short-lived signed tickets for WebSockets: browsers cannot set headers on a
 * WebSocket, so the page first asks for a ticket with its bearer token, then
 * offers it as a subprotocol value (core/protocol/socket-ticket.ts). A ticket names
 * one target (a job, or the ops overview) and one role, lives for a minute,
 * and opens one socket: its `jti` is claimed by the object that accepts the
 * socket (durable-objects/ticket-ledger.ts).
 */
import { SignJWT, jwtVerify } from "jose";
import type { SocketRole } from "../../core/protocol/live";

export const TICKET_TTL_SECONDS = 60;
const AUDIENCE = "directorybolt-ws";

export interface Ticket {
  target: string; // a job id, or "ops"
  role: SocketRole;
  userId: string;
}

export interface VerifiedTicket extends Ticket {
  /** The ticket's own id, claimed once by the object that accepts the socket. */
  id: string;
  /** When it stops being valid (epoch ms). */
  expiresAt: number;
}

function key(secret: string): Uint8Array {
  if (!secret || secret.length < 16) throw new Error("WS_TICKET_SECRET must be set (16+ characters)");
  return new TextEncoder().encode(secret);
}

export async function signTicket(secret: string, ticket: Ticket, ttlSeconds = TICKET_TTL_SECONDS): Promise<string> {
  return new SignJWT({ target: ticket.target, role: ticket.role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(ticket.userId)
    .setAudience(AUDIENCE)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

/** The ticket if it is genuine, unexpired, for `target` and carries an id; otherwise null. */
export async function verifyTicket(secret: string, token: string, target: string): Promise<VerifiedTicket | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { audience: AUDIENCE, algorithms: ["HS256"], requiredClaims: ["jti", "exp"] });
    if (payload.target !== target || (payload.role !== "customer" && payload.role !== "staff") || typeof payload.sub !== "string") return null;
    if (typeof payload.jti !== "string" || !payload.jti || typeof payload.exp !== "number") return null;
    return { target, role: payload.role, userId: payload.sub, id: payload.jti, expiresAt: payload.exp * 1000 };
  } catch {
    return null;
  }
}
