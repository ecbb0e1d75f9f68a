/**
 * A local stand-in for the e-mail provider, in its real wire format (Resend's
 * `POST /emails`: bearer key, JSON `{ from, to[], subject, text, html }`,
 * `Idempotency-Key`; answers `200 { id }`), so the Worker's own client
 * (src/notifications/email.ts) is what talks to it. Point EMAIL_API_URL at
 * `url`. It keeps what it was sent; a repeated idempotency key is answered
 * with the first id and not kept twice, as the provider does.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SentEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  idempotencyKey: string | null;
}

export interface EmailStandIn {
  url: string;
  sent: SentEmail[];
  close(): Promise<void>;
}

export async function startEmailStandIn(options: { port?: number; apiKey: string }): Promise<EmailStandIn> {
  const sent: SentEmail[] = [];
  const byKey = new Map<string, SentEmail>();
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/emails") return answer(404, { name: "not_found", message: "Unknown route" });
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) return answer(401, { name: "missing_api_key", message: "API key is invalid" });
      let body: Partial<SentEmail>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<SentEmail>;
      } catch {
        return answer(422, { name: "validation_error", message: "Invalid JSON" });
      }
      if (!body.from || !Array.isArray(body.to) || body.to.length === 0 || !body.subject) return answer(422, { name: "validation_error", message: "from, to and subject are required" });
      const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
      const earlier = key ? byKey.get(key) : undefined;
      if (earlier) return answer(200, { id: earlier.id });
      const email: SentEmail = { id: randomUUID(), from: body.from, to: body.to, subject: body.subject, text: body.text ?? "", html: body.html ?? "", idempotencyKey: key };
      sent.push(email);
      if (key) byKey.set(key, email);
      answer(200, { id: email.id });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
