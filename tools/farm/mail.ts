/**
 * The farm's verification mails as real RFC 822 messages (multipart text and
 * HTML, UTF-8, base64 bodies, RFC 2047 headers), delivered by HTTP POST to a
 * mail endpoint: wrangler dev's `/cdn-cgi/handler/email?from=&to=`, which
 * runs the Worker's `email` handler as Email Routing would, with the
 * authentication results Email Routing's MX would have added.
 */
import { randomBytes } from "node:crypto";
import type { FarmMail } from "./types.ts";

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`;
}

function base64Lines(s: string): string {
  return (
    Buffer.from(s, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n");
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function rawMail(mail: FarmMail, directoryName: string): string {
  const boundary = `farm-${randomBytes(8).toString("hex")}`;
  const domain = mail.from.split("@")[1] ?? "farm.invalid";
  const html = `<!doctype html><html><body><p>${escapeHtml(mail.text.split("\n")[0] ?? "")}</p><p><a href="${escapeHtml(mail.link)}">${escapeHtml(mail.subject)}</a></p><p>${escapeHtml(directoryName)}</p></body></html>`;
  return [
    `From: ${encodeWord(directoryName).replace(/[",]/g, "")} <${mail.from}>`,
    `To: <${mail.to}>`,
    `Subject: ${encodeWord(mail.subject)}`,
    `Date: ${new Date(mail.at).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${mail.listingId}.${randomBytes(4).toString("hex")}@${domain}>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(`${mail.text}\n${directoryName}\n`),
    `--${boundary}`,
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(html),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/**
 * The header Cloudflare Email Routing's MX prepends to every mail it hands the
 * Worker (authserv-id `mx.cloudflare.net`, RFC 8601 / RFC 8617 format), for
 * the results given. Locally no MX stands between the farm and wrangler's
 * email handler, so the farm's delivery plays it.
 */
export function mxAuthenticationResults(results: { dkim?: string; spf?: string }): string {
  const parts = ["i=1; mx.cloudflare.net"];
  parts.push(results.dkim ? `dkim=pass header.d=${results.dkim} header.s=farm header.b=ZmFybQ` : "dkim=none");
  parts.push(results.spf ? `spf=pass (mx.cloudflare.net: domain of ${results.spf} designates 127.0.0.1 as permitted sender) smtp.mailfrom=${results.spf}` : "spf=none");
  parts.push("arc=none smtp.remote-ip=127.0.0.1");
  return `ARC-Authentication-Results: ${parts.join(";\r\n\t")}\r\n`;
}

/**
 * POSTs the mail to the endpoint, and again while it fails, as a sending MTA
 * keeps a message queued while the receiver is down (1, 2, 4 ... 60 s apart,
 * about 3 minutes in all: a restarted wrangler dev is back well within it);
 * returns the last HTTP status (0: unreachable).
 */
export async function deliverMail(endpoint: string, mail: FarmMail, directoryName: string, attempts = 9): Promise<number> {
  const url = new URL(endpoint);
  url.searchParams.set("from", mail.from);
  url.searchParams.set("to", mail.to);
  // The farm's mail leaves the farm's own host, which its SPF would allow; it signs nothing (no DKIM).
  const body = mxAuthenticationResults({ spf: mail.from }) + rawMail(mail, directoryName);
  let status = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "message/rfc822" }, signal: AbortSignal.timeout(30_000) });
      status = res.status;
      await res.arrayBuffer();
      if (res.ok) return status;
    } catch {
      status = 0;
    }
    if (i + 1 < attempts) await new Promise((r) => setTimeout(r, Math.min(60_000, 1_000 * 2 ** i)));
  }
  return status;
}
