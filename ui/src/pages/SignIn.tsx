import { useNavigate, useSearchParams } from "@solidjs/router";
import { Show, createSignal } from "solid-js";
import { api } from "../api";
import { claims, setToken } from "../auth";
import { ErrorNote } from "../components";

export default function SignIn() {
  const [params] = useSearchParams<{ next?: string }>();
  const navigate = useNavigate();
  const [email, setEmail] = createSignal("");
  const [staff, setStaff] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token } = await api<{ token: string }>("/api/auth/local-sign-in", { method: "POST", body: { email: email(), staff: staff() }, auth: false });
      setToken(token);
      const next = params.next && params.next.startsWith("/") ? params.next : staff() ? "/staff" : "/business";
      navigate(next);
    } catch (err) {
      setError((err as { status?: number }).status === 404 ? new Error("Local sign-in is only available in local development.") : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Sign in</h1>
      <Show when={claims()}>
        {(c) => (
          <p class="note">
            Signed in as {c().email}.{" "}
            <button type="button" class="link" onClick={() => setToken(null)}>
              Sign out
            </button>
          </p>
        )}
      </Show>
      <form onSubmit={submit} aria-label="Sign in">
        <div class="field">
          <label for="signin-email">Email</label>
          <input id="signin-email" type="email" required autocomplete="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <label class="check">
          <input type="checkbox" checked={staff()} onChange={(e) => setStaff(e.currentTarget.checked)} /> Sign in as staff (local development)
        </label>
        <ErrorNote error={error()} />
        <button type="submit" disabled={busy()}>
          {busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p class="muted">Local development: no password; use the email you paid with.</p>
    </section>
  );
}
