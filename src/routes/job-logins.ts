/**
 * The job's login vault (the accounts the engine created at directories),
 * for the job's customer and staff (src/jobs/vault.ts):
 * - `GET /api/jobs/:id/logins` → the logins, no passwords; with
 *   `?passwords=include` (the report's export) every password too, each
 *   recorded as an export by the one who asked
 * - `POST /api/jobs/:id/logins/:loginId/reveal` → one password, the reveal
 *   recorded (who, when, customer or staff)
 * Another customer gets the stranger's 404, as for the job itself.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { listLogins, revealLogins } from "../jobs/vault";
import { assertCanSeeJob } from "../jobs/access";

const Login = z
  .object({
    id: z.string().uuid(),
    submissionId: z.string().uuid(),
    directoryId: z.string().uuid(),
    directoryName: z.string(),
    loginUrl: z.string(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    createdAt: z.string(),
    reveals: z.number().int().openapi({ description: "How often its password was shown (customer or staff)" }),
    lastRevealedAt: z.string().nullable(),
    password: z.string().optional().openapi({ description: "Only with `passwords=include` (recorded as an export)" }),
  })
  .openapi("VaultLogin");

const Revealed = z.object({ loginId: z.string().uuid(), password: z.string(), revealedAt: z.string().openapi({ description: "When the reveal was recorded" }) }).openapi("RevealedLogin");

const vaultDown = { 503: jsonError("The vault's keys are missing or do not open this login") };

const list = createRoute({
  method: "get",
  path: "/{id}/logins",
  tags: ["jobs"],
  summary: "The logins the job created at directories (passwords only on request, and then recorded)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: {
    params: uuidParams({ id: "job" }),
    query: z.object({
      passwords: z.enum(["include"]).optional().openapi({ description: "`include`: every password too, each recorded as an export" }),
    }),
  },
  responses: {
    200: jsonAnswer("The job's logins", z.object({ logins: z.array(Login) })),
    ...signedIn,
    400: jsonError("Not a job id, or an unknown `passwords` value"),
    404: jsonError("No such job (or not yours)"),
    ...vaultDown,
  },
});

const reveal = createRoute({
  method: "post",
  path: "/{id}/logins/{loginId}/reveal",
  tags: ["jobs"],
  summary: "One login's password, the reveal recorded",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job", loginId: "login" }) },
  responses: {
    200: jsonAnswer("The password", Revealed),
    ...signedIn,
    400: jsonError("Not a job or login id"),
    404: jsonError("No such job (or not yours), or no such login in it"),
    ...vaultDown,
  },
});

export const jobLogins = newApiApp<AuthVariables>()
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const { passwords } = c.req.valid("query");
    const user = c.get("user");
    await assertCanSeeJob(c.env, user, id);
    const logins = await withDatabase(c.env, async ({ db }) =>
      passwords === "include" ? (await revealLogins(c.env, db, user, id, "export")).map(({ revealedAt: _, ...login }) => login) : listLogins(db, id),
    );
    c.header("cache-control", "no-store");
    return c.json({ logins }, 200);
  })
  .openapi(reveal, async (c) => {
    const { id, loginId } = c.req.valid("param");
    const user = c.get("user");
    await assertCanSeeJob(c.env, user, id);
    const [login] = await withDatabase(c.env, ({ db }) => revealLogins(c.env, db, user, id, "reveal", loginId));
    c.header("cache-control", "no-store");
    return c.json({ loginId: login!.id, password: login!.password, revealedAt: login!.revealedAt }, 200);
  });
