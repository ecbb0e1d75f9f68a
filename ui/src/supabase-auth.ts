/**
 * Supabase Auth's magic link over its REST API (what supabase-js's
 * signInWithOtp sends, without the library): `POST {url}/auth/v1/otp` with
 * the anon key, then Supabase's `/auth/v1/verify` redirects back to
 * `redirect_to` with the session in the URL fragment:
 * `#access_token=…&token_type=bearer&expires_in=…&refresh_token=…&type=magiclink`
 * (or `#error=…&error_code=…&error_description=…`).
 */

export class AuthFailure extends Error {}

/** GoTrue's error bodies have changed shape over versions; take the words from any of them. */
function gotrueMessage(body: unknown, status: number): string {
  const b = (body ?? {}) as { msg?: string; message?: string; error_description?: string; error?: string; error_code?: string };
  const words = b.msg ?? b.message ?? b.error_description ?? (typeof b.error === "string" ? b.error : undefined);
  if (status === 429 || b.error_code === "over_email_send_rate_limit") {
    return "Too many sign-in emails were sent to this address. Wait a minute, then try again.";
  }
  return words ? `Could not send the sign-in link: ${words}` : `Could not send the sign-in link (the sign-in service answered ${status}).`;
}

export async function sendMagicLink(config: { supabaseUrl: string; supabaseAnonKey: string }, email: string, redirectTo: string): Promise<void> {
  const url = `${config.supabaseUrl}/auth/v1/otp?redirect_to=${encodeURIComponent(redirectTo)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        apikey: config.supabaseAnonKey,
        authorization: `Bearer ${config.supabaseAnonKey}`,
        "content-type": "application/json;charset=UTF-8",
      },
      body: JSON.stringify({ email, data: {}, create_user: true, gotrue_meta_security: {} }),
    });
  } catch {
    throw new AuthFailure("Could not reach the sign-in service. Check your connection and try again.");
  }
  if (!res.ok) throw new AuthFailure(gotrueMessage(await res.json().catch(() => null), res.status));
}

export interface FragmentSession {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number | null;
  type: string | null;
}

/** The session (or the error, in words) Supabase put in the fragment; null when there is neither. */
export function readFragment(hash: string): FragmentSession | AuthFailure | null {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (p.get("error") || p.get("error_code")) {
    const code = p.get("error_code");
    const words = p.get("error_description") ?? p.get("error") ?? "unknown error";
    return new AuthFailure(code === "otp_expired" ? "This sign-in link has expired or was already used. Ask for a new one below." : `Sign-in failed: ${words}`);
  }
  const accessToken = p.get("access_token");
  if (!accessToken) return null;
  if ((p.get("token_type") ?? "bearer").toLowerCase() !== "bearer") return new AuthFailure("Sign-in failed: an unexpected kind of token came back.");
  const expiresIn = Number(p.get("expires_in"));
  return { accessToken, refreshToken: p.get("refresh_token"), expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null, type: p.get("type") };
}
