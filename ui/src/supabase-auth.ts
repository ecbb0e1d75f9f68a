/**
 * Supabase Auth through supabase-js, in its PKCE flow: the magic link comes
 * back to /auth/callback with a one-time `?code=`, which only this browser
 * can exchange (it holds the code verifier), so a link or a token planted by
 * someone else signs nobody in. supabase-js keeps the session, refreshes the
 * access token before it expires and revokes it on sign-out. Loaded only when
 * the API's config names a Supabase project (a chunk of its own).
 */
import { createClient, isAuthApiError, type SupabaseClient } from "@supabase/supabase-js";

export class AuthFailure extends Error {}

export type AuthClient = SupabaseClient["auth"];

export function createAuthClient(config: { supabaseUrl: string; supabaseAnonKey: string; storageKey: string }): AuthClient {
  return createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: {
      flowType: "pkce",
      autoRefreshToken: true,
      persistSession: true,
      // The callback page exchanges the code itself: no other page takes a session from its URL.
      detectSessionInUrl: false,
      storageKey: config.storageKey,
      // Each link carries its flow's id (`sb_flow_id`), so it finds its own verifier: asking
      // again (even a refused, rate-limited ask) must not strand the link already in the inbox.
      experimental: { appendPkceFlowIdToRedirects: true },
    },
  }).auth;
}

/** GoTrue's error in words for the sign-in form. */
function sendFailure(error: unknown): AuthFailure {
  if (isAuthApiError(error)) {
    if (error.status === 429 || error.code === "over_email_send_rate_limit") {
      return new AuthFailure("Too many sign-in emails were sent to this address. Wait a minute, then try again.");
    }
    return new AuthFailure(`Could not send the sign-in link: ${error.message}`);
  }
  return new AuthFailure("Could not reach the sign-in service. Check your connection and try again.");
}

export async function sendMagicLink(auth: AuthClient, email: string, redirectTo: string): Promise<void> {
  const { error } = await auth.signInWithOtp({ email, options: { emailRedirectTo: redirectTo, shouldCreateUser: true } });
  if (error) throw sendFailure(error);
}

/**
 * Finishes a sign-in from the callback URL: the error GoTrue sent back (in
 * the query or the fragment), or the code exchanged for a session. Nothing
 * else is taken from the URL: a fragment holding an access token is refused.
 */
export async function finishSignIn(auth: AuthClient, url: URL): Promise<void> {
  const query = url.searchParams;
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const errorCode = query.get("error_code") ?? fragment.get("error_code");
  const errorWords = query.get("error_description") ?? fragment.get("error_description") ?? query.get("error") ?? fragment.get("error");
  if (errorCode || errorWords) {
    throw new AuthFailure(errorCode === "otp_expired" ? "This sign-in link has expired or was already used. Ask for a new one below." : `Sign-in failed: ${errorWords ?? errorCode}`);
  }
  const code = query.get("code");
  if (!code) throw new AuthFailure("This page only finishes a sign-in from an email link, and there is none here.");
  const flowId = query.get("sb_flow_id");
  const { error } = await auth.exchangeCodeForSession(code, flowId ? { flowId } : undefined);
  if (error) {
    throw new AuthFailure(
      error.name === "AuthPKCECodeVerifierMissingError"
        ? "This sign-in link was asked for in another browser. Open it in the browser where you asked for it, or ask for a new one below."
        : "This sign-in link has expired or was already used. Ask for a new one below.",
    );
  }
}
