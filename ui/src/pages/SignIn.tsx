/**
 * Sign-in: Supabase Auth's magic link (supabase-js, PKCE) when the API's
 * config names a Supabase project, the local sign-in in development, and a
 * plain message otherwise. The magic link comes back to /auth/callback
 * (AuthCallback.tsx) in the browser that asked for it.
 */
import { useNavigate, useSearchParams } from "@solidjs/router";
import { Match, Show, Switch, createSignal, onMount } from "solid-js";
import type { SiteConfig } from "../../../core/protocol/site";
import { api } from "../api";
import { claims, nextAfterSignIn, setLocalToken, signOut, supabaseAuth } from "../auth";
import { ErrorNote } from "../components";
import { siteConfig } from "../config";

const safeNext = (next: string | undefined) => (next && next.startsWith("/") && !next.startsWith("//") ? next : null);

function MagicLinkForm(props: { next: string | null }) {
  const [email, setEmail] = createSignal("");
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      nextAfterSignIn.set(props.next);
      const auth = await supabaseAuth();
      if (!auth) throw new Error("Sign-in by link is not set up on this server.");
      const { sendMagicLink } = await import("../supabase-auth");
      await sendMagicLink(auth, email().trim(), `${location.origin}/auth/callback`);
      setSentTo(email().trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} aria-label="Sign in by link">
      <div class="field">
        <label for="signin-email">Email</label>
        <input id="signin-email" type="email" required autocomplete="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        <span class="hint">Use the email you paid with. We send you a link; no password.</span>
      </div>
      <ErrorNote error={error()} />
      <Show when={sentTo()}>
        {(to) => (
          <p class="note" role="status" data-testid="magic-link-sent">
            Check your inbox: we sent a sign-in link to <strong>{to()}</strong>. Open it on this device.
          </p>
        )}
      </Show>
      <button type="submit" disabled={busy()}>
        {busy() ? "Sending…" : sentTo() ? "Send the link again" : "Email me a sign-in link"}
      </button>
    </form>
  );
}

function LocalForm(props: { next: string | null }) {
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
      setLocalToken(token);
      navigate(props.next ?? (staff() ? "/staff" : "/jobs"));
    } catch (err) {
      setError((err as { status?: number }).status === 404 ? new Error("Local sign-in is only available in local development.") : err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
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
    </>
  );
}

export default function SignIn() {
  const [params] = useSearchParams<{ next?: string }>();
  // A signal, not a resource: a failed fetch shows its words instead of throwing on read.
  const [config, setConfig] = createSignal<SiteConfig | null>(null);
  const [configError, setConfigError] = createSignal<unknown>(null);
  onMount(() => siteConfig().then(setConfig, setConfigError));
  const next = () => safeNext(params.next);
  return (
    <section>
      <h1>Sign in</h1>
      <Show when={claims()}>
        {(c) => (
          <p class="note">
            Signed in as {c().email}.{" "}
            <button type="button" class="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </p>
        )}
      </Show>
      <ErrorNote error={configError()} />
      <Switch
        fallback={
          <Show when={!configError()}>
            <p class="muted">Loading…</p>
          </Show>
        }
      >
        <Match when={config()?.supabaseUrl && config()?.supabaseAnonKey}>
          <MagicLinkForm next={next()} />
        </Match>
        <Match when={config()?.localSignIn}>
          <LocalForm next={next()} />
        </Match>
        <Match when={config()}>
          <p class="error" role="alert">
            Sign-in is not set up on this server yet. Please contact support.
          </p>
        </Match>
      </Switch>
    </section>
  );
}
