/**
 * Proof packs (docs/proof-packs.md): a job run to completion through its
 * coordinator, with screenshots in R2, gets a pack that verifies against the
 * key published under /.well-known/; one changed byte anywhere in a file or
 * in the manifest fails; only the job's customer and staff may make or
 * download it; the cron makes it once per completion.
 */
import { env, exports } from "cloudflare:workers";
import { unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { evidenceKey } from "../../core/evidence-keys";
import { parsePublicKeys, PROOF_KEY_PEM_PATH, PROOF_KEYS_PATH, proofKeyId, verifyProofPack, verifySignature, type ProofManifest, type ProofPublicJwk } from "../../core/proof-pack";
import type { TaskMessage } from "../../core/protocol/tasks";
import { app } from "../../src/app";
import { runScheduled } from "../../src/scheduled";
import { buildProofPack, proofPackKey } from "../../src/proof/build";
import { proofSigningKey } from "../../src/proof/signing-key";
import { headersOf, newPeople, type People } from "./support/actors";
import { captureReleases, consume, settled, stubFor } from "./support/coordinator-harness";
import { count } from "./support/purchase";
import { seedJob, type SeededJob } from "./support/seed";

const call = (path: string, init: RequestInit = {}) => exports.default.fetch(`http://localhost${path}`, init);

/** A PNG's first bytes and some body, different per submission; `bytes` long with noise when given. */
function png(seed: string, bytes = 0): Uint8Array {
  const head = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(`screenshot of ${seed}`)]);
  if (bytes <= head.length) return head;
  const out = new Uint8Array(bytes);
  for (let i = head.length; i < bytes; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(bytes, i + 65_536)));
  out.set(head);
  return out;
}

/** A three-directory job run to its end: two submitted with screenshots, one failed with one. */
async function completedJob(screenshotBytes = 0): Promise<SeededJob> {
  const job = await seedJob({ directories: 3 });
  const [a, b, c] = job.submissionIds as [string, string, string];
  await env.EVIDENCE.put(evidenceKey(job.jobId, a, 1, "submitted"), png(a, screenshotBytes), {
    customMetadata: { finalUrl: "https://d0.example/thanks", confirmation: "Thank you, your listing is under review" },
  });
  await env.EVIDENCE.put(evidenceKey(job.jobId, b, 1, "submitted"), png(b, screenshotBytes), { customMetadata: { finalUrl: "https://d1.example/done", confirmation: "Listing received" } });
  await env.EVIDENCE.put(evidenceKey(job.jobId, c, 1, "failed"), png(c, screenshotBytes), { customMetadata: { finalUrl: "https://d2.example/gone", confirmation: "404 Not Found" } });
  const released: TaskMessage[] = [];
  await captureReleases(job.jobId, released);
  await stubFor(job.jobId).start(job.jobId);
  await consume(job.jobId, released, (m) =>
    m.submissionId === c
      ? { outcome: "failed", failureClass: "site_gone", reason: "404 Not Found", evidenceKey: evidenceKey(job.jobId, c, m.attempt, "failed") }
      : { outcome: "submitted", listingUrl: `https://listing.example/${m.submissionId}`, evidenceKey: evidenceKey(job.jobId, m.submissionId, m.attempt, "submitted") },
  );
  await settled(job.jobId);
  return job;
}

async function publishedKeys(): Promise<ProofPublicJwk[]> {
  const res = await call(PROOF_KEYS_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("public");
  return parsePublicKeys(await res.text());
}

async function makeAndDownload(jobId: string, people: People): Promise<Uint8Array> {
  const made = await call(`/api/jobs/${jobId}/proof-pack`, { method: "POST", headers: await headersOf("customerA", people) });
  expect([200, 201]).toContain(made.status);
  const res = await call(`/api/jobs/${jobId}/proof-pack`, { headers: await headersOf("customerA", people) });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/zip");
  return new Uint8Array(await res.arrayBuffer());
}

/** The offset of `needle` in `hay` (a stored zip entry's bytes appear as they are). */
function offsetOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe("proof packs", () => {
  let job: SeededJob;
  let people: People;
  let zip: Uint8Array;
  let keys: ProofPublicJwk[];

  beforeAll(async () => {
    job = await completedJob();
    people = newPeople(job.userId);
    zip = await makeAndDownload(job.jobId, people);
    keys = await publishedKeys();
  });

  it("a pack of a completed job verifies with the published key and holds each directory's evidence", async () => {
    const result = await verifyProofPack(zip, keys);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.keySource).toBe("given");
    const manifest = result.manifest as ProofManifest;
    expect(manifest).toMatchObject({ jobId: job.jobId, plan: "starter", jobStatus: "completed", keyId: keys[0]!.kid });
    expect(manifest.businessName).toMatch(/^Bäckerei /);
    const paths = manifest.files.map((f) => f.path);
    expect(paths.filter((p) => p.endsWith("/submission.json"))).toHaveLength(3);
    expect(paths.filter((p) => p.endsWith(".png")).sort()).toHaveLength(3);
    expect(paths).toEqual(expect.arrayContaining(["README.txt", "job.json", "public-key.pem"]));

    const files = unzipSync(zip);
    const folder = `directorybolt-proof-${job.jobId}`;
    const records = Object.entries(files)
      .filter(([name]) => name.endsWith("/submission.json"))
      .map(([, bytes]) => JSON.parse(new TextDecoder().decode(bytes)));
    const failed = records.find((r) => r.submission.status === "failed");
    expect(failed.screenshots).toEqual([expect.objectContaining({ file: "1-failed.png", attempt: 1, kind: "failed", finalUrl: "https://d2.example/gone", confirmation: "404 Not Found" })]);
    const submitted = records.filter((r) => r.submission.status === "submitted");
    expect(submitted).toHaveLength(2);
    for (const r of submitted) {
      expect(r.submission.listingUrl).toBe(`https://listing.example/${r.submission.id}`);
      expect(Date.parse(r.submission.submittedAt)).not.toBeNaN();
      expect(Date.parse(r.screenshots[0].takenAt)).not.toBeNaN();
      expect(r.events.map((e: { kind: string }) => e.kind).length).toBeGreaterThan(0);
    }
    // The screenshot in the pack is the very object in R2.
    const shotPath = paths.find((p) => p.endsWith("1-failed.png"))!;
    const original = await env.EVIDENCE.get(evidenceKey(job.jobId, failed.submission.id, 1, "failed"));
    expect(files[`${folder}/${shotPath}`]).toEqual(new Uint8Array(await original!.arrayBuffer()));
    // What openssl is given: the PEM of the published key, and a raw 64-byte signature.
    const pem = await call(PROOF_KEY_PEM_PATH);
    expect(await pem.text()).toBe(new TextDecoder().decode(files[`${folder}/public-key.pem`]));
    expect(files[`${folder}/manifest.sig`]).toHaveLength(64);
  });

  it("one changed byte in any file of the pack, the manifest or a signature fails verification", async () => {
    const files = unzipSync(zip);
    const names = Object.keys(files);
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      const bytes = files[name]!;
      // Flipped in the archive itself, the way a tampered download would arrive.
      const at = offsetOf(zip, bytes);
      expect(at, name).toBeGreaterThan(0);
      for (const where of [0, bytes.length >> 1, bytes.length - 1]) {
        const tampered = zip.slice();
        tampered[at + where]! ^= 0x01;
        const result = await verifyProofPack(tampered, keys);
        expect(result.ok, `${name} byte ${where}`).toBe(false);
        expect(result.problems.length, name).toBeGreaterThan(0);
      }
    }
    // And rebuilt as a fresh, well-formed zip around the changed file (no zip checksum to trip on).
    const manifestName = `directorybolt-proof-${job.jobId}/manifest.json`;
    // Still a well-formed manifest: the business name's first letter in lower case.
    const nameAt = offsetOf(files[manifestName]!, new TextEncoder().encode("Bäckerei"));
    const changed = { ...files, [manifestName]: files[manifestName]!.map((b, i) => (i === nameAt ? b ^ 0x20 : b)) };
    const rezipped = await verifyProofPack(zipSync(changed, { level: 0 }), keys);
    expect(rezipped.problems).toContain("manifest.sig is not a valid signature of manifest.json");
    const png = names.find((n) => n.endsWith(".png"))!;
    const changedPng = await verifyProofPack(zipSync({ ...files, [png]: files[png]!.map((b, i) => (i === 9 ? b ^ 1 : b)) }, { level: 0 }), keys);
    expect(changedPng.problems).toEqual([`${png.slice(png.indexOf("/") + 1)} does not match its SHA-256 in the manifest`]);
    const extra = await verifyProofPack(zipSync({ ...files, [`directorybolt-proof-${job.jobId}/directories/extra.png`]: new Uint8Array([1]) }, { level: 0 }), keys);
    expect(extra.problems).toEqual(["directories/extra.png is in the pack but not in the manifest"]);
  });

  it("a pack is checked against the keys given: another key's set refuses it", async () => {
    const other = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", other.publicKey)) as unknown as ProofPublicJwk;
    const result = await verifyProofPack(zip, [jwk]);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/not among the keys given/);
    // Without keys, the pack's own public key proves it whole and names the signer.
    expect(await verifyProofPack(zip, null)).toMatchObject({ ok: true, keySource: "embedded" });
  });

  it("only the job's customer and staff may make or download it; others get a 404, strangers a 401", async () => {
    for (const method of ["GET", "POST"]) {
      const path = `/api/jobs/${job.jobId}/proof-pack`;
      expect((await call(path, { method, headers: await headersOf("customerB", people) })).status, `${method} customerB`).toBe(404);
      expect((await call(path, { method, headers: await headersOf("anonymous", people) })).status, `${method} anonymous`).toBe(401);
      expect((await call(path, { method, headers: await headersOf("staff", people) })).status, `${method} staff`).toBeLessThan(300);
    }
    const stranger = await seedJob({ directories: 1 });
    const none = await call(`/api/jobs/${stranger.jobId}/proof-pack`, { headers: await headersOf("customerA", newPeople(stranger.userId)) });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("no_proof_pack");
  });

  it("a second request within a minute answers the pack just made instead of making another", async () => {
    const headers = await headersOf("customerA", people);
    const first = (await (await call(`/api/jobs/${job.jobId}/proof-pack`, { method: "POST", headers })).json()) as { generatedAt: string };
    const before = await env.EVIDENCE.head(proofPackKey(job.jobId));
    const again = await call(`/api/jobs/${job.jobId}/proof-pack`, { method: "POST", headers });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { generatedAt: string }).generatedAt).toBe(first.generatedAt);
    expect((await env.EVIDENCE.head(proofPackKey(job.jobId)))!.etag).toBe(before!.etag);
  });

  it("the cron makes the pack of a newly completed job once", async () => {
    const fresh = await completedJob();
    expect(await env.EVIDENCE.head(proofPackKey(fresh.jobId))).toBeNull();
    // Other files' jobs complete too: runs go on until this one's turn (newest first, a few a run).
    for (let i = 0; i < 20; i++) {
      const result = await runScheduled(env);
      if (result.proofPacks !== "not_configured" && result.proofPacks.made.includes(fresh.jobId)) break;
    }
    const made = await env.EVIDENCE.head(proofPackKey(fresh.jobId));
    expect(made).not.toBeNull();
    for (let i = 0; i < 2; i++) {
      const result = await runScheduled(env);
      expect(result.proofPacks !== "not_configured" && result.proofPacks.made).not.toContain(fresh.jobId);
    }
    expect((await env.EVIDENCE.head(proofPackKey(fresh.jobId)))!.etag).toBe(made!.etag);
    expect(await count("select 1 from job_events where job_id = $1 and kind = 'proof_pack_ready'", [fresh.jobId])).toBe(1);
    const pack = new Uint8Array(await (await env.EVIDENCE.get(proofPackKey(fresh.jobId)))!.arrayBuffer());
    expect(await verifyProofPack(pack, keys)).toMatchObject({ ok: true, problems: [] });
  });

  it("a pack larger than one upload part goes to R2 in parts and still verifies", async () => {
    // Three 4 MiB screenshots: 12 MiB of pack, more than one 8 MiB part (src/proof/r2-sink.ts).
    const big = await completedJob(4 * 1024 * 1024);
    const pack = await makeAndDownload(big.jobId, newPeople(big.userId));
    expect(pack.length).toBeGreaterThan(12 * 1024 * 1024);
    const result = await verifyProofPack(pack, keys);
    expect(result.problems).toEqual([]);
    expect(result.manifest!.files.filter((f) => f.path.endsWith(".png")).map((f) => f.size)).toEqual([4194304, 4194304, 4194304]);
  });

  it("after a key rotation, the retired key stays published and the packs it signed still verify", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const { kty, crv, x, d } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as unknown as Record<string, string>;
    const old = { ...env, PROOF_SIGNING_KEY: JSON.stringify({ kty, crv, x, d }) };
    const oldJob = await completedJob();
    await buildProofPack(old, oldJob.jobId);
    const oldPack = new Uint8Array(await (await env.EVIDENCE.get(proofPackKey(oldJob.jobId)))!.arrayBuffer());
    // Before: only the current key is published, and the old pack does not check against it.
    expect((await verifyProofPack(oldPack, keys)).ok).toBe(false);
    const rotated = {
      ...env,
      PROOF_RETIRED_KEYS: JSON.stringify({
        keys: [
          { kty, crv, x },
          { kty, crv, x },
        ],
      }),
    };
    const set = (await (await app.fetch(new Request(`http://localhost${PROOF_KEYS_PATH}`), rotated)).json()) as { keys: ProofPublicJwk[] };
    expect(set.keys.map((k) => k.kid)).toEqual([keys[0]!.kid, await proofKeyId({ kty: "OKP", crv: "Ed25519", x: x! })]);
    expect(await verifyProofPack(oldPack, set.keys)).toMatchObject({ ok: true, problems: [] });
    // The new key still signs, and still verifies; the retired key's PEM is served by its id.
    expect((await verifyProofPack(zip, set.keys)).ok).toBe(true);
    const oldPem = await app.fetch(new Request(`http://localhost${PROOF_KEY_PEM_PATH}?kid=${set.keys[1]!.kid}`), rotated);
    expect(parsePublicKeys(await oldPem.text())[0]!.x).toBe(x);
    const currentPem = await app.fetch(new Request(`http://localhost${PROOF_KEY_PEM_PATH}`), rotated);
    expect(parsePublicKeys(await currentPem.text())[0]!.x).toBe(keys[0]!.x);
    expect((await app.fetch(new Request(`http://localhost${PROOF_KEY_PEM_PATH}?kid=nope`), rotated)).status).toBe(404);
  });

  it("takes the signing key as the PKCS#8 PEM openssl writes, too", async () => {
    // `openssl genpkey -algorithm ed25519` (a throwaway key); its public x from `openssl pkey -pubout`.
    const pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGKmBQuvAmJVzUQL4mf1zAf7E4qPqb/11wAR08amMOvg\n-----END PRIVATE KEY-----\n";
    const signer = await proofSigningKey({ PROOF_SIGNING_KEY: pem });
    expect(signer.publicJwk.x).toBe("Dc_zEQDGkYqcTrTOn4Mn7WxN8cb2h5SgxRvdEW4g1L8");
    const data = new TextEncoder().encode("manifest");
    expect(await verifySignature(signer.publicJwk, await signer.sign(data), data)).toBe(true);
    for (const bad of ["", "{}", "not a key", '{"kty":"OKP","crv":"Ed25519","x":"abc"}', "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"]) {
      await expect(proofSigningKey({ PROOF_SIGNING_KEY: bad }), bad).rejects.toMatchObject({ status: 503, code: "proof_signing_unconfigured" });
    }
  });

  it("without a signing key, making a pack is a 503 and no key is published", async () => {
    const unsigned = { ...env, PROOF_SIGNING_KEY: "" };
    const other = await seedJob({ directories: 1 });
    const res = await app.fetch(new Request(`http://localhost/api/jobs/${other.jobId}/proof-pack`, { method: "POST", headers: await headersOf("staff", people) }), unsigned);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("proof_signing_unconfigured");
    expect(await env.EVIDENCE.head(proofPackKey(other.jobId))).toBeNull();
    expect(await (await app.fetch(new Request(`http://localhost${PROOF_KEYS_PATH}`), unsigned)).json()).toEqual({ keys: [] });
    expect((await app.fetch(new Request(`http://localhost${PROOF_KEY_PEM_PATH}`), unsigned)).status).toBe(404);
  });
});
