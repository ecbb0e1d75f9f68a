/**
 * Regressions the fuzz project (test/fuzz) found: the routes that read their
 * body through `jsonBody` (worker API, local sign-in, staff cancel) parsed
 * bodies of any size. Past 64 KiB they now answer 413 without parsing,
 * whether the size is declared or only counted (a chunked body).
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";

const big = JSON.stringify({ workerId: "w".repeat(70 * 1024), email: "a@example.com", reason: "x".repeat(70 * 1024) });

/** A body with no Content-Length: the Worker must count it. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
      controller.close();
    },
  });
}

describe("oversized JSON bodies", () => {
  it("are a 413 on every jsonBody route, declared or streamed, and a body under the limit is still read", async () => {
    const staff = `Bearer ${await signUserToken(env, { userId: crypto.randomUUID(), staff: true })}`;
    const worker = `Bearer ${env.WORKER_API_TOKEN}`;
    const routes: [string, string | null][] = [
      ["/api/jobs/next", worker],
      ["/api/jobs/update", worker],
      ["/api/jobs/complete", worker],
      ["/api/worker/update-progress", worker],
      ["/api/jobs/retry", staff],
      [`/api/staff/jobs/${crypto.randomUUID()}/cancel`, staff],
      ["/api/auth/local-sign-in", null],
    ];
    for (const [path, authorization] of routes) {
      for (const body of [big, chunked(big)]) {
        const res = await exports.default.fetch(`http://localhost${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body,
          // @ts-expect-error: workerd wants duplex for a streamed request body
          duplex: "half",
        });
        expect(res.status, path).toBe(413);
        expect(await res.json(), path).toEqual({ error: { code: "payload_too_large", message: "The body is larger than 64 KiB" } });
      }
    }
    // Just under the limit: read and judged on its content.
    const res = await exports.default.fetch("http://localhost/api/auth/local-sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@example.com", pad: "x".repeat(60 * 1024) }),
    });
    expect(res.status).toBe(200);
  });
});
