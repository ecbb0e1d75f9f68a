/**
 * The portal's "Logins" section: the accounts DirectoryBolt created at
 * directories for this job (the login vault, GET /api/jobs/:id/logins), each
 * password hidden until its Reveal button asks for it (POST …/reveal, which
 * records the reveal). The list is read again a moment after a listing is
 * accepted, when its login has had time to reach the vault.
 */
import { For, Show, createEffect, createSignal, on, onCleanup } from "solid-js";
import type { RevealedLogin, VaultLogin } from "../../core/protocol/site";
import { api } from "./api";
import { ErrorNote } from "./components";
import type { JobState } from "./live";

const ACCEPTED = new Set(["submitted", "awaiting_verification", "approved"]);
/** How long after an accepted listing the list is read again (the login goes through the coordinator's outbox). */
const AFTER_ACCEPTED_MS = 2_000;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export function LoginsSection(props: { jobId: string; state: JobState; staff?: boolean }) {
  const [logins, setLogins] = createSignal<VaultLogin[] | null>(null);
  const [shown, setShown] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<unknown>(null);
  const load = async () => {
    try {
      setLogins((await api<{ logins: VaultLogin[] }>(`/api/jobs/${props.jobId}/logins`)).logins);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const accepted = () => props.state.order.filter((id) => ACCEPTED.has(props.state.rows[id]?.status ?? "")).length;
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(accepted, (n, before) => {
      if (before === undefined) return void load();
      if (n === before) return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(), AFTER_ACCEPTED_MS);
    }),
  );
  onCleanup(() => clearTimeout(timer));

  const reveal = async (login: VaultLogin) => {
    try {
      const r = await api<RevealedLogin>(`/api/jobs/${props.jobId}/logins/${login.id}/reveal`, { method: "POST" });
      setShown({ ...shown(), [login.id]: r.password });
      setLogins((logins() ?? []).map((l) => (l.id === login.id ? { ...l, reveals: l.reveals + 1, lastRevealedAt: r.revealedAt } : l)));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const hide = (id: string) => {
    const { [id]: _, ...rest } = shown();
    setShown(rest);
  };

  return (
    <section aria-label="Logins" data-testid="logins">
      <h2>Logins</h2>
      <p class="muted">Accounts we created for your business at directories. They are yours: passwords are stored encrypted, and each reveal is recorded (yours and our staff's).</p>
      <ErrorNote error={error()} />
      <Show when={logins()} fallback={<p class="muted">Loading logins…</p>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted">No logins yet: a directory that makes an account with the listing adds one here.</p>}>
            <div class="table-wrap">
              <table aria-label="Directory logins">
                <thead>
                  <tr>
                    <th scope="col">Directory</th>
                    <th scope="col">Username</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Password</th>
                    <th scope="col">Reveals</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(l) => (
                      <tr data-login={l.id}>
                        <td>
                          <a href={l.loginUrl} target="_blank" rel="noopener noreferrer">
                            {l.directoryName}
                          </a>
                        </td>
                        <td>{l.username ?? "–"}</td>
                        <td>{l.email ?? "–"}</td>
                        <td>
                          <Show
                            when={shown()[l.id]}
                            fallback={
                              <>
                                <span class="muted" aria-hidden="true">
                                  ••••••••
                                </span>{" "}
                                <button type="button" class="secondary" aria-label={`Reveal the password for ${l.directoryName}`} onClick={() => void reveal(l)}>
                                  Reveal
                                </button>
                              </>
                            }
                          >
                            {(password) => (
                              <>
                                <code data-testid="revealed-password">{password()}</code>{" "}
                                <button type="button" class="secondary" onClick={() => hide(l.id)}>
                                  Hide
                                </button>
                              </>
                            )}
                          </Show>
                        </td>
                        <td class="muted">{l.reveals ? `${l.reveals}, last ${when(l.lastRevealedAt!)}` : "never"}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}

/** The logins with their passwords, for the CSV a customer opted into (each recorded as an export). */
export async function loginsForExport(jobId: string): Promise<VaultLogin[]> {
  return (await api<{ logins: VaultLogin[] }>(`/api/jobs/${jobId}/logins?passwords=include`)).logins;
}
