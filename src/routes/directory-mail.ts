/**
 * The listing mailbox is the customer's (issue 18):
 * - `GET /api/jobs/:id/mail` → the mails received for the job's listings, newest first
 * - `GET /api/jobs/:id/mail/:mailId` → one of them in full: sanitized plain
 *   text (src/mail/sanitize.ts), attachments listed by name, type and size
 * - `GET|PUT /api/me/directory-mail` → how such mails are e-mailed to the
 *   customer: `immediate` (each at once) or `daily` (one digest a day)
 * Read under row-level security as the signed-in user, like the job itself
 * (src/jobs/access.ts): a customer sees their own jobs' mails, staff all; a
 * job that is not theirs is a 404.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { customerForUser } from "../billing/customers";
import { asClient } from "../db/rls";
import { customers, DIRECTORY_MAIL_DELIVERIES, DIRECTORY_MAIL_KINDS, DIRECTORY_MAIL_NOTICES } from "../db/schema";
import { ApiError } from "../http/errors";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { assertCanSeeJob } from "../jobs/access";
import type { DirectoryMailMessage, DirectoryMailSummary } from "../../core/protocol/site";

const LIMIT = 500;
const EXCERPT_CHARS = 200;
const security = [{ bearer: [] }];

const Summary = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    directoryName: z.string().nullable(),
    submissionId: z.string().nullable(),
    from: z.string(),
    subject: z.string(),
    kind: z.enum(DIRECTORY_MAIL_KINDS),
    fromDirectory: z.boolean(),
    notifiedBy: z.enum(DIRECTORY_MAIL_NOTICES).nullable(),
    attachmentCount: z.number().int(),
    excerpt: z.string(),
  })
  .openapi("DirectoryMailSummary");

const Message = Summary.extend({
  body: z.string().openapi({ description: "Plain text: the text part, or the HTML part reduced to its text (no markup, no remote content)" }),
  attachments: z.array(z.object({ filename: z.string(), mimeType: z.string(), size: z.number().int() })),
}).openapi("DirectoryMailMessage");

const Delivery = z.object({ delivery: z.enum(DIRECTORY_MAIL_DELIVERIES) }).openapi("DirectoryMailDelivery");

const noSuchJob = { 400: jsonError("Not a job id"), 404: jsonError("No such job (or not yours)") };

const list = createRoute({
  method: "get",
  path: "/{id}/mail",
  tags: ["jobs"],
  summary: "Mails received for the job's listings, newest first",
  security,
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: { 200: jsonAnswer(`At most ${LIMIT} mails`, z.object({ mails: z.array(Summary) })), ...signedIn, ...noSuchJob },
});

const one = createRoute({
  method: "get",
  path: "/{id}/mail/{mailId}",
  tags: ["jobs"],
  summary: "One mail received for the job's listings, sanitized",
  security,
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job", mailId: "mail" }) },
  responses: { 200: jsonAnswer("The mail", z.object({ mail: Message })), ...signedIn, 400: jsonError("Not a job or mail id"), 404: jsonError("No such job or mail") },
});

const getDelivery = createRoute({
  method: "get",
  path: "/",
  tags: ["site"],
  summary: "How mails from directories are e-mailed to the signed-in customer",
  security,
  middleware: [requireUser],
  responses: { 200: jsonAnswer("The choice (`immediate` when there is no purchase yet)", Delivery), ...signedIn },
});

const putDelivery = createRoute({
  method: "put",
  path: "/",
  tags: ["site"],
  summary: "Choose: each mail from a directory at once, or one digest a day",
  security,
  middleware: [requireUser, ...jsonRequest()],
  request: { body: { required: true, content: { "application/json": { schema: Delivery } } } },
  responses: { 200: jsonAnswer("The choice, saved", Delivery), ...errorResponses, ...signedIn, 404: jsonError("No purchase on this account yet") },
});

type Row = {
  id: string;
  created_at: string | Date;
  directory_name: string | null;
  submission_id: string | null;
  from_address: string;
  from_name: string | null;
  subject: string | null;
  kind: DirectoryMailSummary["kind"];
  from_directory: boolean;
  notified_by: DirectoryMailSummary["notifiedBy"];
  attachments: DirectoryMailMessage["attachments"];
  body: string;
};

function summary(r: Row): DirectoryMailSummary {
  return {
    id: r.id,
    receivedAt: new Date(r.created_at).toISOString(),
    directoryName: r.directory_name,
    submissionId: r.submission_id,
    from: r.from_name ? `${r.from_name} <${r.from_address}>` : r.from_address,
    subject: r.subject ?? "",
    kind: r.kind,
    fromDirectory: r.from_directory,
    notifiedBy: r.notified_by,
    attachmentCount: r.attachments.length,
    excerpt: r.body.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS),
  };
}

export const directoryMail = newApiApp<AuthVariables>()
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const user = c.get("user");
    await assertCanSeeJob(c.env, user, id);
    const rows = await withDatabase(c.env, ({ db }) =>
      asClient(db, "authenticated", user.claims, async (tx) => {
        const { rows } = await tx.execute<Row>(sql`
          select id, created_at, directory_name, submission_id, from_address, from_name, subject, kind, from_directory, notified_by, attachments, left(body, ${EXCERPT_CHARS * 2}) as body
            from directory_mails where job_id = ${id}::uuid
           order by created_at desc, id limit ${LIMIT}`);
        return rows;
      }),
    );
    return c.json({ mails: rows.map(summary) }, 200);
  })
  .openapi(one, async (c) => {
    const { id, mailId } = c.req.valid("param");
    const user = c.get("user");
    await assertCanSeeJob(c.env, user, id);
    const row = await withDatabase(c.env, ({ db }) =>
      asClient(db, "authenticated", user.claims, async (tx) => {
        const { rows } = await tx.execute<Row>(sql`
          select id, created_at, directory_name, submission_id, from_address, from_name, subject, kind, from_directory, notified_by, attachments, body
            from directory_mails where job_id = ${id}::uuid and id = ${mailId}::uuid`);
        return rows[0];
      }),
    );
    if (!row) throw new ApiError(404, "not_found", "No such mail");
    const mail: DirectoryMailMessage = { ...summary(row), body: row.body, attachments: row.attachments };
    return c.json({ mail }, 200);
  });

export const directoryMailDelivery = newApiApp<AuthVariables>()
  .openapi(getDelivery, async (c) => {
    const customer = await withDatabase(c.env, ({ db }) => customerForUser(db, c.get("user"), { create: false }));
    return c.json({ delivery: customer?.directoryMailDelivery === "daily" ? ("daily" as const) : ("immediate" as const) }, 200);
  })
  .openapi(putDelivery, async (c) => {
    const { delivery } = c.req.valid("json");
    const saved = await withDatabase(c.env, async ({ db }) => {
      const customer = await customerForUser(db, c.get("user"), { create: false });
      if (!customer) return null;
      await db.update(customers).set({ directoryMailDelivery: delivery }).where(eq(customers.id, customer.id));
      return delivery;
    });
    if (!saved) throw new ApiError(404, "not_found", "No purchase on this account yet");
    return c.json({ delivery: saved }, 200);
  });
