/**
 * The e-mail provider adapter: Resend's HTTP API (`POST /emails`, JSON, bearer
 * key). Any provider that speaks this wire format works by changing
 * EMAIL_API_URL. The notification id goes as `Idempotency-Key`, so even a send
 * that reached the provider but whose answer was lost is not delivered twice.
 */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendResult = { ok: true; id: string } | { ok: false; permanent: boolean; error: string };

export interface EmailConfig {
  apiKey: string;
  from: string;
  /** Base URL of the provider's API; default Resend's. */
  apiUrl?: string;
  fetch?: typeof fetch;
}

export const DEFAULT_EMAIL_API_URL = "https://api.resend.com";

export async function sendEmail(config: EmailConfig, message: EmailMessage, idempotencyKey: string): Promise<SendResult> {
  const doFetch = config.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${(config.apiUrl || DEFAULT_EMAIL_API_URL).replace(/\/$/, "")}/emails`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        "content-type": "application/json",
        "idempotency-key": idempotencyKey,
      },
      body: JSON.stringify({ from: config.from, to: [message.to], subject: message.subject, text: message.text, html: message.html }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    return { ok: false, permanent: false, error: `network: ${err instanceof Error ? err.message : String(err)}` };
  }
  const body = (await res.json().catch(() => null)) as { id?: string; message?: string; name?: string } | null;
  if (res.ok && body?.id) return { ok: true, id: body.id };
  // 408, 409 (idempotent request in progress), 429 and 5xx are worth retrying; other 4xx are not.
  const permanent = res.status >= 400 && res.status < 500 && ![408, 409, 429].includes(res.status);
  return { ok: false, permanent, error: `${res.status} ${body?.name ?? ""} ${body?.message ?? ""}`.trim().slice(0, 500) };
}
