/**
 * The service's proof-pack signing key: the Worker secret `PROOF_SIGNING_KEY`,
 * an Ed25519 private key as PKCS#8 PEM (what `openssl genpkey -algorithm
 * ed25519` writes) or as a JWK (`{"kty":"OKP","crv":"Ed25519","x":…,"d":…}`).
 * Its public half is published under /.well-known/ and its id is the RFC
 * 7638 thumbprint, so nothing else needs configuring and anyone can
 * recompute the id from the public key.
 */
import { ApiError } from "../http/errors";
import { parsePublicKeys, proofKeyId, type ProofPublicJwk } from "../../core/proof-pack";

export interface SigningKey {
  keyId: string;
  publicJwk: ProofPublicJwk;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

interface PrivateJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  d: string;
}

const isPrivateJwk = (jwk: Record<string, unknown>): boolean => jwk.kty === "OKP" && jwk.crv === "Ed25519" && typeof jwk.x === "string" && typeof jwk.d === "string";

/** The secret as a private JWK (a PEM is imported and exported once to learn its public half), or null. */
async function privateJwk(secret: string | undefined): Promise<PrivateJwk | null> {
  const text = secret?.trim();
  if (!text) return null;
  try {
    let jwk: Record<string, unknown>;
    const pem = /^-----BEGIN PRIVATE KEY-----([\s\S]+)-----END PRIVATE KEY-----$/.exec(text);
    if (pem) {
      const der = Uint8Array.from(atob(pem[1]!.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0));
      const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, true, ["sign"]);
      jwk = (await crypto.subtle.exportKey("jwk", key)) as unknown as Record<string, unknown>;
    } else {
      jwk = JSON.parse(text) as Record<string, unknown>;
    }
    if (!isPrivateJwk(jwk)) return null;
    return { kty: "OKP", crv: "Ed25519", x: jwk.x as string, d: jwk.d as string };
  } catch {
    return null;
  }
}

async function publicOf(jwk: PrivateJwk): Promise<ProofPublicJwk> {
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: await proofKeyId(jwk), use: "sig", alg: "EdDSA" };
}

/** The public key of the configured secret, or null when none (or a malformed one) is set. */
export async function publicProofKey(env: Pick<Env, "PROOF_SIGNING_KEY">): Promise<ProofPublicJwk | null> {
  const jwk = await privateJwk(env.PROOF_SIGNING_KEY);
  return jwk ? publicOf(jwk) : null;
}

/**
 * Every key a pack of this deployment may be signed with: the current one
 * first, then the retired ones of `PROOF_RETIRED_KEYS` (after a rotation,
 * older packs still check against the published set), each once.
 */
export async function publishedProofKeys(env: Pick<Env, "PROOF_SIGNING_KEY" | "PROOF_RETIRED_KEYS">): Promise<ProofPublicJwk[]> {
  const current = await publicProofKey(env);
  const retired = await Promise.all(
    parsePublicKeys(env.PROOF_RETIRED_KEYS ?? "").map(async (k): Promise<ProofPublicJwk> => ({ kty: "OKP", crv: "Ed25519", x: k.x, kid: await proofKeyId(k), use: "sig", alg: "EdDSA" })),
  );
  const keys = current ? [current, ...retired] : retired;
  return keys.filter((k, i) => keys.findIndex((other) => other.kid === k.kid) === i);
}

/** The signing key, or a 503: packs cannot be made without it, and that is ours to fix, not the caller's. */
export async function proofSigningKey(env: Pick<Env, "PROOF_SIGNING_KEY">): Promise<SigningKey> {
  const jwk = await privateJwk(env.PROOF_SIGNING_KEY);
  if (!jwk) throw new ApiError(503, "proof_signing_unconfigured", "Proof packs cannot be signed: PROOF_SIGNING_KEY is not an Ed25519 private key");
  const publicJwk = await publicOf(jwk);
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
  return {
    keyId: publicJwk.kid!,
    publicJwk,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, data as Uint8Array<ArrayBuffer>));
    },
  };
}
