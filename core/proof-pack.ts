/**
 * The proof pack (docs/proof-packs.md): one zip per job with, per directory,
 * the screenshots and a record of the submission (final URL, confirmation
 * text, timestamps), and a manifest of every file's SHA-256 signed with the
 * service's Ed25519 key. Shared by the Worker that writes packs (src/proof/)
 * and the offline checker (`npm run proof:verify`, tools/proof-verify.ts), so
 * both read the format from one place. Web Crypto only: runs in workerd and
 * in Node alike.
 *
 * Layout, all under one folder `directorybolt-proof-<jobId>/`:
 * - `README.txt`, `job.json`, `public-key.pem`, and per directory
 *   `directories/<NNN>-<slug>/submission.json` and its `<attempt>-<kind>.png`;
 * - `manifest.json`: every file above with its SHA-256 and size (the job id,
 *   business, plan, generated-at and key id beside them);
 * - `manifest.sig`: the raw 64-byte Ed25519 signature over manifest.json's
 *   exact bytes (what `openssl pkeyutl -verify -rawin` reads);
 * - `SHA256SUMS` (the same hashes in `sha256sum -c` form) and
 *   `SHA256SUMS.sig`, its signature, so standard tools alone check a pack.
 */
import { unzipSync } from "fflate";

export const PROOF_PACK_FORMAT = "directorybolt-proof-pack/1";
/** Where the Worker publishes its public keys (a JWK set) and the current one as PEM. */
export const PROOF_KEYS_PATH = "/.well-known/directorybolt-proof-keys.json";
export const PROOF_KEY_PEM_PATH = "/.well-known/directorybolt-proof-key.pem";
/** The files that carry the signature and hashes: every other file is listed in the manifest. */
export const SIGNATURE_FILES = ["manifest.json", "manifest.sig", "SHA256SUMS", "SHA256SUMS.sig"] as const;

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/** What a replacement replaces, and why that one ended (issue 17): in the manifest and in the directory's submission.json alike. */
export interface PackReplaces {
  submissionId: string;
  directory: string | null;
  reason: string | null;
}

/** A live listing's latest survival check (issue 19); `screenshot` is a file in the directory's folder. */
export interface PackCheck {
  id: string;
  checkedAt: string | null;
  milestoneDays: number;
  verdict: string | null;
  differences: string[];
  detail: string | null;
  screenshot: string | null;
}

/** One directory of the pack, as signed in the manifest; its folder's submission.json says the same. */
export interface ManifestListing {
  folder: string;
  submissionId: string;
  directory: string;
  status: string;
  replaces: PackReplaces | null;
  lastCheck: PackCheck | null;
}

export interface ProofManifest {
  format: typeof PROOF_PACK_FORMAT;
  jobId: string;
  businessName: string | null;
  plan: string;
  jobStatus: string;
  generatedAt: string;
  keyId: string;
  files: ManifestFile[];
  /** Packs made since 2026-12-07: each directory, what it replaces, its latest check; and the live count after the checks. */
  listings?: ManifestListing[];
  listingCare?: { live: number; checked: number; flagged: number };
}

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface ProofPublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
  use?: string;
  alg?: string;
}

export const packFolder = (jobId: string) => `directorybolt-proof-${jobId}`;

const encoder = new TextEncoder();

/** The manifest's bytes as signed and stored: indented for people, one trailing newline. */
export function manifestBytes(manifest: ProofManifest): Uint8Array {
  return encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** `sha256sum` output for the listed files (two spaces: text mode, as GNU sha256sum writes it). */
export function sha256Sums(files: ManifestFile[]): Uint8Array {
  return encoder.encode(files.map((f) => `${f.sha256}  ${f.path}\n`).join(""));
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

/** The key id: the JWK thumbprint (RFC 7638, SHA-256), so anyone can recompute it from the public key. */
export async function proofKeyId(jwk: Pick<ProofPublicJwk, "crv" | "kty" | "x">): Promise<string> {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`;
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(canonical))));
}

/** Ed25519's SubjectPublicKeyInfo is this fixed DER prefix and the 32 key bytes (RFC 8410). */
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** The public key as PEM, what `openssl pkeyutl -pubin -inkey` reads. */
export function publicKeyPem(jwk: Pick<ProofPublicJwk, "x">): string {
  const der = new Uint8Array([...SPKI_PREFIX, ...fromBase64url(jwk.x)]);
  return `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...der))}\n-----END PUBLIC KEY-----\n`;
}

/** The JWK of an Ed25519 PEM public key, or null when it is not one. */
export function jwkFromPem(pem: string): ProofPublicJwk | null {
  const body = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  if (!body) return null;
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(body.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  if (der.length !== 44 || SPKI_PREFIX.some((b, i) => der[i] !== b)) return null;
  return { kty: "OKP", crv: "Ed25519", x: base64url(der.slice(12)) };
}

/** The keys of a JWK set (or one JWK, or a PEM) given as text; Ed25519 keys only. */
export function parsePublicKeys(text: string): ProofPublicJwk[] {
  if (text.includes("-----BEGIN PUBLIC KEY-----")) {
    const jwk = jwkFromPem(text);
    return jwk ? [jwk] : [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (parsed as { keys?: unknown }).keys ?? [parsed];
  return (Array.isArray(list) ? list : []).filter(
    (k): k is ProofPublicJwk => typeof k === "object" && k !== null && (k as ProofPublicJwk).kty === "OKP" && (k as ProofPublicJwk).crv === "Ed25519" && typeof (k as ProofPublicJwk).x === "string",
  );
}

export async function verifySignature(jwk: ProofPublicJwk, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    const key = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

export interface ProofVerification {
  ok: boolean;
  /** Each thing that does not hold, in words; empty when ok. */
  problems: string[];
  manifest: ProofManifest | null;
  /** Whose key checked the signatures: one of the keys given, or the pack's own public-key.pem. */
  keySource: "given" | "embedded" | null;
  filesChecked: number;
}

/**
 * The signed listings against the directories' own files: each folder's
 * submission.json names the same submission, replacement and latest check,
 * a check's screenshot is a listed file, and a replacement replaces a
 * directory of this pack.
 */
function listingProblems(manifest: ProofManifest, files: Map<string, Uint8Array>, listed: Set<string>): string[] {
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const ids = new Set((manifest.listings ?? []).map((l) => l.submissionId));
  for (const l of manifest.listings ?? []) {
    const path = `${l.folder}/submission.json`;
    const bytes = listed.has(path) ? files.get(path) : undefined;
    if (!bytes) {
      problems.push(`${path}, named by the manifest's listings, is not in the pack`);
      continue;
    }
    let record: { submission?: { id?: string }; replaces?: unknown; lastCheck?: unknown };
    try {
      record = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      problems.push(`${path} is not JSON`);
      continue;
    }
    if (record.submission?.id !== l.submissionId) problems.push(`${path} is not submission ${l.submissionId}`);
    if (!same(record.replaces, l.replaces)) problems.push(`${path} and the manifest differ on what it replaces`);
    if (!same(record.lastCheck, l.lastCheck)) problems.push(`${path} and the manifest differ on its latest check`);
    if (l.replaces && !ids.has(l.replaces.submissionId)) problems.push(`${l.folder} replaces ${l.replaces.submissionId}, which is not in the pack`);
    if (l.lastCheck?.screenshot && !listed.has(`${l.folder}/${l.lastCheck.screenshot}`)) problems.push(`${l.folder}/${l.lastCheck.screenshot}, the check's screenshot, is not in the manifest`);
  }
  return problems;
}

function isManifest(value: unknown): value is ProofManifest {
  const m = value as ProofManifest;
  return (
    typeof m === "object" &&
    m !== null &&
    m.format === PROOF_PACK_FORMAT &&
    typeof m.jobId === "string" &&
    typeof m.keyId === "string" &&
    Array.isArray(m.files) &&
    m.files.every((f) => typeof f?.path === "string" && typeof f.sha256 === "string" && Number.isInteger(f.size))
  );
}

/**
 * Checks a pack: its signatures with one of `keys` (or, with none given, the
 * key the pack carries, whose id must be the manifest's key id: that proves
 * integrity, and who signed is then the key id to compare with the published
 * one), every file's size and SHA-256 against the manifest, SHA256SUMS
 * against the manifest, and that the pack holds nothing else.
 */
export async function verifyProofPack(zip: Uint8Array, keys: ProofPublicJwk[] | null): Promise<ProofVerification> {
  const problems: string[] = [];
  const fail = (problem: string, manifest: ProofManifest | null = null): ProofVerification => ({ ok: false, problems: [problem, ...problems], manifest, keySource: null, filesChecked: 0 });
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (err) {
    return fail(`not a readable zip archive (${(err as Error).message})`);
  }
  const names = Object.keys(entries).filter((name) => !name.endsWith("/"));
  const root = names[0]?.split("/")[0] ?? "";
  if (!root || names.some((name) => !name.startsWith(`${root}/`))) return fail("the archive is not one folder of files");
  const files = new Map(names.map((name) => [name.slice(root.length + 1), entries[name]!]));

  const manifestRaw = files.get("manifest.json");
  if (!manifestRaw) return fail("manifest.json is missing");
  let manifest: ProofManifest;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(manifestRaw));
    if (!isManifest(parsed)) return fail("manifest.json is not a proof pack manifest");
    manifest = parsed;
  } catch {
    return fail("manifest.json is not JSON");
  }
  if (root !== packFolder(manifest.jobId)) problems.push(`the folder ${root} is not the one of job ${manifest.jobId}`);

  let key: ProofPublicJwk | undefined;
  let keySource: ProofVerification["keySource"] = null;
  if (keys) {
    for (const k of keys) if ((await proofKeyId(k)) === manifest.keyId) key = k;
    if (!key) return fail(`the pack was signed with key ${manifest.keyId}, which is not among the keys given`, manifest);
    keySource = "given";
  } else {
    const embedded = jwkFromPem(new TextDecoder().decode(files.get("public-key.pem") ?? new Uint8Array()));
    if (!embedded) return fail("no key given and the pack carries no public-key.pem", manifest);
    if ((await proofKeyId(embedded)) !== manifest.keyId) return fail(`public-key.pem is not key ${manifest.keyId} that the manifest names`, manifest);
    key = embedded;
    keySource = "embedded";
  }

  if (!(await verifySignature(key, files.get("manifest.sig") ?? new Uint8Array(), manifestRaw))) problems.push("manifest.sig is not a valid signature of manifest.json");
  const sums = files.get("SHA256SUMS");
  if (!sums) problems.push("SHA256SUMS is missing");
  else {
    if (!(await verifySignature(key, files.get("SHA256SUMS.sig") ?? new Uint8Array(), sums))) problems.push("SHA256SUMS.sig is not a valid signature of SHA256SUMS");
    const expected = sha256Sums(manifest.files);
    if (sums.length !== expected.length || sums.some((b, i) => b !== expected[i])) problems.push("SHA256SUMS does not list exactly the manifest's files and hashes");
  }

  const listed = new Set<string>();
  let filesChecked = 0;
  for (const f of manifest.files) {
    if (listed.has(f.path)) problems.push(`${f.path} is listed twice`);
    listed.add(f.path);
    const bytes = files.get(f.path);
    if (!bytes) {
      problems.push(`${f.path} is missing`);
      continue;
    }
    filesChecked++;
    if (bytes.length !== f.size) problems.push(`${f.path} has ${bytes.length} bytes, the manifest says ${f.size}`);
    else if ((await sha256Hex(bytes)) !== f.sha256) problems.push(`${f.path} does not match its SHA-256 in the manifest`);
  }
  for (const name of files.keys()) {
    if (!listed.has(name) && !(SIGNATURE_FILES as readonly string[]).includes(name)) problems.push(`${name} is in the pack but not in the manifest`);
  }
  for (const name of SIGNATURE_FILES) if (!files.has(name) && name !== "SHA256SUMS") problems.push(`${name} is missing`);
  if (manifest.listings) problems.push(...listingProblems(manifest, files, listed));
  return { ok: problems.length === 0, problems, manifest, keySource, filesChecked };
}
