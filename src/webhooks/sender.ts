/**
 * Sends the outgoing-webhook outbox (table `webhook_deliveries`), from the
 * cron (src/scheduled.ts), the way the e-mail outbox is sent: claim due rows
 * with a lease (a concurrent drain skips them), POST each signed body, then
 * mark it delivered (a 2xx) or back off (anything else, a network error, a
 * timeout). A delivered row is never picked again; after MAX_ATTEMPTS, or
 * when the endpoint is gone or its URL no longer passes the policy, it is
 * `failed`. Redirects are not followed: a 3xx is a failure, so a receiver
 * cannot bounce the request to a host the policy refused.
 */
import type pg from "pg";
import { log } from "../../core/log";
import { backoffSeconds, MAX_ATTEMPTS } from "../notifications/outbox";
import { SIGNATURE_HEADER, signWebhookBody } from "./signature";
import { checkWebhookUrl } from "./url-policy";

export interface WebhookDrainResult {
  delivered: number;
  retrying: number;
  failed: number;
}

interface ClaimedDelivery {
  id: string;
  job_event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  active: boolean;
}

export async function drainWebhookDeliveries(client: pg.Client, options: { development: boolean; fetch?: typeof fetch; limit?: number; timeoutMs?: number }): Promise<WebhookDrainResult> {
  const doFetch = options.fetch ?? fetch;
  const claimed = await client.query<ClaimedDelivery>(
    `with due as (
       select id from webhook_deliveries
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at limit $1 for update skip locked
     )
     update webhook_deliveries w set next_attempt_at = now() + interval '5 minutes', attempts = w.attempts + 1
       from due, webhook_endpoints e
      where w.id = due.id and e.id = w.endpoint_id
     returning w.id, w.job_event_id::text, w.event_type, w.body, w.attempts, e.url, e.secret, e.active`,
    [options.limit ?? 50],
  );
  const result: WebhookDrainResult = { delivered: 0, retrying: 0, failed: 0 };
  for (const row of claimed.rows) {
    const policy = checkWebhookUrl(row.url, { development: options.development });
    if (!row.active || !policy.ok) {
      const reason = !policy.ok ? `endpoint URL refused: ${policy.reason}` : "endpoint disabled";
      await client.query("update webhook_deliveries set status = 'failed', last_error = $2 where id = $1 and status = 'pending'", [row.id, reason]);
      result.failed++;
      continue;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await doFetch(policy.url, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "user-agent": "DirectoryBolt-Webhooks/1",
          [SIGNATURE_HEADER]: await signWebhookBody(row.secret, row.body, timestamp),
          "DirectoryBolt-Event-Id": `evt_${row.job_event_id}`,
          "DirectoryBolt-Event-Type": row.event_type,
          "DirectoryBolt-Delivery-Id": row.id,
        },
        body: row.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      status = res.status;
      // The receiver's answer is not needed; release the connection.
      await res.body?.cancel().catch(() => {});
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    }
    if (error === null) {
      await client.query("update webhook_deliveries set status = 'delivered', delivered_at = now(), last_status = $2, last_error = null where id = $1 and status = 'pending'", [row.id, status]);
      result.delivered++;
    } else if (row.attempts >= MAX_ATTEMPTS) {
      await client.query("update webhook_deliveries set status = 'failed', last_status = $2, last_error = $3 where id = $1 and status = 'pending'", [row.id, status, error]);
      result.failed++;
    } else {
      await client.query("update webhook_deliveries set last_status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) where id = $1 and status = 'pending'", [
        row.id,
        status,
        error,
        backoffSeconds(row.attempts),
      ]);
      result.retrying++;
    }
  }
  if (claimed.rows.length) log("info", "webhook deliveries sent", { ...result });
  return result;
}
