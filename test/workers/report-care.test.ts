/**
 * The job's report after delivery (issues 17 and 19): a three-directory job
 * whose third directory replaces the first (gone for good), its two live
 * listings checked at 90 days (one gone, one changed). `GET /api/jobs/:id`,
 * the portal's CSV and the signed proof pack carry each listing's latest
 * check and each replacement's "what and why"; the gone listing is no longer
 * counted live; the verifier holds the manifest's listings to the
 * directories' own files.
 */
import { env, exports } from "cloudflare:workers";
import { unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { submissionsCsv } from "../../core/csv";
import { checkEvidenceKey } from "../../core/evidence-keys";
import { manifestBytes, verifyProofPack, type ManifestListing, type ProofManifest } from "../../core/proof-pack";
import type { JobProgress, SubmissionView } from "../../core/protocol/live";
import type { ListingCareView } from "../../core/protocol/site";
import type { TaskMessage } from "../../core/protocol/tasks";
import { parseCsv } from "../../src/catalog/csv";
import { connectFromWorker } from "../../src/db/worker-database";
import { runSurvivalChecks } from "../../src/listings/survival";
import { proofSigningKey } from "../../src/proof/signing-key";
import { headersOf, newPeople } from "./support/actors";
import { captureReleases, consume, settled, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { seedJob } from "./support/seed";

const DAY = 86_400_000;

describe("the report carries the survival checks and the replacements", () => {
  it("in GET /api/jobs/:id, the CSV and the proof pack; a listing found gone is not live", async () => {
    const job = await seedJob({ directories: 3 });
    const [lost, gone, replacement] = job.submissionIds as [string, string, string];
    // The third directory is the replacement the coordinator chose for the first (coordinator-replacements.test.ts makes that choice).
    await query("update directory_submissions set replaces_submission_id = $1, replacement_reason = $2 where id = $3", [lost, "site gone: the directory answered 404", replacement]);
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    const stub = stubFor(job.jobId);
    await stub.start(job.jobId);
    await consume(job.jobId, released, (m) =>
      m.submissionId === lost ? { outcome: "failed", failureClass: "site_gone", reason: "404 Not Found" } : { outcome: "approved", listingUrl: `https://listing.example/${m.submissionId}` },
    );
    await settled(job.jobId);

    const [row] = await query<{ approved_at: Date }>("select max(approved_at) as approved_at from directory_submissions where job_id = $1", [job.jobId]);
    const conn = await connectFromWorker(env);
    try {
      // The gone one answers 404; the other page names no business (a changed name, still online).
      const fetcher = (async (input: RequestInfo | URL) => new Response("<h1>Someone else</h1>", { status: String(input).endsWith(gone) ? 404 : 200 })) as typeof fetch;
      expect((await runSurvivalChecks(conn.client, { jobId: job.jobId, now: new Date(row!.approved_at.getTime() + 91 * DAY), fetch: fetcher })).checked).toBe(2);
    } finally {
      await conn.close();
    }
    const [check] = await query<{ id: string }>("select id from listing_checks where submission_id = $1", [gone]);
    const shotKey = checkEvidenceKey(job.jobId, gone, check!.id, 1);
    const shot = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]);
    await env.EVIDENCE.put(shotKey, shot);
    await query("update listing_checks set evidence_key = $1 where id = $2", [shotKey, check!.id]);
    const [names] = await query<{ lost: string }>("select d.name as lost from directory_submissions s join directories d on d.id = s.directory_id where s.id = $1", [lost]);

    // GET /api/jobs/:id: the live count after the checks, and each listing's latest check.
    const people = newPeople(job.userId);
    const headers = await headersOf("customerA", people);
    const res = await exports.default.fetch(`http://localhost/api/jobs/${job.jobId}`, { headers });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { job: JobProgress; submissions: SubmissionView[] } & {
      listingCare: { summary: Record<string, number>; lastChecks: { submissionId: string; verdict: string; milestoneDays: number; differences: string[]; checkedAt: string }[] };
    };
    // The coordinator counts both approved; the report counts the gone one out.
    expect(report.job.approved).toBe(2);
    expect(report.listingCare.summary).toEqual({ live: 1, checked: 2, flagged: 2 });
    const bySubmission = new Map(report.listingCare.lastChecks.map((c) => [c.submissionId, c]));
    expect(bySubmission.get(gone)).toMatchObject({ verdict: "gone", milestoneDays: 90, differences: [] });
    expect(bySubmission.get(replacement)).toMatchObject({ verdict: "changed", milestoneDays: 90, differences: ["name"] });
    expect(Date.parse(bySubmission.get(gone)!.checkedAt)).not.toBeNaN();

    // The CSV as the portal makes it: the snapshot's rows with the listing care view.
    const care = (await (await exports.default.fetch(`http://localhost/api/jobs/${job.jobId}/listings`, { headers })).json()) as ListingCareView;
    const records = new Map(parseCsv(submissionsCsv(report.submissions, undefined, care.listings)).map(({ record }) => [record.submission_id, record]));
    expect(records.get(replacement)).toMatchObject({
      replaces_directory: names!.lost,
      replaces_submission_id: lost,
      replacement_reason: "site gone: the directory answered 404",
      check_verdict: "changed",
      check_differences: "name",
      check_milestone_days: "90",
    });
    expect(records.get(gone)).toMatchObject({ replaces_directory: "", check_verdict: "gone", check_milestone_days: "90" });
    expect(Date.parse(records.get(gone)!.last_checked_at!)).not.toBeNaN();
    expect(records.get(lost)).toMatchObject({ check_verdict: "", last_checked_at: "" });

    // The proof pack: the signed manifest's listings and each directory's own record agree.
    expect([200, 201]).toContain((await exports.default.fetch(`http://localhost/api/jobs/${job.jobId}/proof-pack`, { method: "POST", headers })).status);
    const zip = new Uint8Array(await (await exports.default.fetch(`http://localhost/api/jobs/${job.jobId}/proof-pack`, { headers })).arrayBuffer());
    const verified = await verifyProofPack(zip, null);
    expect(verified.problems).toEqual([]);
    const manifest = verified.manifest as ProofManifest;
    expect(manifest.listingCare).toEqual({ live: 1, checked: 2, flagged: 2 });
    const listing = (id: string) => manifest.listings!.find((l) => l.submissionId === id)!;
    expect(listing(replacement).replaces).toEqual({ submissionId: lost, directory: names!.lost, reason: "site gone: the directory answered 404" });
    expect(listing(gone)).toMatchObject({ status: "approved", replaces: null, lastCheck: { id: check!.id, verdict: "gone", milestoneDays: 90, screenshot: `check-${check!.id}-1.png` } });
    expect(listing(lost).lastCheck).toBeNull();
    const folder = `directorybolt-proof-${job.jobId}`;
    const files = unzipSync(zip);
    expect(files[`${folder}/${listing(gone).folder}/check-${check!.id}-1.png`]).toEqual(shot);
    const record = JSON.parse(new TextDecoder().decode(files[`${folder}/${listing(replacement).folder}/submission.json`]));
    expect(record.replaces).toEqual(listing(replacement).replaces);
    expect(record.lastCheck).toMatchObject({ verdict: "changed", differences: ["name"] });
    const jobJson = JSON.parse(new TextDecoder().decode(files[`${folder}/job.json`]));
    expect(jobJson.listings).toEqual({ live: 1, checked: 2, flagged: 2 });

    // A manifest re-signed with listings that the directories' files do not say is refused by the verifier.
    const signer = await proofSigningKey(env);
    const resign = async (listings: ManifestListing[]) => {
      const raw = manifestBytes({ ...manifest, listings });
      return verifyProofPack(zipSync({ ...files, [`${folder}/manifest.json`]: raw, [`${folder}/manifest.sig`]: await signer.sign(raw) }, { level: 0 }), null);
    };
    const otherReason = await resign(manifest.listings!.map((l) => (l.submissionId === replacement ? { ...l, replaces: { ...l.replaces!, reason: "blocked" } } : l)));
    expect(otherReason.problems).toEqual([`${listing(replacement).folder}/submission.json and the manifest differ on what it replaces`]);
    const liveAgain = await resign(manifest.listings!.map((l) => (l.submissionId === gone ? { ...l, lastCheck: { ...l.lastCheck!, verdict: "live" } } : l)));
    expect(liveAgain.problems).toEqual([`${listing(gone).folder}/submission.json and the manifest differ on its latest check`]);
    const orphan = await resign(manifest.listings!.filter((l) => l.submissionId !== lost));
    expect(orphan.problems).toEqual([`${listing(replacement).folder} replaces ${lost}, which is not in the pack`]);
  });
});
