/**
 * An `update` follow-up (issue 19 item 2): open the lease's sealed password
 * with the worker's vault keys, sign in, edit the listing and confirm it on
 * the public page (engine/update.ts). The report is `ok` only when the page
 * shows the profile; what it still shows differently goes with it. The
 * password exists in clear only here, for the sign-in, never in a report
 * or a log line.
 */
import type { FollowupLease, FollowupReport } from "../../core/protocol/tasks";
import { loginAad, unseal, vaultKeyring } from "../../core/vault";
import { updateListing } from "./engine/update";
import type { EnginePage } from "./engine/page";

export async function runUpdate(
  page: EnginePage,
  lease: FollowupLease,
  vaultKeys: string | undefined,
  log: (line: string) => void,
): Promise<Pick<FollowupReport, "ok" | "finalUrl" | "reason" | "differences">> {
  const update = lease.update;
  if (!update) return { ok: false, reason: "the lease carries no login" };
  let password: string;
  try {
    password = await unseal(await vaultKeyring(vaultKeys), update.password, loginAad(lease.jobId, lease.submissionId));
  } catch {
    // The key's id only: never the data.
    return { ok: false, reason: `the login does not open with this worker's vault keys (key ${update.password.keyId})` };
  }
  const result = await updateListing(
    page,
    {
      jobId: lease.jobId,
      directory: { id: lease.directory.id, language: update.language },
      loginUrl: update.loginUrl,
      login: update.login,
      password,
      listingUrl: lease.url,
      business: update.business,
    },
    { log },
  );
  return {
    ok: result.outcome === "confirmed",
    finalUrl: result.finalUrl.slice(0, 2000),
    ...(result.reason ? { reason: result.reason.slice(0, 2000) } : {}),
    ...(result.differences?.length ? { differences: result.differences } : {}),
  };
}
