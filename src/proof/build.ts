/**
 * Makes a job's proof pack (core/proof-pack.ts has the format) and stores it
 * in R2 at `proof-packs/<jobId>.zip`, one key per job: making it again
 * replaces it. What it says comes from Postgres, the system of record (the
 * job, the business, each submission with its directory and its events), and
 * from the evidence in R2 (every screenshot under the job's prefix, with the
 * final URL and confirmation text the browser worker stored beside it).
 * Files are streamed into the zip one at a time and the zip into R2
 * (src/proof/r2-sink.ts), so a pack of any size fits in a Worker.
 */
import { Zip, ZipPassThrough } from "fflate";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";
import { keyBelongsTo } from "../../core/evidence-keys";
import { listingCare } from "../listings/portal";
import {
  manifestBytes,
  type ManifestListing,
  type PackCheck,
  type PackReplaces,
  packFolder,
  PROOF_KEY_PEM_PATH,
  PROOF_KEYS_PATH,
  PROOF_PACK_FORMAT,
  publicKeyPem,
  sha256Hex,
  sha256Sums,
  type ManifestFile,
  type ProofManifest,
} from "../../core/proof-pack";
import { R2Sink } from "./r2-sink";
import { proofSigningKey } from "./signing-key";

export const proofPackKey = (jobId: string) => `proof-packs/${jobId}.zip`;

/** What R2 keeps beside a pack (customMetadata), and what the API answers about one. */
export interface ProofPackInfo {
  jobId: string;
  generatedAt: string;
  keyId: string;
  size: number;
  /** The job's completion the pack covers (null: made before the job completed). */
  jobCompletedAt: string | null;
}

/** The stored pack's facts, or null when the job has none. */
export async function storedProofPack(bucket: R2Bucket, jobId: string): Promise<ProofPackInfo | null> {
  const object = await bucket.head(proofPackKey(jobId));
  if (!object) return null;
  const meta = object.customMetadata ?? {};
  return { jobId, generatedAt: meta.generatedAt ?? object.uploaded.toISOString(), keyId: meta.keyId ?? "", size: object.size, jobCompletedAt: meta.jobCompletedAt || null };
}

interface JobRow {
  id: string;
  plan: string;
  status: string;
  business_name: string | null;
  website: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  directories_total: number;
  directories_submitted: number;
  directories_approved: number;
  directories_failed: number;
}

interface SubmissionRow {
  id: string;
  status: string;
  attempt: number;
  listing_url: string | null;
  failure_class: string | null;
  failure_reason: string | null;
  created_at: Date;
  submitted_at: Date | null;
  approved_at: Date | null;
  updated_at: Date;
  directory_name: string;
  directory_slug: string;
  directory_website: string;
  directory_submit_url: string | null;
  replaces_submission_id: string | null;
  replacement_reason: string | null;
}

interface EventRow {
  submission_id: string;
  kind: string;
  message: string;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const SCREENSHOT = /^(\d+)-(submitted|failed|listing|verify)\.png$/;

async function readJob(conn: Connection, jobId: string) {
  const job = (
    await conn.client.query<JobRow>(
      `select j.id, j.plan, j.status, p.business_name, p.website, j.created_at, j.started_at, j.completed_at,
              j.directories_total, j.directories_submitted, j.directories_approved, j.directories_failed
         from jobs j left join business_profiles p on p.customer_id = j.customer_id where j.id = $1`,
      [jobId],
    )
  ).rows[0];
  if (!job) return null;
  const submissions = (
    await conn.client.query<SubmissionRow>(
      `select s.id, s.status, s.attempt, s.listing_url, s.failure_class, s.failure_reason, s.created_at, s.submitted_at,
              s.approved_at, s.updated_at, d.name as directory_name, d.slug as directory_slug,
              d.website as directory_website, d.submit_url as directory_submit_url,
              s.replaces_submission_id, s.replacement_reason
         from directory_submissions s join directories d on d.id = s.directory_id
        where s.job_id = $1 order by d.name, s.id`,
      [jobId],
    )
  ).rows;
  // The customer-visible events only: staff notes live in job_event_staff_notes.
  const events = (await conn.client.query<EventRow>("select submission_id, kind, message, created_at from job_events where job_id = $1 and submission_id is not null order by created_at, id", [jobId]))
    .rows;
  // The survival checks (issue 19): the live count after them, and each listing's latest check with its screenshot.
  const care = await listingCare(conn.client, jobId);
  const checkShots = new Map(
    (
      await conn.client.query<{ id: string; submission_id: string; evidence_key: string }>(
        "select id, submission_id, evidence_key from listing_checks where job_id = $1 and evidence_key is not null",
        [jobId],
      )
    ).rows
      .filter((r) => keyBelongsTo(r.evidence_key, jobId, r.submission_id))
      .map((r) => [r.id, r.evidence_key]),
  );
  return { job, submissions, events, care, checkShots };
}

interface Screenshot {
  key: string;
  file: string;
  attempt: number;
  kind: string;
  takenAt: string;
  finalUrl: string | null;
  confirmation: string | null;
}

/** Every screenshot of the job in R2, by submission (listed, not guessed: each attempt's and each kind's). */
async function listScreenshots(bucket: R2Bucket, jobId: string): Promise<Map<string, Screenshot[]>> {
  const bySubmission = new Map<string, Screenshot[]>();
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `jobs/${jobId}/`, cursor, include: ["customMetadata"] });
    for (const object of page.objects) {
      const [, , submissionId, file] = object.key.split("/");
      const match = file ? SCREENSHOT.exec(file) : null;
      if (!submissionId || !match || !keyBelongsTo(object.key, jobId, submissionId)) continue;
      const list = bySubmission.get(submissionId) ?? [];
      list.push({
        key: object.key,
        file: file!,
        attempt: Number(match[1]),
        kind: match[2]!,
        takenAt: object.uploaded.toISOString(),
        finalUrl: object.customMetadata?.finalUrl || null,
        confirmation: object.customMetadata?.confirmation || null,
      });
      bySubmission.set(submissionId, list);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  for (const list of bySubmission.values()) list.sort((a, b) => a.attempt - b.attempt || a.takenAt.localeCompare(b.takenAt));
  return bySubmission;
}

const safeSlug = (slug: string) =>
  slug
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60) || "directory";

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

function readme(manifest: Pick<ProofManifest, "jobId" | "keyId">, publicUrl: string): string {
  const origin = publicUrl.replace(/\/$/, "");
  return `DirectoryBolt proof pack for job ${manifest.jobId}

Each folder under directories/ is one directory: submission.json (status,
listing URL, final URL and confirmation text of each screenshot, timestamps,
events, the directory it replaces and why, and the listing's latest survival
check at 30, 90 or 180 days) and the screenshots the browser took (a
check-*.png: the listing page when a check found it gone or changed).
job.json's "listings" counts live listings after those checks.

manifest.json lists every file with its SHA-256 and size; manifest.sig is
DirectoryBolt's Ed25519 signature of manifest.json (key ${manifest.keyId}).
SHA256SUMS holds the same hashes for sha256sum, signed in SHA256SUMS.sig.

Check it with standard tools, in this folder (OpenSSL 3):

  curl -o directorybolt.pem ${origin}${PROOF_KEY_PEM_PATH}
  openssl pkeyutl -verify -pubin -inkey directorybolt.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
  openssl pkeyutl -verify -pubin -inkey directorybolt.pem -rawin -in manifest.json -sigfile manifest.sig
  sha256sum -c SHA256SUMS

Use the key published at ${origin}${PROOF_KEYS_PATH} (or its PEM above), not
public-key.pem in this folder: that copy shows which key signed, and anyone
could put their own there. Any changed byte makes one of the checks fail.
`;
}

/**
 * Builds the job's pack and stores it, replacing any earlier one. Null when
 * there is no such job. Throws an ApiError 503 without a signing key.
 */
export async function buildProofPack(env: Env, jobId: string, now = new Date()): Promise<ProofPackInfo | null> {
  const signer = await proofSigningKey(env);
  const conn = await connectFromWorker(env);
  let data: Awaited<ReturnType<typeof readJob>>;
  try {
    data = await readJob(conn, jobId);
  } finally {
    await conn.close();
  }
  if (!data) return null;
  const { job, submissions, events, care, checkShots } = data;
  const screenshots = await listScreenshots(env.EVIDENCE, jobId);
  const generatedAt = now.toISOString();
  const folder = packFolder(jobId);

  const sink = new R2Sink(env.EVIDENCE, proofPackKey(jobId), {
    httpMetadata: { contentType: "application/zip", contentDisposition: `attachment; filename="${folder}.zip"` },
    customMetadata: { generatedAt, keyId: signer.keyId, jobCompletedAt: iso(job.completed_at) ?? "" },
  });
  // fflate's Zip emits synchronously; its chunks wait here and go to R2 between files.
  const pending: Uint8Array[] = [];
  let zipError: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) zipError = err;
    else pending.push(chunk);
  });
  const files: ManifestFile[] = [];
  const add = async (path: string, bytes: Uint8Array, listed = true) => {
    // Stored, not deflated: screenshots are PNGs already, and any unzip reads stored entries.
    const entry = new ZipPassThrough(`${folder}/${path}`);
    entry.mtime = now;
    zip.add(entry);
    entry.push(bytes, true);
    if (zipError) throw zipError;
    if (listed) files.push({ path, sha256: await sha256Hex(bytes), size: bytes.length });
    for (const chunk of pending.splice(0)) await sink.write(chunk);
  };

  try {
    await add("README.txt", new TextEncoder().encode(readme({ jobId, keyId: signer.keyId }, env.PUBLIC_URL)));
    await add("public-key.pem", new TextEncoder().encode(publicKeyPem(signer.publicJwk)));
    await add(
      "job.json",
      json({
        jobId,
        businessName: job.business_name,
        website: job.website,
        plan: job.plan,
        status: job.status,
        createdAt: iso(job.created_at),
        startedAt: iso(job.started_at),
        completedAt: iso(job.completed_at),
        directories: { total: job.directories_total, submitted: job.directories_submitted, approved: job.directories_approved, failed: job.directories_failed },
        // Live after the survival checks: a listing found gone is not counted.
        listings: care.summary,
      }),
    );
    const eventsBySubmission = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = eventsBySubmission.get(e.submission_id);
      if (list) list.push(e);
      else eventsBySubmission.set(e.submission_id, [e]);
    }
    const width = Math.max(3, String(submissions.length).length);
    const folderOf = (i: number, s: SubmissionRow) => `directories/${String(i + 1).padStart(width, "0")}-${safeSlug(s.directory_slug)}`;
    const byId = new Map(submissions.map((s, i) => [s.id, { s, folder: folderOf(i, s) }]));
    const checksOf = new Map(care.listings.map((l) => [l.submissionId, l]));
    const listings: ManifestListing[] = [];
    for (const [i, s] of submissions.entries()) {
      const dir = folderOf(i, s);
      const shots = screenshots.get(s.id) ?? [];
      const replaced = s.replaces_submission_id ? byId.get(s.replaces_submission_id) : undefined;
      const replaces: PackReplaces | null = s.replaces_submission_id ? { submissionId: s.replaces_submission_id, directory: replaced?.s.directory_name ?? null, reason: s.replacement_reason } : null;
      const check = checksOf.get(s.id)?.check;
      const checkShotKey = check ? checkShots.get(check.id) : undefined;
      // Read before the records are written, so they name the screenshot only when the pack holds it.
      const checkShot = checkShotKey ? await env.EVIDENCE.get(checkShotKey) : null;
      const lastCheck: PackCheck | null = check
        ? {
            id: check.id,
            checkedAt: checksOf.get(s.id)!.lastCheckedAt,
            milestoneDays: check.milestoneDays,
            verdict: check.verdict,
            differences: check.differences,
            detail: check.detail,
            screenshot: checkShot && checkShotKey ? checkShotKey.slice(checkShotKey.lastIndexOf("/") + 1) : null,
          }
        : null;
      listings.push({ folder: dir, submissionId: s.id, directory: s.directory_name, status: s.status, replaces, lastCheck });
      await add(
        `${dir}/submission.json`,
        json({
          directory: { name: s.directory_name, slug: s.directory_slug, website: s.directory_website, submitUrl: s.directory_submit_url },
          submission: {
            id: s.id,
            status: s.status,
            attempts: s.attempt,
            listingUrl: s.listing_url,
            failureClass: s.failure_class,
            failureReason: s.failure_reason,
            createdAt: iso(s.created_at),
            submittedAt: iso(s.submitted_at),
            approvedAt: iso(s.approved_at),
            updatedAt: iso(s.updated_at),
          },
          replaces,
          lastCheck,
          screenshots: shots.map(({ file, attempt, kind, takenAt, finalUrl, confirmation }) => ({ file, attempt, kind, takenAt, finalUrl, confirmation })),
          events: (eventsBySubmission.get(s.id) ?? []).map((e) => ({ at: iso(e.created_at), kind: e.kind, message: e.message })),
        }),
      );
      for (const shot of shots) {
        const object = await env.EVIDENCE.get(shot.key);
        // Listed a moment ago and gone now (a retention sweep): the record still names it, the pack does not hold it.
        if (object) await add(`${dir}/${shot.file}`, new Uint8Array(await object.arrayBuffer()));
      }
      if (checkShot && lastCheck?.screenshot) await add(`${dir}/${lastCheck.screenshot}`, new Uint8Array(await checkShot.arrayBuffer()));
    }
    const manifest: ProofManifest = {
      format: PROOF_PACK_FORMAT,
      jobId,
      businessName: job.business_name,
      plan: job.plan,
      jobStatus: job.status,
      generatedAt,
      keyId: signer.keyId,
      files,
      listings,
      listingCare: care.summary,
    };
    const manifestRaw = manifestBytes(manifest);
    const sums = sha256Sums(files);
    await add("manifest.json", manifestRaw, false);
    await add("manifest.sig", await signer.sign(manifestRaw), false);
    await add("SHA256SUMS", sums, false);
    await add("SHA256SUMS.sig", await signer.sign(sums), false);
    zip.end();
    if (zipError) throw zipError;
    for (const chunk of pending.splice(0)) await sink.write(chunk);
    await sink.close();
    return { jobId, generatedAt, keyId: signer.keyId, size: sink.size, jobCompletedAt: iso(job.completed_at) };
  } catch (err) {
    await sink.abort();
    throw err;
  }
}
