/**
 * The password the engine makes for a directory account never reaches a log
 * line or a returned text, even when the page changes it (a script that
 * strips symbols, a maxlength) or echoes it back.
 */
import type { Browser, HTTPRequest } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitListing } from "../../browser-worker/src/engine/index.ts";
import { REDACTED, redactor } from "../../browser-worker/src/engine/redact.ts";
import { launchChromium } from "../../tools/lib/chromium.ts";
import { SAMPLE_PROFILE } from "./support/engine.ts";

const FORM = `<!doctype html><html lang="en"><head><title>Add your business</title></head><body>
<h1>Add your business</h1>
<form method="post" action="/add">
  <label for="company">Business name</label> <input id="company" name="company" required>
  <label for="email">Email</label> <input id="email" name="email" type="email" required>
  <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="new-password" required>
  <button type="submit">Create listing</button>
</form>
<script>document.getElementById("password").addEventListener("input", (e) => { e.target.value = e.target.value.replace(/[^A-Za-z0-9]/g, ""); });</script>
</body></html>`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("generated passwords", () => {
  it("are masked whole, cut short, and in any run of six or more characters", () => {
    const r = redactor();
    r.redact("nothing yet");
    r.add("Ab3!xYz9#Qw2");
    expect(r.redact("typed Ab3!xYz9#Qw2 here")).toBe(`typed ${REDACTED} here`);
    expect(r.redact('page kept "Ab3!xY"')).toBe(`page kept "${REDACTED}"`);
    expect(r.redact("kept xYz9#Qw")).toBe(`kept ${REDACTED}`);
    expect(r.redact("Ab3 is fine")).toBe("Ab3 is fine");
  });

  it("never reach the engine's debug log, even when the page rewrites the password field", async () => {
    const page = await browser.newPage();
    const posted: string[] = [];
    try {
      await page.setRequestInterception(true);
      page.on("request", (req: HTTPRequest) => {
        if (req.method() === "POST") {
          posted.push(req.postData() ?? "");
          void req.respond({ status: 200, contentType: "text/html", body: "<h1>Thank you</h1><p>Your listing was received and will be reviewed.</p>" });
        } else void req.respond({ status: 200, contentType: "text/html", body: FORM });
      });
      const lines: string[] = [];
      const task = {
        jobId: crypto.randomUUID(),
        submissionId: crypto.randomUUID(),
        attempt: 1,
        directory: { id: "dir-secret", slug: "secret", name: "Secret Directory", submitUrl: "https://signup.invalid/add", website: "https://signup.invalid/", language: "en", requiresCaptcha: false },
        business: SAMPLE_PROFILE,
      };
      const result = await submitListing(page, task, { log: (line) => lines.push(line) });
      const password = result.account?.password;
      expect(password, JSON.stringify(result)).toBeTruthy();
      // What the page kept of the password (its script dropped the symbols), as it was posted.
      const kept = new URLSearchParams(posted[0] ?? "").get("password") ?? "";
      expect(kept.length).toBeGreaterThanOrEqual(6);
      const text = [...lines, result.reason ?? "", result.confirmationText ?? ""].join("\n");
      expect(lines.length).toBeGreaterThan(0);
      expect(text).not.toContain(password!);
      expect(text).not.toContain(kept);
      expect(result.filled.filter((f) => f.type === "new-password").map((f) => f.value)).toEqual(["••••••••"]);
    } finally {
      await page.close();
    }
  });
});
