/**
 * Where evidence lives in R2: `jobs/<jobId>/<submissionId>/<attempt>-<kind>.png`.
 * Keys are built only from validated ids, never from input paths, and a key
 * is served only under the job and submission it names.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `found`: the listing a first attempt found already there (already_listed, claim and correct). */
export type EvidenceKind = "submitted" | "failed" | "listing" | "verify" | "found" | "update";

export function evidenceKey(jobId: string, submissionId: string, attempt: number, kind: EvidenceKind): string {
  if (!UUID.test(jobId) || !UUID.test(submissionId) || !Number.isInteger(attempt) || attempt < 1) throw new Error("bad evidence key parts");
  return `jobs/${jobId}/${submissionId}/${attempt}-${kind}.png`;
}

/** A survival check's screenshot (issue 19): under the listing's submission, one name per check and attempt. */
export function checkEvidenceKey(jobId: string, submissionId: string, checkId: string, attempt: number): string {
  if (!UUID.test(jobId) || !UUID.test(submissionId) || !UUID.test(checkId) || !Number.isInteger(attempt) || attempt < 1) throw new Error("bad evidence key parts");
  return `jobs/${jobId}/${submissionId}/check-${checkId}-${attempt}.png`;
}

export function keyBelongsTo(key: string, jobId: string, submissionId: string): boolean {
  return key.startsWith(`jobs/${jobId}/${submissionId}/`) && /^[\w-]+\.png$/.test(key.slice(`jobs/${jobId}/${submissionId}/`.length));
}
