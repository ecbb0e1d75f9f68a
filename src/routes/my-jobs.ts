/**
 * `GET /api/me/jobs` → `{ jobs: MyJob[] }`: the signed-in customer's jobs,
 * newest first. Read under RLS as the user (like src/jobs/access.ts) and
 * narrowed to the user's own customer row, so staff see their own purchases
 * here too, not everyone's. A buyer's first call links the purchase made with
 * the same (verified) email, as the profile does.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { customerForUser } from "../billing/customers";
import { asClient } from "../db/rls";
import type { JobStatus } from "../../core/statuses";
import type { MyJob } from "../../core/protocol/site";
import { jsonAnswer, newApiApp, signedIn } from "../http/openapi";
import { withDatabase } from "../http/per-request";
import { JOB_STATUSES } from "../../core/statuses";

const LIMIT = 100;

type Row = {
  id: string;
  plan: string;
  status: JobStatus;
  directories_total: number;
  directories_submitted: number;
  directories_approved: number;
  directories_failed: number;
  created_at: string | Date;
  completed_at: string | Date | null;
};

const iso = (v: string | Date) => new Date(v).toISOString();

const MyJobSchema = z
  .object({
    jobId: z.string(),
    plan: z.string(),
    status: z.enum(JOB_STATUSES),
    total: z.number().int(),
    submitted: z.number().int(),
    approved: z.number().int(),
    failed: z.number().int(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("MyJob");

const listMyJobs = createRoute({
  method: "get",
  path: "/",
  tags: ["site"],
  summary: "The signed-in customer's jobs, newest first",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  responses: { 200: jsonAnswer(`At most ${LIMIT} jobs`, z.object({ jobs: z.array(MyJobSchema) })), ...signedIn },
});

export const myJobs = newApiApp<AuthVariables>().openapi(listMyJobs, async (c) => {
  const user = c.get("user");
  const jobs = await withDatabase(c.env, async ({ db }) => {
    if (user.email) await customerForUser(db, user, { create: false });
    return asClient(db, "authenticated", user.claims, async (tx) => {
      const { rows } = await tx.execute<Row>(sql`
        select j.id, j.plan, j.status, j.directories_total, j.directories_submitted, j.directories_approved,
               j.directories_failed, j.created_at, j.completed_at
        from jobs j join customers c on c.id = j.customer_id
        where c.user_id = (select auth.uid())
        order by j.created_at desc, j.id
        limit ${LIMIT}`);
      return rows;
    });
  });
  return c.json(
    {
      jobs: jobs.map(
        (r): MyJob => ({
          jobId: r.id,
          plan: r.plan,
          status: r.status,
          total: Number(r.directories_total),
          submitted: Number(r.directories_submitted),
          approved: Number(r.directories_approved),
          failed: Number(r.directories_failed),
          createdAt: iso(r.created_at),
          completedAt: r.completed_at ? iso(r.completed_at) : null,
        }),
      ),
    },
    200,
  );
});
