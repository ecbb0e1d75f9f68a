/**
 * The proof packs' public keys (docs/proof-packs.md), for anyone to check a
 * pack with: public, cacheable, readable from any origin.
 * - `GET /.well-known/directorybolt-proof-keys.json` → a JWK set (RFC 7517),
 *   each key's `kid` its RFC 7638 thumbprint, which a pack's manifest names;
 * - `GET /.well-known/directorybolt-proof-key.pem` → the current key as PEM,
 *   what `openssl pkeyutl -verify -pubin -inkey` reads.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp } from "../http/openapi";
import { publicProofKey } from "../proof/signing-key";
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
  summary: "The public keys that sign proof packs (a JWK set)",
  responses: { 200: jsonAnswer("The keys; empty when this deployment signs none", JwkSet) },
});

const pem = createRoute({
  method: "get",
  path: PROOF_KEY_PEM_PATH.slice(WELL_KNOWN.length),
  tags: ["proof"],
  summary: "The current proof-pack signing key as PEM (for openssl)",
  responses: {
    200: { description: "The public key", content: { "text/plain": { schema: z.string() } } },
    404: jsonError("This deployment signs no proof packs"),
  },
});

export const wellKnown = newApiApp()
  .openapi(keys, async (c) => {
    const key = await publicProofKey(c.env);
    return c.json({ keys: key ? [key] : [] }, 200, PUBLIC_HEADERS);
  })
  .openapi(pem, async (c) => {
    const key = await publicProofKey(c.env);
    if (!key) throw new ApiError(404, "not_found", "This deployment signs no proof packs");
    return c.text(publicKeyPem(key), 200, PUBLIC_HEADERS);
  });

export { WELL_KNOWN };
