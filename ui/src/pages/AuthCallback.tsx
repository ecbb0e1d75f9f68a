/**
 * Where Supabase's magic link lands: the session is in the URL fragment. The
 * access token is stored as the local sign-in stores its token, the fragment
 * is wiped from the address bar and history, and the user goes on to the page
 * they were after.
 */
import { A, useNavigate } from "@solidjs/router";
import { Show, createSignal, onMount } from "solid-js";
import { nextAfterSignIn, setToken } from "../auth";
import { AuthFailure, readFragment } from "../supabase-auth";

export default function AuthCallback() {
  const navigate = useNavigate();
  const [problem, setProblem] = createSignal<string | null>(null);
  onMount(() => {
    const result = readFragment(location.hash);
    history.replaceState(history.state, "", location.pathname); // the token leaves the URL
    if (result === null) return setProblem("This page only finishes a sign-in from an email link, and there is none here.");
    if (result instanceof AuthFailure) return setProblem(result.message);
    setToken(result.accessToken);
    navigate(nextAfterSignIn.take() ?? "/jobs", { replace: true });
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
