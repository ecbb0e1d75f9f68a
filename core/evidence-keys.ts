/**
 * Where evidence lives in R2: `jobs/<jobId>/<submissionId>/<attempt>-<kind>.png`.
 * Keys are built only from validated ids, never from input paths, and a key
 * is served only under the job and submission it names.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type EvidenceKind = "submitted" | "failed" | "listing" | "verify" | "update";

export function evidenceKey(jobId: string, submissionId: string, attempt: number, kind: EvidenceKind): string {
  if (!UUID.test(jobId) || !UUID.test(submissionId) || !Number.isInteger(attempt) || attempt < 1) throw new Error("bad evidence key parts");
  return `jobs/${jobId}/${submissionId}/${attempt}-${kind}.png`;
}

export function keyBelongsTo(key: string, jobId: string, submissionId: string): boolean {
  return key.startsWith(`jobs/${jobId}/${submissionId}/`) && /^[\w-]+\.png$/.test(key.slice(`jobs/${jobId}/${submissionId}/`.length));
}
