/**
 * Short-lived signed tickets for WebSockets: browsers cannot set headers on a
 * WebSocket, so the page first asks for a ticket with its bearer token, then
 * opens `...?ticket=`. A ticket names one target (a job, or the ops
 * overview) and one role, and lives for a minute.
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

function key(secret: string): Uint8Array {
  if (!secret || secret.length < 16) throw new Error("WS_TICKET_SECRET must be set (16+ characters)");
  return new TextEncoder().encode(secret);
}

export async function signTicket(secret: string, ticket: Ticket, ttlSeconds = TICKET_TTL_SECONDS): Promise<string> {
  return new SignJWT({ target: ticket.target, role: ticket.role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(ticket.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

/** The ticket if it is genuine, unexpired and for `target`; otherwise null. */
export async function verifyTicket(secret: string, token: string, target: string): Promise<Ticket | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { audience: AUDIENCE, algorithms: ["HS256"] });
    if (payload.target !== target || (payload.role !== "customer" && payload.role !== "staff") || typeof payload.sub !== "string") return null;
    return { target, role: payload.role, userId: payload.sub };
  } catch {
    return null;
  }
}
