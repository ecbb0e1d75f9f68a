/**
 * Where Supabase's magic link lands: `?code=` (PKCE), exchanged by
 * supabase-js for a session with the code verifier this browser kept when it
 * asked for the link. The code leaves the address bar and history, and the
 * user goes on to the page they were after; a link from another browser, a
 * used one, or a planted token signs nobody in and says so.
 */
import { A, useNavigate } from "@solidjs/router";
import { Show, createSignal, onMount } from "solid-js";
import { nextAfterSignIn, supabaseAuth } from "../auth";

export default function AuthCallback() {
  const navigate = useNavigate();
  const [problem, setProblem] = createSignal<string | null>(null);
  onMount(async () => {
    const url = new URL(location.href);
    history.replaceState(history.state, "", location.pathname); // the code leaves the URL
    try {
      const auth = await supabaseAuth();
      if (!auth) return setProblem("Sign-in by email link is not set up on this server.");
      const { finishSignIn } = await import("../supabase-auth");
      await finishSignIn(auth, url);
      navigate(nextAfterSignIn.take() ?? "/jobs", { replace: true });
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  });
  return (
    <section>
      <h1>Signing you in…</h1>
      <Show when={problem()}>
        {(p) => (
          <>
            <p class="error" role="alert" data-testid="callback-error">
              {p()}
            </p>
            <A href="/sign-in">Back to sign-in</A>
          </>
        )}
      </Show>
    </section>
  );
}
