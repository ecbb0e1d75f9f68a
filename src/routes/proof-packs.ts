/**
 * A job's proof pack (docs/proof-packs.md), for its customer and staff:
 * - `POST /api/jobs/:id/proof-pack` → makes the pack now (replacing the
 *   stored one); a second request within a minute of the last pack answers
 *   that one instead of making it again (a double click costs nothing);
 * - `GET /api/jobs/:id/proof-pack` → the zip.
 * Packs are also made at completion by the cron (src/proof/at-completion.ts).
 * Anyone else gets the 404 of a job that does not exist.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { assertCanSeeJob } from "../jobs/access";
import { buildProofPack, proofPackKey, storedProofPack, type ProofPackInfo } from "../proof/build";

/** A pack this recent is answered as it is rather than made again. */
export const REMAKE_AFTER_MS = 60_000;

const ProofPack = z
  .object({
    jobId: z.string().uuid(),
    generatedAt: z.string().openapi({ format: "date-time" }),
    keyId: z.string().openapi({ description: "The signing key's id (its RFC 7638 thumbprint), one of /.well-known/directorybolt-proof-keys.json" }),
    size: z.number().int().openapi({ description: "Bytes of the zip" }),
    jobCompletedAt: z.string().nullable().openapi({ description: "The job's completion the pack covers; null when made before it completed" }),
    url: z.string().openapi({ description: "Where to download it" }),
  })
  .openapi("ProofPack");

const JobParams = uuidParams({ id: "job" });

const make = createRoute({
  method: "post",
  path: "/{id}/proof-pack",
  tags: ["jobs"],
  summary: "Make the job's proof pack now (screenshots, records and a signed manifest)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: JobParams },
  responses: {
    200: jsonAnswer("A pack made less than a minute ago, answered instead of a new one", ProofPack),
    201: jsonAnswer("The new pack", ProofPack),
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours)"),
    503: jsonError("No signing key is configured"),
  },
});

const download = createRoute({
  method: "get",
  path: "/{id}/proof-pack",
  tags: ["jobs"],
  summary: "Download the job's proof pack (a zip)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: JobParams },
  responses: {
    200: { description: "The pack", content: { "application/zip": { schema: z.string().openapi({ format: "binary" }) } } },
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours), or no pack made yet"),
  },
});

const answer = (info: ProofPackInfo) => ({ ...info, url: `/api/jobs/${info.jobId}/proof-pack` });

export const proofPacks = newApiApp<AuthVariables>()
  .openapi(make, async (c) => {
    const { id } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const stored = await storedProofPack(c.env.EVIDENCE, id);
    if (stored && Date.now() - Date.parse(stored.generatedAt) < REMAKE_AFTER_MS) return c.json(answer(stored), 200);
    const made = await buildProofPack(c.env, id);
    if (!made) throw new ApiError(404, "not_found", "No such job");
    return c.json(answer(made), 201);
  })
  .openapi(download, async (c) => {
    const { id } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const object = await c.env.EVIDENCE.get(proofPackKey(id));
    if (!object) throw new ApiError(404, "no_proof_pack", "No proof pack for this job yet: POST to this address makes one");
    return new Response(object.body, {
      headers: {
        "content-type": "application/zip",
        "content-length": String(object.size),
        "content-disposition": object.httpMetadata?.contentDisposition ?? `attachment; filename="directorybolt-proof-${id}.zip"`,
        "cache-control": "private, no-cache",
      },
    });
  });
