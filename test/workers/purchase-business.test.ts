/**
 * PUT/GET /api/business: customer auth, account linking by email, every
 * field validated and normalised (each bad field named, nothing written),
 * Unicode kept exactly, and the job starting once payment and profile are
 * both in, in either order.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { LOCAL_ISSUER, signUserToken } from "../../src/auth/user-token";
import { checkoutSession, count, customerToken, deliver, query, refundedCharge, seedSandboxCatalog, stripeEvent, uniq } from "./support/purchase";

beforeAll(async () => {
  await seedSandboxCatalog(uniq("bz"), 30);
}, 120_000);

const put = (token: string | null, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch("http://localhost/api/business", {
    method: "PUT",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (token: string) => exports.default.fetch("http://localhost/api/business", { headers: { authorization: `Bearer ${token}` } });

/** A complete, valid profile (German café), as a customer would type it. */
function profile(overrides: Record<string, unknown> = {}) {
  return {
    businessName: "Café Müller & Söhne",
    street: "Königstraße 12",
    city: "Stuttgart",
    region: "Baden-Württemberg",
    postalCode: "70173",
    country: "de",
    phone: "0711 123456",
    website: "cafe-mueller.de",
    email: "Hallo@Cafe-Mueller.DE",
    shortDescription: "Familiengeführtes Café und Konditorei seit 1952.",
    longDescription: "Wir backen jeden Morgen frisch.\r\n\r\n\r\nKaffee aus eigener Röstung.",
    categories: ["Café", "Konditorei", "café"],
    hours: {
      mon: [
        ["14:00", "18:00"],
        ["8:00", "12:30"],
      ],
      sat: [["09:00", "13:00"]],
      sun: [],
    },
    socialLinks: { instagram: "instagram.com/cafemueller", facebook: "https://www.facebook.com/cafemueller" },
    serviceArea: false,
    ...overrides,
  };
}

async function footprint(email: string) {
  return {
    customers: await count("select 1 from customers where email = $1", [email]),
    profiles: await count("select 1 from business_profiles p join customers c on c.id = p.customer_id where c.email = $1", [email]),
  };
}

describe("authentication", () => {
  it("is 401 without a token or with a bad one, before reading the body", async () => {
    const none = await put(null, profile());
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "unauthenticated" } });
    expect((await put("not-a-token", profile())).status).toBe(401);
    expect((await exports.default.fetch("http://localhost/api/business")).status).toBe(401);
  });

  it("is 403 for a token without an email", async () => {
    const token = await signUserToken(env, { userId: crypto.randomUUID() });
    const res = await put(token, profile());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "email_required" } });
  });
});

describe("PUT /api/business", () => {
  it("keeps the contact name directories ask for, and names it when it is too long", async () => {
    const { token } = await customerToken(`${uniq("contact")}@example.com`);
    const ok = await put(token, profile({ contactName: "  Ada   Lovelace " }));
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(((await ok.json()) as { profile: { contactName: string } }).profile.contactName).toBe("Ada Lovelace");
    const bad = await put(token, profile({ contactName: "x".repeat(121) }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { fields: Record<string, string> } } }).error.details.fields).toHaveProperty("contactName");
  });

  it("normalises and stores the profile; Unicode names and addresses round-trip exactly (NFC)", async () => {
    const email = `${uniq("uni")}@example.com`;
    const { token } = await customerToken(email);
    const nfd = "Cafe\u0301 Mu\u0308ller & So\u0308hne"; // decomposed accents
    const res = await put(token, profile({ businessName: `  ${nfd}  `, street: "東京都千代田区丸の内1-9-1", city: "東京", region: null, country: "JP", postalCode: "1000005", phone: "03-1234-5678" }));
    expect(res.status, await res.clone().text()).toBe(200);
    const saved = (await res.json()) as { profile: Record<string, unknown>; complete: boolean; missing: string[]; jobsReady: string[] };
    expect(saved.complete).toBe(true);
    expect(saved.missing).toEqual([]);
    expect(saved.jobsReady).toEqual([]);
    expect(saved.profile).toEqual({
      businessName: "Café Müller & Söhne",
      contactName: null,
      street: "東京都千代田区丸の内1-9-1",
      city: "東京",
      region: null,
      postalCode: "100-0005",
      country: "JP",
      phone: "+81312345678",
      website: "https://cafe-mueller.de",
      email: "hallo@cafe-mueller.de",
      shortDescription: "Familiengeführtes Café und Konditorei seit 1952.",
      longDescription: "Wir backen jeden Morgen frisch.\n\nKaffee aus eigener Röstung.",
      categories: ["Café", "Konditorei"],
      hours: {
        mon: [
          ["08:00", "12:30"],
          ["14:00", "18:00"],
        ],
        sat: [["09:00", "13:00"]],
        sun: [],
      },
      socialLinks: { instagram: "https://instagram.com/cafemueller", facebook: "https://www.facebook.com/cafemueller" },
      serviceArea: false,
      services: [],
      tagline: null,
      yearEstablished: null,
      priceRange: null,
      paymentMethods: [],
      employees: null,
      videoUrl: null,
      latitude: null,
      longitude: null,
      logoKey: null,
      photoKeys: [],
    });
    expect((saved.profile.businessName as string).normalize("NFC")).toBe(saved.profile.businessName);
    // Stored exactly so, and GET returns the same.
    const [row] = await query<{ business_name: string; city: string }>("select p.business_name, p.city from business_profiles p join customers c on c.id = p.customer_id where c.email = $1", [email]);
    expect(row).toEqual({ business_name: "Café Müller & Söhne", city: "東京" });
    expect(await (await get(token)).json()).toEqual({ profile: saved.profile, complete: true, missing: [] });

    // PUT replaces the whole profile.
    const again = await put(token, profile({ businessName: "Zum Goldenen Hirsch", website: null, longDescription: "", socialLinks: {} }));
    expect(await again.json()).toMatchObject({ profile: { businessName: "Zum Goldenen Hirsch", website: null, longDescription: null, socialLinks: {}, country: "DE", phone: "+49711123456" } });
    expect(await footprint(email)).toEqual({ customers: 1, profiles: 1 });
  });

  it("names every bad field in one 400, and writes nothing", async () => {
    const email = `${uniq("bad")}@example.com`;
    const { token } = await customerToken(email);
    const res = await put(
      token,
      profile({
        businessName: "   ",
        street: 42,
        city: "x".repeat(101),
        country: "Germany",
        website: "ftp://cafe-mueller.de",
        email: "hallo@",
        shortDescription: "Kurz",
        longDescription: "y".repeat(2001),
        categories: [],
        hours: { mon: [["25:00", "18:00"]], feiertag: [] },
        socialLinks: { instagram: "https://facebook.com/x", myspace: "https://myspace.com/x" },
        serviceArea: "yes",
        vatNumber: "DE123",
      }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { fields: Record<string, string> } } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/^Invalid body: /);
    expect(body.error.details.fields).toEqual({
      businessName: "Required",
      street: "Must be text",
      city: "Must be at most 100 characters (got 101)",
      country: "Not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)",
      website: "Must be an http or https address",
      email: "Not a valid email address",
      shortDescription: "Must be at least 10 characters",
      longDescription: "Must be at most 2000 characters (got 2001)",
      categories: "Give at least one category",
      "hours.mon.0": 'Times are "HH:MM", 24-hour (e.g. "09:00", "17:30"; "24:00" for midnight)',
      "hours.feiertag": "Unknown day; use mon, tue, wed, thu, fri, sat, sun",
      "socialLinks.instagram": "Must be an address on instagram.com",
      "socialLinks.myspace": "Unknown network; use facebook, instagram, x, linkedin, youtube, tiktok, pinterest, threads",
      serviceArea: "Must be true or false",
      vatNumber: "Unknown field",
    });
    expect(await footprint(email)).toEqual({ customers: 0, profiles: 0 });
  });

  it("rejects each invalid field on its own with a clear message", async () => {
    const email = `${uniq("each")}@example.com`;
    const { token } = await customerToken(email);
    const cases: [string, Record<string, unknown>, string, string][] = [
      ["missing name", { businessName: undefined }, "businessName", "Required"],
      ["long name", { businessName: "n".repeat(151) }, "businessName", "Must be at most 150 characters (got 151)"],
      ["control characters", { businessName: "Café\u0007" }, "businessName", "Contains control characters"],
      ["missing street", { street: "" }, "street", "Required"],
      ["missing city", { city: null }, "city", "Required"],
      ["US without state", { country: "US", region: null, postalCode: "94107", phone: "+1 415 555 2671" }, "region", "Required for US addresses"],
      ["bad postal code", { postalCode: "7017" }, "postalCode", "Not a valid postal code for DE (e.g. 10115)"],
      ["missing postal code", { postalCode: null }, "postalCode", "Required for DE addresses"],
      ["unknown country", { country: "XX" }, "country", "Not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)"],
      ["too short phone", { phone: "12" }, "phone", "Not a valid phone number for DE"],
      ["letters in phone", { phone: "call me maybe" }, "phone", "Must contain only digits, spaces and + ( ) - ."],
      ["invalid international phone", { phone: "+1 415 555 267" }, "phone", "Not a valid international phone number"],
      ["phone of another country's format", { country: "GB", postalCode: "SW1A 1AA", phone: "(415) 555-2671" }, "phone", "Not a valid phone number for GB"],
      ["phone extension", { phone: "+49 711 123456 ext. 12" }, "phone", "Extensions cannot be listed; give the main number"],
      ["website without a domain", { website: "localhost:8080" }, "website", "Must be a public domain name, like example.com"],
      ["website IP", { website: "http://192.168.1.10" }, "website", "Must use a domain name, not an IP address"],
      ["website with credentials", { website: "https://user:pw@cafe.de" }, "website", "Must not contain a user name or password"],
      ["javascript URL", { website: "javascript:alert(1)" }, "website", "Must be an http or https address"],
      ["missing email", { email: undefined }, "email", "Required"],
      ["short description too long", { shortDescription: "s".repeat(161) }, "shortDescription", "Must be at most 160 characters (got 161)"],
      ["too many categories", { categories: Array.from({ length: 11 }, (_, i) => `Kategorie ${i}`) }, "categories", "At most 10 categories"],
      ["category too short", { categories: ["x"] }, "categories.0", "Must be at least 2 characters"],
      ["categories not a list", { categories: "Café" }, "categories", "Must be a list of categories"],
      [
        "overlapping hours",
        {
          hours: {
            tue: [
              ["09:00", "13:00"],
              ["12:00", "18:00"],
            ],
          },
        },
        "hours.tue.1",
        "Overlaps 09:00-13:00",
      ],
      [
        "overnight not last",
        {
          hours: {
            fri: [
              ["22:00", "02:00"],
              ["08:00", "12:00"],
              ["23:30", "23:45"],
            ],
          },
        },
        "hours.fri.1",
        "A period past midnight must be the day's last",
      ],
      ["same open and close", { hours: { wed: [["09:00", "09:00"]] } }, "hours.wed.0", "Opens and closes at the same time"],
      ["period not a pair", { hours: { thu: [["09:00"]] } }, "hours.thu.0", 'Each opening period is ["HH:MM", "HH:MM"]'],
      [
        "too many periods",
        {
          hours: {
            sat: [
              ["01:00", "02:00"],
              ["03:00", "04:00"],
              ["05:00", "06:00"],
              ["07:00", "08:00"],
              ["09:00", "10:00"],
            ],
          },
        },
        "hours.sat",
        "At most 4 opening periods a day",
      ],
      ["social home page", { socialLinks: { x: "https://x.com/" } }, "socialLinks.x", "Must link the business's own page, not the home page"],
      ["service area not boolean", { serviceArea: 1 }, "serviceArea", "Must be true or false"],
      // issue 20: what directory forms carry beyond the listing
      ["service too short", { services: ["x"] }, "services.0", "Must be at least 2 characters"],
      ["too many services", { services: Array.from({ length: 21 }, (_, i) => `Service ${i}`) }, "services", "At most 20 services"],
      ["tagline too long", { tagline: "t".repeat(101) }, "tagline", "Must be at most 100 characters (got 101)"],
      ["year in the future", { yearEstablished: new Date().getUTCFullYear() + 1 }, "yearEstablished", "Must not be in the future"],
      ["year as text", { yearEstablished: "1952" }, "yearEstablished", "Must be a year, like 1952"],
      ["year too old", { yearEstablished: 1492 }, "yearEstablished", "Must be 1800 or later"],
      ["price range word", { priceRange: "cheap" }, "priceRange", "Must be one of $, $$, $$$, $$$$"],
      ["unknown payment method", { paymentMethods: ["cash", "bitcoin"] }, "paymentMethods.1", expect.stringContaining("Unknown payment method")],
      ["employees fraction", { employees: 2.5 }, "employees", "Must be a whole number"],
      ["employees zero", { employees: 0 }, "employees", "Must be at least 1"],
      ["video javascript", { videoUrl: "javascript:alert(1)" }, "videoUrl", "Must be an http or https address"],
      ["video ftp", { videoUrl: "ftp://cafe-mueller.de/film.mp4" }, "videoUrl", "Must be an http or https address"],
      ["latitude out of range", { latitude: 91, longitude: 9 }, "latitude", "A latitude is between -90 and 90"],
      ["longitude out of range", { latitude: 48, longitude: -181 }, "longitude", "A longitude is between -180 and 180"],
      ["latitude alone", { latitude: 48.7758 }, "longitude", "Give both coordinates or neither"],
      ["longitude as text", { latitude: 48.7758, longitude: "9.18" }, "longitude", "Must be a number of degrees"],
    ];
    for (const [name, overrides, field, message] of cases) {
      const res = await put(token, profile(overrides));
      expect(res.status, name).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { fields: Record<string, string> } } };
      expect(body.error.details.fields, name).toEqual({ [field]: message });
    }
    expect(await footprint(email)).toEqual({ customers: 0, profiles: 0 });
  });

  it("stores what directory forms carry beyond the listing (issue 20), and leaves them empty when not given", async () => {
    const email = `${uniq("extras")}@example.com`;
    const { token } = await customerToken(email);
    const extras = {
      services: [" Hochzeitstorten ", "Catering", "catering"],
      tagline: "  Backen in Stuttgart   seit 1952 ",
      yearEstablished: 1952,
      priceRange: "$$",
      paymentMethods: ["cash", "card", "cash", "paypal"],
      employees: 12,
      videoUrl: "youtube.com/watch?v=abc123",
      latitude: 48.775845612345,
      longitude: 9.182932,
    };
    const saved = await put(token, profile(extras));
    expect(saved.status).toBe(200);
    const want = {
      services: ["Hochzeitstorten", "Catering"],
      tagline: "Backen in Stuttgart seit 1952",
      yearEstablished: 1952,
      priceRange: "$$",
      paymentMethods: ["cash", "card", "paypal"],
      employees: 12,
      videoUrl: "https://youtube.com/watch?v=abc123",
      latitude: 48.7758456,
      longitude: 9.182932,
    };
    expect(((await saved.json()) as { profile: unknown }).profile).toMatchObject(want);
    expect(((await (await get(token)).json()) as { profile: unknown }).profile).toMatchObject(want);

    // PUT replaces the whole profile: left out, they are cleared.
    expect((await put(token, profile())).status).toBe(200);
    expect(((await (await get(token)).json()) as { profile: unknown }).profile).toMatchObject({
      services: [],
      tagline: null,
      yearEstablished: null,
      priceRange: null,
      paymentMethods: [],
      employees: null,
      videoUrl: null,
      latitude: null,
      longitude: null,
    });
  });

  it("answers malformed JSON, wrong content types, non-objects and oversized bodies with a 4xx, writing nothing", async () => {
    const email = `${uniq("raw")}@example.com`;
    const { token } = await customerToken(email);
    const cases: [string, Response, number, string][] = [
      ["malformed", await put(token, '{"businessName": "Café"'), 400, "malformed_json"],
      ["not an object", await put(token, "[1, 2]"), 400, "validation_failed"],
      ["null", await put(token, "null"), 400, "validation_failed"],
      ["text/plain", await put(token, JSON.stringify(profile()), { "content-type": "text/plain" }), 415, "unsupported_media_type"],
      ["form", await put(token, "businessName=Caf%C3%A9", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type"],
      ["oversized", await put(token, profile({ longDescription: "z".repeat(70_000) })), 413, "payload_too_large"],
    ];
    for (const [name, res, status, code] of cases) {
      expect(res.status, name).toBe(status);
      expect(await res.json(), name).toMatchObject({ error: { code } });
    }
    expect(await footprint(email)).toEqual({ customers: 0, profiles: 0 });
  });
});

describe("linking and job readiness", () => {
  async function buy(email: string, plan: "starter" | "growth" = "starter") {
    const session = checkoutSession({ plan, email });
    const res = await deliver(stripeEvent("checkout.session.completed", session));
    expect(await res.json()).toMatchObject({ outcome: "fulfilled" });
    const [job] = await query<{ id: string }>("select j.id from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [session.id]);
    return { session, jobId: job!.id };
  }
  const readyEvents = (jobId: string) => count("select 1 from job_events where job_id = $1 and kind = 'job_ready'", [jobId]);

  it("pay first: signing in links the purchase by email; the complete profile makes the job ready, once", async () => {
    const email = `${uniq("payfirst")}@example.com`;
    const { jobId } = await buy(email);
    expect(await readyEvents(jobId)).toBe(0);

    const { token, userId } = await customerToken(email.toUpperCase());
    expect(await (await get(token)).json()).toEqual({ profile: null, complete: false, missing: expect.arrayContaining(["businessName", "phone"]) });
    const [linked] = await query<{ user_id: string }>("select user_id from customers where email = $1", [email]);
    expect(linked!.user_id).toBe(userId);

    const saved = await put(token, profile());
    expect(await saved.json()).toMatchObject({ complete: true, jobsReady: [jobId] });
    expect(await readyEvents(jobId)).toBe(1);
    // Saving again writes no second event; by then the coordinator may have
    // started the job (it is no longer "ready", it is running).
    const again = await put(token, profile({ city: "Esslingen" }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { jobsReady: string[] }).jobsReady.filter((id) => id !== jobId)).toEqual([]);
    expect(await readyEvents(jobId)).toBe(1);
  });

  it("profile first: the payment that follows makes the job ready at fulfilment", async () => {
    const email = `${uniq("proffirst")}@example.com`;
    const { token } = await customerToken(email);
    expect(await (await put(token, profile())).json()).toMatchObject({ complete: true, jobsReady: [] });
    const { jobId } = await buy(email, "growth");
    expect(await readyEvents(jobId)).toBe(1);
    expect(await count("select 1 from customers where email = $1", [email])).toBe(1);
  });

  it("a token whose email is not confirmed links no purchase and makes no row: 403 email_unverified", async () => {
    const email = `${uniq("unconfirmed")}@example.com`;
    await buy(email);
    const unconfirmed = await new SignJWT({ email, role: "authenticated", app_metadata: { provider: "email" } })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setAudience("authenticated")
      .setIssuer(LOCAL_ISSUER)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
    for (const res of [await put(unconfirmed, profile()), await get(unconfirmed)]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "email_unverified" } });
    }
    const mine = await exports.default.fetch("http://localhost/api/me/jobs", { headers: { authorization: `Bearer ${unconfirmed}` } });
    expect(mine.status).toBe(403);
    expect(await query("select user_id from customers where email = $1", [email])).toEqual([{ user_id: null }]);
    expect(await footprint(email)).toEqual({ customers: 1, profiles: 0 });

    const other = `${uniq("unconfirmed-new")}@example.com`;
    const fresh = await new SignJWT({ email: other, role: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setAudience("authenticated")
      .setIssuer(LOCAL_ISSUER)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
    expect((await put(fresh, profile())).status).toBe(403);
    expect(await footprint(other)).toEqual({ customers: 0, profiles: 0 });
  });

  it("a refunded job is never made ready; an email owned by another account is a 409", async () => {
    const email = `${uniq("refund")}@example.com`;
    const { session, jobId } = await buy(email);
    await deliver(stripeEvent("charge.refunded", refundedCharge(session.payment_intent as string)));
    const { token } = await customerToken(email);
    expect(await (await put(token, profile())).json()).toMatchObject({ jobsReady: [] });
    expect(await readyEvents(jobId)).toBe(0);

    const intruder = await customerToken(email);
    const res = await put(intruder.token, profile());
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "account_conflict" } });
    expect((await get(intruder.token)).status).toBe(409);
  });
});
