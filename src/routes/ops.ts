/**
 * The operations view (staff): `POST /api/ops/ws-ticket` and
 * `GET /api/ops/ws` (the OpsMonitor's live socket, the ticket offered as a subprotocol), and
 * `GET /api/ops/overview` (its figures, once).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { signTicket, verifyTicket, TICKET_TTL_SECONDS } from "../auth/ws-ticket";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { forwardUpgrade, offeredTicket, ticketParameter, upgradeOrThrow } from "../http/socket-upgrade";
import { opsMonitor } from "../jobs/coordinator-client";
import { SocketTicket } from "./jobs";

export const OpsOverview = z.looseObject({}).openapi("OpsOverview", { description: "Jobs, queue depth, throughput and workers (core/protocol/live.ts)" });

const wsTicket = createRoute({
  method: "post",
  path: "/ws-ticket",
  tags: ["staff"],
  summary: "A short-lived ticket to open the ops socket",
  security: [{ bearer: [] }],
  middleware: [requireUser, requireStaff],
  responses: { 200: jsonAnswer("The ticket and the socket's URL", SocketTicket), ...staffOnly },
});

const socket = createRoute({
  method: "get",
  path: "/ws",
  tags: ["staff"],
  summary: "The OpsMonitor's live WebSocket",
  parameters: [ticketParameter("POST /api/ops/ws-ticket")],
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    401: jsonError("The ticket is missing, expired, already used or not a staff ticket"),
    426: jsonError("Not a WebSocket upgrade"),
  },
});

const overview = createRoute({
  method: "get",
  path: "/overview",
  tags: ["staff"],
  summary: "The OpsMonitor's figures, once",
  security: [{ bearer: [] }],
  middleware: [requireUser, requireStaff],
  responses: { 200: jsonAnswer("The overview", OpsOverview), ...staffOnly },
});

export const ops = newApiApp<AuthVariables>()
  .openapi(wsTicket, async (c) => {
    const ticket = await signTicket(c.env.WS_TICKET_SECRET, { target: "ops", role: "staff", userId: c.get("user").userId });
    return c.json({ ticket, expiresIn: TICKET_TTL_SECONDS, url: "/api/ops/ws" }, 200);
  })
  .openapi(socket, async (c) => {
    upgradeOrThrow(c.req.raw);
    const ticket = await verifyTicket(c.env.WS_TICKET_SECRET, offeredTicket(c.req.raw), "ops");
    if (!ticket || ticket.role !== "staff") throw new ApiError(401, "invalid_ticket", "The socket ticket is missing, expired or not a staff ticket");
    return opsMonitor(c.env).fetch(forwardUpgrade(c.req.raw, ticket));
  })
  .openapi(overview, async (c) => c.json(await opsMonitor(c.env).overview(), 200));
