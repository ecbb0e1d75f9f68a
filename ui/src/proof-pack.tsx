/**
 * "Download proof pack" (docs/proof-packs.md): the job's signed zip of
 * screenshots and records. The API takes no cookies, so the zip is fetched
 * with the customer's token and saved from a blob. A finished job's pack was
 * made at completion and is downloaded as it is (made first if it is not
 * there yet); a job still running gets a fresh one, as of now.
 */
import { createSignal } from "solid-js";
import { ApiFailure, api } from "./api";
import { accessToken } from "./auth";
import { ErrorNote } from "./components";
import { download } from "./format";

async function fetchPack(jobId: string): Promise<Response> {
  return fetch(`/api/jobs/${jobId}/proof-pack`, { headers: { authorization: `Bearer ${await accessToken()}` } });
}

export function ProofPackButton(props: { jobId: string; finished: boolean; disabled?: boolean }) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      if (!props.finished) await api(`/api/jobs/${props.jobId}/proof-pack`, { method: "POST" });
      let res = await fetchPack(props.jobId);
      if (res.status === 404 && props.finished) {
        await api(`/api/jobs/${props.jobId}/proof-pack`, { method: "POST" });
        res = await fetchPack(props.jobId);
      }
      if (!res.ok) throw new ApiFailure(res.status, `http_${res.status}`, `Could not download the proof pack (${res.status})`);
      download(`directorybolt-proof-${props.jobId}.zip`, await res.blob(), "application/zip");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={save} disabled={busy() || props.disabled} data-testid="proof-pack">
        {busy() ? "Preparing proof pack…" : "Download proof pack"}
      </button>
      <ErrorNote error={error()} />
    </>
  );
}
