/**
 * The proof packs' public keys (docs/proof-packs.md), for anyone to check a
 * pack with: public, cacheable, readable from any origin.
 * - `GET /.well-known/directorybolt-proof-keys.json` → a JWK set (RFC 7517):
 *   the current key and the retired ones (`PROOF_RETIRED_KEYS`), each key's
 *   `kid` its RFC 7638 thumbprint, which a pack's manifest names;
 * - `GET /.well-known/directorybolt-proof-key.pem[?kid=…]` → the current key
 *   (or the one named) as PEM, what `openssl pkeyutl -verify -pubin -inkey` reads.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp } from "../http/openapi";
import { publicProofKey, publishedProofKeys } from "../proof/signing-key";
import { PROOF_KEY_PEM_PATH, PROOF_KEYS_PATH, publicKeyPem } from "../../core/proof-pack";

const PUBLIC_HEADERS = { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" };
const WELL_KNOWN = "/.well-known";

const JwkSet = z
  .object({
    keys: z.array(z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string().optional(), use: z.string().optional(), alg: z.string().optional() })),
  })
  .openapi("ProofKeys");

const keys = createRoute({
  method: "get",
  path: PROOF_KEYS_PATH.slice(WELL_KNOWN.length),
  tags: ["proof"],
  summary: "The public keys that sign proof packs (a JWK set): the current one first, then retired ones",
  responses: { 200: jsonAnswer("The keys; empty when this deployment signs none", JwkSet) },
});

const pem = createRoute({
  method: "get",
  path: PROOF_KEY_PEM_PATH.slice(WELL_KNOWN.length),
  tags: ["proof"],
  summary: "A proof-pack signing key as PEM (for openssl): the current one, or the one `kid` names",
  request: {
    query: z.object({
      kid: z.string().max(100).optional().openapi({ description: "A key id of the key set (a pack's manifest names its key's); default the current key" }),
    }),
  },
  responses: {
    200: { description: "The public key", content: { "text/plain": { schema: z.string() } } },
    400: jsonError("A malformed query"),
    404: jsonError("No such key (or this deployment signs no proof packs)"),
  },
});

export const wellKnown = newApiApp()
  .openapi(keys, async (c) => c.json({ keys: await publishedProofKeys(c.env) }, 200, PUBLIC_HEADERS))
  .openapi(pem, async (c) => {
    const { kid } = c.req.valid("query");
    const key = kid === undefined ? await publicProofKey(c.env) : (await publishedProofKeys(c.env)).find((k) => k.kid === kid);
    if (!key) throw new ApiError(404, "not_found", kid === undefined ? "This deployment signs no proof packs" : "No published key has that id");
    return c.text(publicKeyPem(key), 200, PUBLIC_HEADERS);
  });

export { WELL_KNOWN };
