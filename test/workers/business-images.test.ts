/**
 * The business profile's images (issue 20): PUT/DELETE /api/business/logo,
 * POST /api/business/photos, DELETE /api/business/photos/{index}. The bytes
 * decide (PNG, JPEG, WebP by magic number, whatever the content type says),
 * with a size cap and sane dimensions; bad images are a 4xx that stores
 * nothing; stored in R2 under the customer's prefix; a profile PUT keeps
 * them; one customer never touches another's.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { customerToken, query, uniq } from "./support/purchase";

/** A PNG header claiming width×height (the route reads only the header's size). */
function png(width: number, height: number, pad = 0): Uint8Array {
  const b = new Uint8Array(33 + pad);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}
/** A baseline JPEG's start: SOI, an APP0 segment, then SOF0 with the size. */
function jpeg(width: number, height: number): Uint8Array {
  const b = [0xff, 0xd8, 0xff, 0xe0, 0, 16, ...new Array(14).fill(0), 0xff, 0xc0, 0, 17, 8, height >> 8, height & 255, width >> 8, width & 255, 3, ...new Array(9).fill(0)];
  return Uint8Array.from(b);
}
/** A lossless WebP header (VP8L) of width×height. */
function webp(width: number, height: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set([...new TextEncoder().encode("RIFF"), 22, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8L"), 9, 0, 0, 0, 0x2f]);
  const bits = (width - 1) | ((height - 1) << 14);
  new DataView(b.buffer).setUint32(21, bits >>> 0, true);
  return b;
}

const call = (token: string, method: string, path: string, body?: Uint8Array | string, type = "application/octet-stream") =>
  exports.default.fetch(`http://localhost/api/business${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": type } : {}) },
    ...(body !== undefined ? { body } : {}),
  });

const PROFILE = {
  businessName: "Bildbäckerei",
  street: "Königstraße 12",
  city: "Stuttgart",
  postalCode: "70173",
  country: "DE",
  phone: "0711 123456",
  email: "bild@example.com",
  shortDescription: "A bakery with a logo and photos.",
  categories: ["Bakery"],
};

async function customerWithProfile(tag: string) {
  const email = `${uniq(tag)}@example.com`;
  const { token } = await customerToken(email);
  expect((await call(token, "PUT", "", JSON.stringify(PROFILE), "application/json")).status).toBe(200);
  const [row] = await query<{ id: string }>("select id from customers where email = $1", [email]);
  return { token, customerId: row!.id, email };
}

const images = async (customerId: string) =>
  (await query<{ logo_key: string | null; photo_keys: string[] }>("select logo_key, photo_keys from business_profiles where customer_id = $1", [customerId]))[0]!;

describe("the profile's images", () => {
  it("stores a logo by its bytes under the customer's prefix, replaces it, and keeps it through a profile PUT", async () => {
    const { token, customerId } = await customerWithProfile("logo");
    // A PNG sent as text/plain is still a PNG: the bytes decide.
    const first = await call(token, "PUT", "/logo", png(64, 64), "text/plain");
    expect(first.status, await first.clone().text()).toBe(200);
    const { logoKey } = (await first.json()) as { logoKey: string };
    expect(logoKey).toMatch(new RegExp(`^profiles/${customerId}/logo-[0-9a-f-]{36}\\.png$`));
    const stored = await env.EVIDENCE.get(logoKey);
    expect(stored?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(png(64, 64));

    const second = (await (await call(token, "PUT", "/logo", jpeg(300, 200))).json()) as { logoKey: string };
    expect(second.logoKey).toMatch(/\.jpg$/);
    expect(await env.EVIDENCE.head(logoKey)).toBeNull(); // the replaced one is gone
    expect((await call(token, "PUT", "", JSON.stringify({ ...PROFILE, tagline: "Still here" }), "application/json")).status).toBe(200);
    expect(await images(customerId)).toEqual({ logo_key: second.logoKey, photo_keys: [] });
    const profile = (await (await call(token, "GET", "")).json()) as { profile: { logoKey: string } };
    expect(profile.profile.logoKey).toBe(second.logoKey);

    expect(await (await call(token, "DELETE", "/logo")).json()).toEqual({ logoKey: null, photoKeys: [] });
    expect(await env.EVIDENCE.head(second.logoKey)).toBeNull();
  });

  it("refuses what is not a PNG, JPEG or WebP of sane size with a clear 4xx, storing nothing", async () => {
    const { token, customerId } = await customerWithProfile("bad");
    const cases: [string, Uint8Array, number, string][] = [
      ["empty", new Uint8Array(0), 400, "empty_image"],
      ["a GIF", new TextEncoder().encode("GIF89a\x10\x00\x10\x00"), 415, "unsupported_image"],
      ["text claiming to be a PNG", new TextEncoder().encode("not an image at all, honestly"), 415, "unsupported_image"],
      ["an SVG", new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, "unsupported_image"],
      ["a truncated JPEG", Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 415, "unsupported_image"],
      ["too small", png(8, 8), 422, "image_dimensions"],
      ["too large a side", png(9000, 100), 422, "image_dimensions"],
      ["a WebP too wide", webp(8001, 10), 422, "image_dimensions"],
      ["over 2 MiB", png(100, 100, 2 * 1024 * 1024), 413, "payload_too_large"],
    ];
    for (const [name, bytes, status, code] of cases) {
      const res = await call(token, "PUT", "/logo", bytes, "image/png");
      expect(res.status, name).toBe(status);
      expect(await res.json(), name).toMatchObject({ error: { code } });
    }
    expect(await images(customerId)).toEqual({ logo_key: null, photo_keys: [] });
    expect((await env.EVIDENCE.list({ prefix: `profiles/${customerId}/` })).objects).toEqual([]);
    expect((await call(token, "PUT", "/logo", webp(640, 480))).status).toBe(200);
  });

  it("adds photos in order up to ten, removes one by index; 404 for a missing index, 400 for a bad one", async () => {
    const { token, customerId } = await customerWithProfile("photos");
    const keys: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await call(token, "POST", "/photos", png(100 + i, 100));
      expect(res.status).toBe(200);
      keys.push(((await res.json()) as { photoKeys: string[] }).photoKeys.at(-1)!);
    }
    const eleventh = await call(token, "POST", "/photos", png(100, 100));
    expect(eleventh.status).toBe(409);
    expect(await eleventh.json()).toMatchObject({ error: { code: "too_many_photos" } });
    // The refused photo left nothing behind.
    expect((await env.EVIDENCE.list({ prefix: `profiles/${customerId}/photo-` })).objects).toHaveLength(10);

    const removed = (await (await call(token, "DELETE", "/photos/3")).json()) as { photoKeys: string[] };
    expect(removed.photoKeys).toEqual(keys.filter((_, i) => i !== 3));
    expect(await env.EVIDENCE.head(keys[3]!)).toBeNull();
    expect((await call(token, "DELETE", "/photos/9")).status).toBe(404);
    expect((await call(token, "DELETE", "/photos/-1")).status).toBe(400);
    expect((await call(token, "DELETE", "/photos/abc")).status).toBe(400);
    expect((await images(customerId)).photo_keys).toEqual(removed.photoKeys);
  });

  it("needs a saved profile (409, nothing stored) and never reaches another customer's images", async () => {
    const email = `${uniq("noprofile")}@example.com`;
    const { token } = await customerToken(email);
    const res = await call(token, "PUT", "/logo", png(64, 64));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "profile_missing" } });

    const a = await customerWithProfile("owner-a");
    const b = await customerWithProfile("owner-b");
    const { logoKey } = (await (await call(a.token, "PUT", "/logo", png(64, 64))).json()) as { logoKey: string };
    // B's calls change only B's row; A's logo stays.
    expect(await (await call(b.token, "DELETE", "/logo")).json()).toEqual({ logoKey: null, photoKeys: [] });
    expect((await call(b.token, "DELETE", "/photos/0")).status).toBe(404);
    expect(await images(a.customerId)).toEqual({ logo_key: logoKey, photo_keys: [] });
    expect(await env.EVIDENCE.head(logoKey)).not.toBeNull();
    expect((await exports.default.fetch("http://localhost/api/business/logo", { method: "PUT", body: png(64, 64) })).status).toBe(401);
  });
});
