/**
 * The login vault's encryption: AES-256-GCM through Web Crypto (the same in
 * both Workers and in Node), with keys from the `VAULT_KEYS` secret.
 *
 * `VAULT_KEYS` is a comma-separated list of `id:base64` pairs, the current
 * key first (e.g. `k2:…,k1:…`). Every sealed secret carries the id of the
 * key that sealed it, so a rotation only adds a key in front: new secrets are
 * sealed with it and old ones still open with theirs. A key id is 1 to 32 of
 * [A-Za-z0-9_-]; a key is 32 bytes (256 bits).
 *
 * The sealed form binds its context (`aad`: the job, the submission) as
 * additional authenticated data, so a ciphertext moved to another record
 * does not open there.
 */

export interface VaultKey {
  id: string;
  key: CryptoKey;
}

export interface VaultKeyring {
  /** The key new secrets are sealed with. */
  current: VaultKey;
  byId: Map<string, VaultKey>;
}

/** A secret as it is stored: base64 of the 12-byte IV and of the ciphertext (with its GCM tag). */
export interface SealedSecret {
  keyId: string;
  iv: string;
  ciphertext: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The `id:base64` pairs of a `VAULT_KEYS` value, checked (never the key material in an error). */
export function parseVaultKeys(value: string | undefined): { id: string; raw: Uint8Array<ArrayBuffer> }[] {
  const pairs = (value ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (pairs.length === 0) throw new Error("VAULT_KEYS is not set (id:base64 pairs, the current key first)");
  const seen = new Set<string>();
  return pairs.map((pair, i) => {
    const at = pair.indexOf(":");
    const id = at > 0 ? pair.slice(0, at) : "";
    if (!KEY_ID.test(id)) throw new Error(`VAULT_KEYS entry ${i + 1} has no valid key id`);
    if (seen.has(id)) throw new Error(`VAULT_KEYS names key id ${id} twice`);
    seen.add(id);
    let raw: Uint8Array<ArrayBuffer>;
    try {
      raw = fromBase64(pair.slice(at + 1));
    } catch {
      throw new Error(`VAULT_KEYS key ${id} is not base64`);
    }
    if (raw.length !== 32) throw new Error(`VAULT_KEYS key ${id} must be 32 bytes (it is ${raw.length})`);
    return { id, raw };
  });
}

/** The key ids of a `VAULT_KEYS` value; empty when it is missing or malformed. */
export function vaultKeyIds(value: string | undefined): Set<string> {
  try {
    return new Set(parseVaultKeys(value).map((k) => k.id));
  } catch {
    return new Set();
  }
}

const imported = new Map<string, Promise<VaultKeyring>>();

/** The keyring of a `VAULT_KEYS` value (imported once per isolate and value). */
export function vaultKeyring(value: string | undefined): Promise<VaultKeyring> {
  const cacheKey = value ?? "";
  let ring = imported.get(cacheKey);
  if (!ring) {
    ring = (async () => {
      const keys = await Promise.all(parseVaultKeys(value).map(async ({ id, raw }) => ({ id, key: await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]) })));
      return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
    })();
    // A bad value is not cached: the error is thrown again on the next call.
    ring.catch(() => imported.delete(cacheKey));
    imported.set(cacheKey, ring);
  }
  return ring;
}

const encoder = new TextEncoder();

/** Seals `secret` with the keyring's current key, bound to `aad`. */
export async function seal(ring: VaultKeyring, secret: string, aad: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(aad) }, ring.current.key, encoder.encode(secret));
  return { keyId: ring.current.id, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(ciphertext)) };
}

/** Opens a sealed secret with the key its id names; throws when the key is unknown or the data or its context do not match. */
export async function unseal(ring: VaultKeyring, sealed: SealedSecret, aad: string): Promise<string> {
  const key = ring.byId.get(sealed.keyId);
  if (!key) throw new Error(`no vault key with id ${sealed.keyId}`);
  const clear = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(sealed.iv), additionalData: encoder.encode(aad) }, key.key, fromBase64(sealed.ciphertext));
  return new TextDecoder().decode(clear);
}

/** The context a login's password is bound to. */
export const loginAad = (jobId: string, submissionId: string) => `directorybolt-login:${jobId}:${submissionId}`;
