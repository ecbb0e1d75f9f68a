/**
 * The captcha solver client against the farm's stand-in of 2Captcha's JSON
 * API: the API key travels in the POSTed body as `clientKey`, never in a
 * URL (proxies and access logs keep URLs), and the service's errors come
 * back by their code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaptchaError, TwoCaptchaClient } from "../../browser-worker/src/captcha/two-captcha.ts";
import { startFarm, type Farm } from "../../tools/farm/index.ts";

let farm: Farm;
beforeAll(async () => {
  farm = await startFarm({ variants: 130 });
});
afterAll(async () => {
  await farm?.close();
});

const KEY = "k-3f9c2a7e51d04b8c";

/** fetch, recording every URL and body it was given. */
function recording() {
  const calls: { url: string; method: string; body: string }[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), method: init?.method ?? "GET", body: typeof init?.body === "string" ? init.body : String(init?.body ?? "") });
    return fetch(input, init);
  };
  return { calls, fetcher };
}

describe("2Captcha client", () => {
  it("sends the key only in the body of POSTs, and gets a token for a reCAPTCHA", async () => {
    const { calls, fetcher } = recording();
    const client = new TwoCaptchaClient({ baseUrl: farm.solverUrl, apiKey: KEY, pollIntervalMs: 20, fetch: fetcher });
    const variant = farm.variantFor("recaptcha-token");
    const token = await client.solve({ kind: "recaptcha", siteKey: variant.siteKey, pageUrl: `${farm.url}${variant.basePath}` });
    expect(token.length).toBeGreaterThan(10);
    expect(client.stats).toEqual({ solved: 1, failed: 0 });
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.method).toBe("POST");
      expect(call.url).not.toContain(KEY);
      expect(JSON.parse(call.body)).toMatchObject({ clientKey: KEY });
    }
    expect(calls.map((c) => c.url.replace(farm.solverUrl, ""))).toEqual(["/createTask", ...calls.slice(1).map(() => "/getTaskResult")]);
  });

  it("names the service's error by its code: a missing key, a task without its page", async () => {
    const noKey = new TwoCaptchaClient({ baseUrl: farm.solverUrl, apiKey: "", pollIntervalMs: 20 });
    const refused = await noKey.solve({ kind: "hcaptcha", siteKey: "x", pageUrl: "https://example.com/" }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CaptchaError);
    expect((refused as CaptchaError).code).toBe("ERROR_KEY_DOES_NOT_EXIST");
    const client = new TwoCaptchaClient({ baseUrl: farm.solverUrl, apiKey: KEY, pollIntervalMs: 20 });
    const noPage = await client.solve({ kind: "recaptcha", siteKey: "x", pageUrl: "" }).catch((err: unknown) => err);
    expect((noPage as CaptchaError).code).toBe("ERROR_PAGEURL");
    expect(client.stats).toEqual({ solved: 0, failed: 1 });
  });
});
