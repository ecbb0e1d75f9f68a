/**
 * The sandbox farm: every design can be completed by a browser using its
 * ground truth, and each server rule (validation, CSRF, duplicates,
 * honeypots, rate limits, captchas, publication delay, e-mail confirmation)
 * behaves as a real directory's would. One Chromium, three pages at a time.
 */
import { pagePool } from "./support/page-pool";
import type { Browser, HTTPRequest } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../tools/lib/chromium.ts";
import { isFieldType } from "../../core/vocabulary.ts";
import { UI } from "../../tools/farm/i18n.ts";
import { submitWithGroundTruth } from "../../tools/farm/oracle.ts";
import { designs, expectedFieldTypes, generateVariants, sampleValue, sandboxCatalog, startFarm, type Design, type Farm, type Variant } from "../../tools/farm/index.ts";

const PUBLISH_DELAY_MS = 1500;
let farm: Farm;
let browser: Browser;

beforeAll(async () => {
  [farm, browser] = await Promise.all([startFarm({ publishDelayMs: PUBLISH_DELAY_MS, slowMs: 300 }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await farm?.close();
});

const withPage = pagePool(() => browser, 3);

/** A cookie-keeping HTTP client for the rule tests (no browser needed). */
class Client {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(path.startsWith("http") ? path : this.base + path, { ...init, headers, redirect: "manual" });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }
  get(path: string) {
    return this.request(path);
  }
  post(path: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request(path, { method: "POST", body });
  }
}

/** A valid body for a one-page design, from the sample business (captchas and tokens added by the caller). */
function validBody(design: Design, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const f of design.fields) {
    const v = sampleValue(f);
    if (v !== undefined) body[f.name] = v;
  }
  return { ...body, ...overrides };
}

const submitPath = (v: Variant) => `${v.basePath}${v.design.submitPath}`;
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe("every design accepts a correct submission from a browser", () => {
  it.concurrent.each(designs.map((d) => [d.id, d] as const))("%s", async (_id, design) => {
    const variant = farm.variantFor(design.id);
    await withPage(async (page) => {
      const outside: string[] = [];
      const watch = (r: HTTPRequest) => {
        const url = r.url();
        if (!url.startsWith(farm.url) && !url.startsWith("data:") && !url.startsWith("about:")) outside.push(url);
      };
      page.on("request", watch);
      try {
        const result = await submitWithGroundTruth(page, variant, { farmUrl: farm.url });
        expect(result.text).toContain(design.confirmation.text);
        const records = farm.submissions({ slug: variant.slug });
        const accepted = records.filter((s) => s.outcome === "accepted");
        expect(accepted, JSON.stringify(records.map((r) => [r.outcome, r.errors]))).toHaveLength(1);
        expect(records.every((s) => !s.honeypotFilled)).toBe(true);
        expect(records.map((s) => s.outcome).filter((o) => o !== "step" && o !== "accepted")).toEqual([]);
        // Exactly what was filled arrived, honeypots empty.
        for (const [name, value] of Object.entries(result.filled)) expect(accepted[0]!.fields[name], name).toEqual(value);
        for (const f of design.fields.filter((x) => x.type === "honeypot")) expect(accepted[0]!.fields[f.name] ?? "").toBe("");
        if (design.confirmation.showsListingUrl) expect(result.text).toContain(`/d/${variant.slug}/listing/${accepted[0]!.listingId}`);
        if (design.emailVerification) expect(farm.mails({ slug: variant.slug })).toHaveLength(1);
        expect(outside).toEqual([]);
      } finally {
        page.off("request", watch);
      }
    });
  });
});

// Independent of each other (each uses its own directories), so they run side by side.
describe.concurrent("server rules", () => {
  it("validation errors re-render the form naming each field, and create no listing", async () => {
    const variant = farm.variantsFor("strict-validation")[1]!;
    const client = new Client(farm.url);
    const response = await client.post(submitPath(variant), validBody(variant.design, { phone: "415-555-0142", website: "boltbakery.example", city: "", short_description: "x".repeat(161) }));
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain("Phone (international format, e.g. +1 555 123 4567): please enter a valid value.");
    expect(html).toContain("Website (must start with http:// or https://): please enter a valid value.");
    expect(html).toContain("City is required.");
    expect(html).toContain("Short description must be at most 160 characters.");
    expect(html).toContain('value="Bolt Bakery &amp; Café"'); // values kept
    const [record] = farm.submissions({ slug: variant.slug });
    expect(record!.outcome).toBe("invalid");
    expect(record!.errors.map((e) => e.field).sort()).toEqual(["city", "phone", "short_description", "website"]);
    expect(farm.listings({ slug: variant.slug })).toEqual([]);
  });

  it("errors name the field in the directory's language", async () => {
    const variant = farm.variantsFor("de-branchenbuch")[1]!;
    const html = await (await new Client(farm.url).post(submitPath(variant), validBody(variant.design, { telefon: "abc" }))).text();
    expect(html).toContain("Telefon: Bitte geben Sie einen gültigen Wert ein.");
  });

  it("a missing or foreign CSRF token is refused; the session's own token passes", async () => {
    const variant = farm.variantsFor("django-csrf")[1]!;
    const client = new Client(farm.url);
    expect((await client.post(submitPath(variant), validBody(variant.design))).status).toBe(403);
    const token = hidden(await (await client.get(submitPath(variant))).text(), "csrfmiddlewaretoken")!;
    // The same token from a client without the session cookie is refused too.
    expect((await new Client(farm.url).post(submitPath(variant), validBody(variant.design, { csrfmiddlewaretoken: token }))).status).toBe(403);
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["csrf", "csrf"]);
    const ok = await client.post(submitPath(variant), validBody(variant.design, { csrfmiddlewaretoken: token }));
    expect(ok.status).toBe(303);
    expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
  });

  it("a second submission of the same business (name + phone) is refused as already listed", async () => {
    const variant = farm.variantsFor("classic-for")[1]!;
    const client = new Client(farm.url);
    expect((await client.post(submitPath(variant), validBody(variant.design))).status).toBe(303);
    const again = await client.post(submitPath(variant), validBody(variant.design, { phone: "(415) 555-0142", business_name: "bolt bakery & café " }));
    expect(await again.text()).toContain("A listing for this business already exists");
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["accepted", "duplicate"]);
    expect(farm.listings({ slug: variant.slug })).toHaveLength(1);
  });

  it("marks every post of a business the directory already lists as a repeat, whatever its outcome", async () => {
    const variant = farm.variantsFor("classic-for")[3]!;
    const client = new Client(farm.url);
    expect((await client.post(submitPath(variant), validBody(variant.design))).status).toBe(303);
    // Refused as a duplicate, and refused for a bad value: both are second posts of the listing.
    await client.post(submitPath(variant), validBody(variant.design));
    await client.post(submitPath(variant), validBody(variant.design, { email: "not an address" }));
    expect(farm.submissions({ slug: variant.slug }).map((s) => [s.outcome, s.repeat ?? false])).toEqual([
      ["accepted", false],
      ["duplicate", true],
      ["invalid", true],
    ]);
  });

  it("a filled honeypot is recorded as a bot and rejected", async () => {
    const variant = farm.variantsFor("wrapped-labels")[1]!;
    const response = await new Client(farm.url).post(submitPath(variant), validBody(variant.design, { fax_number: "+1 415 555 0143" }));
    expect(response.status).toBe(400);
    const [record] = farm.submissions({ slug: variant.slug });
    expect(record).toMatchObject({ outcome: "honeypot", honeypotFilled: true });
    expect(farm.listings({ slug: variant.slug })).toEqual([]);
  });

  it("a rate-limited directory answers 429 with Retry-After", async () => {
    const variant = farm.variantsFor("rate-limited")[1]!;
    const client = new Client(farm.url);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r = await client.get(submitPath(variant));
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("retry-after");
    }
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("a flaky directory's first request fails with 503 and Retry-After, the retry works", async () => {
    const variant = farm.variantsFor("flaky-first")[1]!;
    const first = await fetch(farm.url + submitPath(variant));
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await fetch(farm.url + submitPath(variant))).status).toBe(200);
  });

  it("the listing page and search find a listing only after the publish delay", async () => {
    const variant = farm.variantsFor("classic-for")[2]!;
    const client = new Client(farm.url);
    const posted = await client.post(submitPath(variant), validBody(variant.design));
    const thanks = posted.headers.get("location")!;
    expect(thanks).toMatch(/thanks\?ref=/);
    const listing = farm.listings({ slug: variant.slug })[0]!;
    expect(await (await client.get(thanks)).text()).toContain(listing.url);
    expect(listing.status).toBe("pending");
    expect((await client.get(listing.url)).status).toBe(404);
    expect(await (await client.get(`${variant.basePath}search?q=bolt`)).text()).not.toContain(listing.url.replace(farm.url, ""));
    await new Promise((r) => setTimeout(r, Date.parse(listing.publishAt!) - Date.now() + 50));
    const page = await client.get(listing.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Bolt Bakery &amp; Café");
    expect(await (await client.get(`${variant.basePath}search?q=bolt`)).text()).toContain(listing.url.replace(farm.url, ""));
  });

  it("e-mail verification: pending until the mailed link is opened, published after the delay", async () => {
    const variant = farm.variantsFor("email-verify")[1]!;
    const client = new Client(farm.url);
    const response = await client.post(submitPath(variant), validBody(variant.design));
    expect(await response.text()).toContain(UI.en.emailPending);
    const [mail] = farm.mails({ slug: variant.slug });
    expect(mail!.to).toBe("owner@boltbakery.example");
    expect(mail!.text).toContain(mail!.link);
    expect(farm.listings({ slug: variant.slug })[0]!.status).toBe("awaiting-email");
    expect(await (await client.get(mail!.link)).text()).toContain(UI.en.emailConfirmed);
    expect(farm.listings({ slug: variant.slug })[0]!.status).toBe("pending");
    await new Promise((r) => setTimeout(r, PUBLISH_DELAY_MS + 50));
    expect(farm.listings({ slug: variant.slug })[0]!.status).toBe("published");
  });

  it("a wizard page cannot be reached before the ones in front of it", async () => {
    const variant = farm.variantsFor("wizard-3")[1]!;
    const response = await new Client(farm.url).get(`${submitPath(variant)}?step=3`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${submitPath(variant)}?step=1`);
  });
});

describe.concurrent("captchas and the solver stand-in", () => {
  it("an image captcha: answer only via the test endpoint or the solver, wrong answers refused", async () => {
    const variant = farm.variantsFor("image-captcha")[1]!;
    const client = new Client(farm.url);
    const form = await (await client.get(submitPath(variant))).text();
    const id = hidden(form, "captcha_id")!;
    const src = /<img src="([^"]+)"/.exec(form)![1]!;
    const svg = await (await client.get(src)).text();
    const { answer } = (await (await fetch(`${farm.url}/__farm/captcha/${id}`)).json()) as { answer: string };
    expect(answer).toMatch(/^[A-Z0-9]{5}$/);
    expect(form).not.toContain(answer);
    expect(svg).not.toContain(answer);
    expect(svg).not.toContain("<text");

    // 2Captcha wire format: in.php → OK|id; res.php → CAPCHA_NOT_READY, then OK|answer.
    const created = await (await fetch(`${farm.solverUrl}/in.php`, { method: "POST", body: new URLSearchParams({ key: "k", method: "base64", body: Buffer.from(svg).toString("base64") }) })).text();
    expect(created).toMatch(/^OK\|\d+$/);
    const res = `${farm.solverUrl}/res.php?key=k&action=get&id=${created.slice(3)}`;
    expect(await (await fetch(res)).text()).toBe("CAPCHA_NOT_READY");
    expect(await (await fetch(res)).text()).toBe(`OK|${answer}`);

    const wrong = await client.post(submitPath(variant), validBody(variant.design, { captcha_id: id, captcha_code: answer === "AAAAA" ? "CCCCC" : "AAAAA" }));
    expect(await wrong.text()).toContain("Enter the characters shown in the image: the verification failed");
    // A challenge is good for one attempt: the right answer to the used one fails too.
    await client.post(submitPath(variant), validBody(variant.design, { captcha_id: id, captcha_code: answer }));
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["captcha", "captcha"]);
    const fresh = hidden(await (await client.get(submitPath(variant))).text(), "captcha_id")!;
    await client.post(submitPath(variant), validBody(variant.design, { captcha_id: fresh, captcha_code: farm.captchaAnswer(fresh)!.toLowerCase() }));
    expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
  });

  it("a token captcha accepts one solver token for its own site key, once", async () => {
    const [variant, other] = farm.variantsFor("recaptcha-token").slice(1, 3) as [Variant, Variant];
    const client = new Client(farm.url);
    const form = await (await client.get(submitPath(variant))).text();
    const siteKey = /data-sitekey="([^"]+)"/.exec(form)![1]!;
    expect(siteKey).toBe(variant.siteKey);
    const solve = async (key: string) => {
      const q = new URLSearchParams({ key: "k", method: "userrecaptcha", googlekey: key, pageurl: farm.url + submitPath(variant), json: "1" });
      const created = (await (await fetch(`${farm.solverUrl}/in.php?${q}`)).json()) as { status: number; request: string };
      expect(created.status).toBe(1);
      const res = `${farm.solverUrl}/res.php?key=k&action=get&json=1&id=${created.request}`;
      expect(await (await fetch(res)).json()).toEqual({ status: 0, request: "CAPCHA_NOT_READY" });
      return ((await (await fetch(res)).json()) as { request: string }).request;
    };
    const foreign = await solve(other.siteKey);
    await client.post(submitPath(variant), validBody(variant.design, { "g-recaptcha-response": foreign }));
    const token = await solve(siteKey);
    expect((await client.post(submitPath(variant), validBody(variant.design, { "g-recaptcha-response": token }))).status).toBe(303);
    await client.post(submitPath(variant), validBody(variant.design, { "g-recaptcha-response": token, company_name: "Another Bakery" }));
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["captcha", "accepted", "captcha"]);
    expect(await (await fetch(`${farm.solverUrl}/in.php?key=k&method=userrecaptcha&googlekey=x`)).text()).toBe("ERROR_PAGEURL");
  });
});

describe("records, reset and landing page", () => {
  it("submissions are served as JSON and reset empties them", async () => {
    const small = await startFarm({ variants: 60, seed: "records" });
    try {
      const variant = small.variants.find((v) => !v.design.csrf && v.design.steps === 1 && !v.requiresCaptcha && !v.design.flakyFirstRequest && v.design.delivery === "html")!;
      await new Client(small.url).post(submitPath(variant), validBody(variant.design));
      const served = (await (await fetch(`${small.url}/__farm/submissions?slug=${variant.slug}`)).json()) as unknown[];
      expect(served).toEqual(JSON.parse(JSON.stringify(small.submissions({ slug: variant.slug }))));
      expect(served).toHaveLength(1);
      expect((await fetch(`${small.url}/__farm/reset`, { method: "POST" })).status).toBe(204);
      expect(await (await fetch(`${small.url}/__farm/submissions`)).json()).toEqual([]);
      expect(small.listings()).toEqual([]);
      const landing = await (await fetch(small.url + "/")).text();
      for (const v of small.variants) expect(landing).toContain(v.basePath);
      const catalog = (await (await fetch(`${small.url}/__farm/catalog?count=10`)).json()) as { submitUrl: string }[];
      expect(catalog.map((r) => r.submitUrl)).toEqual(small.catalog(10).map((r) => r.submitUrl));
    } finally {
      await small.close();
    }
  });
});

describe("configurable faults", () => {
  it("flakyRate answers 5xx and records the lost submission; slowRate delays pages", async () => {
    const flaky = await startFarm({ variants: 30, seed: "faults", flakyRate: 1, slowRate: 1, slowMs: 200 });
    try {
      const variant = flaky.variants.find((v) => !v.design.flakyFirstRequest && v.design.delivery === "html")!;
      const started = Date.now();
      const page = await fetch(flaky.url + submitPath(variant));
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      expect([500, 502, 503]).toContain(page.status);
      const posted = await new Client(flaky.url).post(submitPath(variant), validBody(variant.design));
      expect(posted.status).toBeGreaterThanOrEqual(500);
      expect(flaky.submissions().map((s) => s.outcome)).toEqual(["server-error"]);
    } finally {
      await flaky.close();
    }
  });
});

describe("designs and generator", () => {
  it("has at least 40 designs covering the variety of real directories", () => {
    expect(designs.length).toBeGreaterThanOrEqual(40);
    const styles = new Set(designs.flatMap((d) => [d.labelStyle, ...d.fields.map((f) => f.labelStyle)]).filter(Boolean));
    for (const s of ["for", "wrap", "aria-labelledby", "placeholder", "table", "nearby"]) expect(styles).toContain(s);
    const languages = new Set(designs.map((d) => d.language));
    for (const l of ["en", "de", "fr", "es", "it", "nl", "pt"]) expect(languages).toContain(l);
    const controls = new Set(designs.flatMap((d) => d.fields.map((f) => f.control)));
    for (const c of ["listbox", "checkboxes", "select", "checkbox", "captcha-image", "captcha-token"]) expect(controls).toContain(c);
    const deliveries = new Set(designs.map((d) => d.delivery));
    for (const d of ["html", "js-built", "spa-fetch", "iframe"]) expect(deliveries).toContain(d);
    expect(designs.some((d) => d.steps === 3)).toBe(true);
    expect(designs.some((d) => d.fields.some((f) => f.group))).toBe(true);
    expect(new Set(designs.flatMap((d) => d.fields.map((f) => f.honeypot)).filter(Boolean)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(designs.map((d) => d.confirmation.kind))).toEqual(new Set(["page", "redirect", "inline"]));
  });

  it("declares a vocabulary type for every control", () => {
    for (const design of designs) {
      const truth = expectedFieldTypes(design);
      expect(Object.keys(truth)).toHaveLength(design.fields.length);
      for (const type of Object.values(truth)) expect(isFieldType(type), `${design.id}: ${type}`).toBe(true);
      expect(Object.values(truth)).toContain("organization");
    }
  });

  it("generates the same directories for the same seed, prefix-stable, with every plan covered", () => {
    const a = generateVariants(520, "s1");
    expect(generateVariants(520, "s1")).toEqual(a);
    expect(generateVariants(100, "s1")).toEqual(a.slice(0, 100));
    expect(generateVariants(520, "s2").map((v) => v.slug)).not.toEqual(a.map((v) => v.slug));
    expect(new Set(a.map((v) => v.slug)).size).toBe(520);
    expect(new Set(a.map((v) => v.name)).size).toBe(520);
    const upTo = (t: number) => a.filter((v) => v.tier <= t).length;
    expect(upTo(1)).toBeGreaterThanOrEqual(60);
    expect(upTo(2)).toBeGreaterThanOrEqual(110);
    expect(upTo(3)).toBeGreaterThanOrEqual(320);
    expect(new Set(a.filter((v) => v.tier === 1).map((v) => v.design.id)).size).toBe(designs.length);
  });

  it("builds sandbox catalog rows pointing at the farm", () => {
    const rows = sandboxCatalog("http://127.0.0.1:9999/", 520);
    expect(rows).toHaveLength(520);
    for (const row of rows) {
      const design = designs.find((d) => row.notes.includes(`design ${d.id}:`))!;
      expect(row.submitUrl).toBe(`http://127.0.0.1:9999/d/${row.slug}/${design.submitPath}`);
      expect(row.website).toBe(`http://127.0.0.1:9999/d/${row.slug}/`);
      expect(row.daScore).toBeGreaterThanOrEqual(0);
      expect(row.daScore).toBeLessThanOrEqual(100);
      expect(row.country).toMatch(/^[A-Z]{2}$/);
      expect(design.countries).toContain(row.country);
      expect(row.language).toBe(design.language);
      expect(row).toMatchObject({ automation: "automated", listingCost: "free", factsVerified: true, sandbox: true, requiresPhoneVerification: false });
      expect(row.requiresCaptcha).toBe(design.fields.some((f) => f.type === "captcha"));
      expect(["instant", "review", "email"]).toContain(row.approvalType);
    }
    expect(rows.filter((r) => r.requiresEmailVerification).every((r) => r.approvalType === "email")).toBe(true);
  });
});

describe("visitors' enquiries (issue 18)", () => {
  it("with `enquiries`, a forwarding design mails one visitor's question to the listing's e-mail once it is public; without, none", async () => {
    const withEnquiries = await startFarm({ publishDelayMs: 200, enquiries: true });
    try {
      const variant = withEnquiries.variantFor("email-verify");
      expect(variant.design.forwardsEnquiries).toBe(true);
      const client = new Client(withEnquiries.url);
      const posted = await client.post(submitPath(variant), validBody(variant.design, { email: "v-listing@verify.example" }));
      expect(posted.status).toBeLessThan(400);
      const [verification] = withEnquiries.mails({ slug: variant.slug });
      expect(verification!.kind ?? "verification").toBe("verification");
      // Nothing is forwarded before the listing is confirmed and public.
      await new Promise((r) => setTimeout(r, 500));
      expect(withEnquiries.mails({ slug: variant.slug })).toHaveLength(1);
      expect((await client.get(verification!.link)).status).toBe(200);
      await client.get(verification!.link); // a second click sends no second enquiry
      await expect.poll(() => withEnquiries.mails({ slug: variant.slug }).length, { timeout: 5_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 500));
      const mails = withEnquiries.mails({ slug: variant.slug });
      expect(mails).toHaveLength(2);
      const [listing] = withEnquiries.listings({ slug: variant.slug });
      expect(listing!.status).toBe("published");
      expect(mails[1]).toMatchObject({ kind: "enquiry", to: "v-listing@verify.example", link: listing!.url, listingId: listing!.id });
      expect(mails[1]!.text).not.toContain("verify?token=");
    } finally {
      await withEnquiries.close();
    }
    // The shared farm runs without: its verifying designs sent only their verification mails.
    await new Promise((r) => setTimeout(r, PUBLISH_DELAY_MS + 300));
    expect(farm.mails().filter((m) => m.kind === "enquiry")).toEqual([]);
  });
});
