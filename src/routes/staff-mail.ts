/**
 * The staff inbox of the verification mailboxes:
 * - `GET /api/staff/mail?status=unmatched|matched&limit=` → received mails, newest first
 * - `GET /api/staff/mail/:id/raw` → the raw message from R2, as a plain-text attachment (nosniff), never rendered
 * Unmatched mails are the ones no job's directory claimed (src/mail/inbound.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { inboundMails, INBOUND_MAIL_STATUSES } from "../db/schema";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import type { InboundMailView } from "../../core/protocol/staff";

const listQuery = z.object({
  status: z.enum(INBOUND_MAIL_STATUSES).default("unmatched"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const InboundMail = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string().nullable(),
    status: z.enum(INBOUND_MAIL_STATUSES),
    reason: z.string().nullable(),
    verificationLink: z.string().nullable(),
    jobId: z.string().nullable(),
    submissionId: z.string().nullable(),
    rawUrl: z.string(),
  })
  .openapi("InboundMail");

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Mails received by the verification mailboxes, newest first",
  security: [{ bearer: [] }],
  request: { query: listQuery },
  responses: { 200: jsonAnswer("The mails", z.object({ mails: z.array(InboundMail) })), ...staffOnly, 400: jsonError("Invalid query") },
});

const raw = createRoute({
  method: "get",
  path: "/{id}/raw",
  tags: ["staff"],
  summary: "The raw message",
  security: [{ bearer: [] }],
  request: { params: uuidParams({ id: "mail" }) },
  responses: {
    200: { description: "The message as received, as a plain-text attachment", content: { "text/plain": { schema: z.string() } } },
    ...staffOnly,
    400: jsonError("Not a mail id"),
    404: jsonError("No such mail"),
  },
});

export const staffMail = newApiApp<AuthVariables>();
staffMail.use(requireUser, requireStaff);
staffMail
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await withDatabase(c.env, ({ db }) => db.select().from(inboundMails).where(eq(inboundMails.status, q.status)).orderBy(desc(inboundMails.receivedAt)).limit(q.limit));
    return c.json(
      {
        mails: rows.map(
          (r): InboundMailView => ({
            id: r.id,
            receivedAt: r.receivedAt.toISOString(),
            from: r.envelopeFrom,
            to: r.envelopeTo,
            subject: r.subject,
            status: r.status as InboundMailView["status"],
            reason: r.reason,
            verificationLink: r.verificationLink,
            jobId: r.jobId,
            submissionId: r.submissionId,
            rawUrl: `/api/staff/mail/${r.id}/raw`,
          }),
        ),
      },
      200,
    );
  })
  .openapi(raw, async (c) => {
    const { id } = c.req.valid("param");
    const key = (await withDatabase(c.env, ({ db }) => db.select({ key: inboundMails.r2Key }).from(inboundMails).where(eq(inboundMails.id, id))))[0]?.key;
    const object = key ? await c.env.EVIDENCE.get(key) : null;
    if (!object) throw new ApiError(404, "not_found", "No such mail");
    // Anyone can mail us HTML; on the API's origin, rendered, it would run with a staff session.
    // Plain text, never sniffed, downloaded, and sandboxed should a browser open it anyway.
    return c.text(await object.text(), 200, {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "content-disposition": `attachment; filename="mail-${id}.eml"`,
      "content-security-policy": "default-src 'none'; sandbox",
    });
  });
