/**
 * The business page's issue 20 fields (what directory forms carry beyond the
 * listing), in Chromium against the whole stack: a bad year is named under
 * its field and nothing typed is lost; once saved, every value comes back
 * after a reload (a PUT replaces the whole profile, so the page must send
 * them all), and one left empty is sent as empty; the logo and photos are
 * uploaded, a GIF refused with the API's words, and they survive a reload.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { stackVars } from "../../tools/lib/order";
import { startStack, type Stack } from "../../tools/lib/stack";

// Clear of the other site files' ports (portal: +0..+2, magic link: +3..+6, pricing: +10..+12).
const PORT = Number(process.env.SITE_PORT ?? 8857) + 20;
const FARM_PORT = PORT + 2;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  const vars = await stackVars(PORT, FARM_PORT);
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, log: (m) => console.log(`[profile-extras] ${m}`) });
  browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A 64×64 PNG header (the API reads the size from it). */
const PNG_64 = (() => {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, 64);
  new DataView(b.buffer).setUint32(20, 64);
  return b;
})();

async function signedInPage(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${stack.url}/sign-in?next=${encodeURIComponent("/business")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/business");
  return page;
}

describe("the business page's directory details (issue 20)", () => {
  it("names a bad year under its field, then saves and reloads every detail", async () => {
    const page = await signedInPage(`extras-${Date.now()}@boltbakery.example`);
    const fill = async (id: string, value: string) => page.locator(`#f-${id}`).fill(value);
    await fill("businessName", "Bolt Bakery & Café");
    await fill("shortDescription", "Neighbourhood bakery in San Francisco: sourdough and coffee.");
    await fill("categories", "Bakery");
    await fill("street", "123 Market Street");
    await fill("city", "San Francisco");
    await fill("region", "CA");
    await fill("postalCode", "94103");
    await fill("country", "US");
    await fill("phone", "+1 415 555 0142");
    await fill("services", "Catering, Wedding cakes");
    await fill("tagline", "Fresh every morning");
    await fill("yearEstablished", "2999");
    await page.locator("#f-priceRange").selectOption("$$");
    await page.getByRole("group", { name: "Payment methods" }).getByLabel("Cash").check();
    await page.getByRole("group", { name: "Payment methods" }).getByLabel("PayPal").check();
    await fill("employees", "12");
    await fill("videoUrl", "https://www.youtube.com/watch?v=boltbakery");
    await fill("latitude", "37.7749");
    await fill("longitude", "-122.4194");

    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.locator("#e-yearEstablished").textContent()).toBe("Must not be in the future");
    expect(await page.locator("#f-yearEstablished").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-services").inputValue()).toBe("Catering, Wedding cakes");

    await fill("yearEstablished", "2012");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.getByTestId("profile-status").textContent()).toContain("complete");
    await page.reload();
    await expect.poll(() => page.locator("#f-yearEstablished").inputValue()).toBe("2012");
    const values = {
      services: await page.locator("#f-services").inputValue(),
      tagline: await page.locator("#f-tagline").inputValue(),
      priceRange: await page.locator("#f-priceRange").inputValue(),
      employees: await page.locator("#f-employees").inputValue(),
      videoUrl: await page.locator("#f-videoUrl").inputValue(),
      latitude: await page.locator("#f-latitude").inputValue(),
      longitude: await page.locator("#f-longitude").inputValue(),
      cash: await page.getByRole("group", { name: "Payment methods" }).getByLabel("Cash").isChecked(),
      card: await page.getByRole("group", { name: "Payment methods" }).getByLabel("Credit card").isChecked(),
    };
    expect(values).toEqual({
      services: "Catering, Wedding cakes",
      tagline: "Fresh every morning",
      priceRange: "$$",
      employees: "12",
      videoUrl: "https://www.youtube.com/watch?v=boltbakery",
      latitude: "37.7749",
      longitude: "-122.4194",
      cash: true,
      card: false,
    });

    // Emptied, a detail is saved empty (and one coordinate alone is refused, naming the other).
    await fill("tagline", "");
    await fill("longitude", "");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.locator("#e-longitude").textContent()).toBe("Give both coordinates or neither");
    await fill("latitude", "");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.getByTestId("profile-status").textContent()).toContain("complete");
    await page.reload();
    await expect.poll(() => page.locator("#f-yearEstablished").inputValue()).toBe("2012");
    expect(await page.locator("#f-tagline").inputValue()).toBe("");
    expect(await page.locator("#f-latitude").inputValue()).toBe("");

    // The logo and photos: the bytes decide, a refusal is shown, and they survive a reload.
    const images = page.getByTestId("images");
    await expect.poll(() => images.getByTestId("logo-status").textContent()).toBe("No logo yet.");
    await page.locator("#f-logo").setInputFiles({ name: "logo.gif", mimeType: "image/png", buffer: Buffer.from("GIF89a\x10\x00\x10\x00") });
    await expect.poll(() => images.getByRole("alert").textContent()).toContain("Only PNG, JPEG and WebP");
    await page.locator("#f-logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: Buffer.from(PNG_64) });
    await expect.poll(() => images.getByTestId("logo-status").textContent()).toBe("A logo is uploaded.");
    await page.locator("#f-photo").setInputFiles({ name: "shop.png", mimeType: "image/png", buffer: Buffer.from(PNG_64) });
    await expect.poll(() => images.getByTestId("photo-status").textContent()).toBe("1 photo");
    await page.reload();
    await expect.poll(() => page.getByTestId("logo-status").textContent()).toBe("A logo is uploaded.");
    expect(await page.getByTestId("photo-status").textContent()).toBe("1 photo");
    await page.getByRole("button", { name: "Remove photo 1" }).click();
    await expect.poll(() => page.getByTestId("photo-status").textContent()).toBe("0 photos");
  });
});
