/**
 * The staff inbox of the verification mailboxes:
 * - `GET /api/staff/mail?status=unmatched|matched&limit=` → received mails, newest first
 * - `GET /api/staff/mail/:id/raw` → the raw message (message/rfc822) from R2
 * Unmatched mails are the ones no job's directory claimed (src/mail/inbound.ts).
 */
import { Hono } from "hono";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { connectFromWorker } from "../db/worker-database";
import { inboundMails, INBOUND_MAIL_STATUSES } from "../db/schema";
import { ApiError } from "../http/errors";
import { parseOrThrow } from "../http/validation";
import type { InboundMailView } from "../../core/protocol/staff";

type AppEnv = { Bindings: Env; Variables: AuthVariables };

const listQuery = z.object({
  status: z.enum(INBOUND_MAIL_STATUSES).default("unmatched"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const staffMail = new Hono<AppEnv>()
  .use(requireUser, requireStaff)
  .get("/", async (c) => {
    const q = parseOrThrow(listQuery, c.req.query(), "query");
    const conn = await connectFromWorker(c.env);
    try {
      const rows = await conn.db
        .select()
        .from(inboundMails)
        .where(eq(inboundMails.status, q.status))
        .orderBy(desc(inboundMails.receivedAt))
        .limit(q.limit);
      return c.json({
        mails: rows.map((r): InboundMailView => ({
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
        })),
      });
    } finally {
      await conn.close();
    }
  })
  .get("/:id/raw", async (c) => {
    const id = parseOrThrow(z.string().uuid("not a mail id"), c.req.param("id"), "mail id");
    const conn = await connectFromWorker(c.env);
    let key: string | undefined;
    try {
      key = (await conn.db.select({ key: inboundMails.r2Key }).from(inboundMails).where(eq(inboundMails.id, id)))[0]?.key;
    } finally {
      await conn.close();
    }
    const object = key ? await c.env.EVIDENCE.get(key) : null;
    if (!object) throw new ApiError(404, "not_found", "No such mail");
    return new Response(object.body, { headers: { "content-type": "message/rfc822" } });
  });
