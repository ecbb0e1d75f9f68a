/**
 * Signatures of outgoing webhooks, in Stripe's scheme: the header
 * `DirectoryBolt-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the
 * HMAC is over `${t}.${body}` with the endpoint's secret. The timestamp inside
 * the signed text lets a receiver refuse replays older than its tolerance.
 * `verifyWebhookSignature` is what docs/webhooks.md tells agencies to do.
 */
export const SIGNATURE_HEADER = "DirectoryBolt-Signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The header value for `body` signed at `timestamp` (unix seconds). */
export async function signWebhookBody(secret: string, body: string, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: "malformed_header" | "stale_timestamp" | "bad_signature" };

/** Checks a received header against the raw body (any `v1` may match: secrets can overlap while rotated). */
export async function verifyWebhookSignature(header: string, body: string, secret: string, options: { toleranceSeconds?: number; now?: number } = {}): Promise<VerifyResult> {
  const parts = header.split(",").map((p) => p.trim().split("=", 2) as [string, string?]);
  const t = parts.find(([k]) => k === "t")?.[1];
  const signatures = parts.filter(([k, v]) => k === "v1" && v).map(([, v]) => v!);
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { ok: false, reason: "malformed_header" };
  const timestamp = Number(t);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: "stale_timestamp" };
  const expected = await hmacHex(secret, `${t}.${body}`);
  return signatures.some((s) => equalHex(s, expected)) ? { ok: true, timestamp } : { ok: false, reason: "bad_signature" };
}

/** A new endpoint secret: `whsec_` and 32 random bytes in hex (shown to the customer once). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
