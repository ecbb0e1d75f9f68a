/**
 * Reading our MX's verdict on a mail's sender (src/mail/authentication.ts)
 * and telling sites apart (core/domains.ts), on headers in the format
 * Cloudflare Email Routing writes: comments holding ";" and "=", folded
 * lines, ARC instance tags, results that did not pass.
 */
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { registrableDomain, sameSite } from "../../core/domains";
import { mailAuthentication, parseResults } from "../../src/mail/authentication";

const headersOf = async (head: string) => (await PostalMime.parse(`${head}From: <a@b.example>\r\nSubject: x\r\n\r\nbody\r\n`)).headers;

describe("our MX's authentication results", () => {
  it("reads passing DKIM domains and the SPF domain, not failed or commented-out ones", () => {
    const parsed = parseResults(
      "mx.cloudflare.net;\tdkim=pass header.d=mail.example.co.uk header.s=s1 header.b=Ab+c;\tdkim=fail (bad signature; dkim=pass header.d=evil.example) header.d=other.example;\tdmarc=pass header.from=example.co.uk policy.dmarc=reject;\tspf=pass (mx.cloudflare.net: domain of bounce@Example.co.uk designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@Example.co.uk;\tarc=none smtp.remote-ip=192.0.2.1",
    );
    expect(parsed).toEqual({ authservId: "mx.cloudflare.net", auth: { dkim: ["mail.example.co.uk"], spf: "example.co.uk" } });
    expect(parseResults("mx.cloudflare.net; spf=softfail smtp.mailfrom=a@example.com; dkim=none")).toEqual({ authservId: "mx.cloudflare.net", auth: { dkim: [], spf: null } });
  });

  it("trusts only the topmost results, and only when they are our MX's", async () => {
    const forgedBelow = await headersOf(
      "ARC-Authentication-Results: i=1; mx.cloudflare.net;\r\n\tdkim=none;\r\n\tspf=pass smtp.mailfrom=eve@attacker.example\r\nAuthentication-Results: mx.cloudflare.net; dkim=pass header.d=directory.example\r\n",
    );
    expect(mailAuthentication(forgedBelow)).toEqual({ dkim: [], spf: "attacker.example" });
    const notOurs = await headersOf("Authentication-Results: mx.cloudflare.net.attacker.example; dkim=pass header.d=directory.example\r\n");
    expect(mailAuthentication(notOurs)).toMatchObject({ dkim: [], spf: null, untrusted: expect.stringContaining("not from mx.cloudflare.net") });
    expect(mailAuthentication(await headersOf(""))).toMatchObject({ dkim: [], spf: null, untrusted: expect.any(String) });
  });
});

describe("registrable domains (Public Suffix List)", () => {
  it("keeps sites on multi-label and private suffixes apart, and ties a site's own hosts together", () => {
    expect(registrableDomain("www.harbour.com.au")).toBe("harbour.com.au");
    expect(sameSite("mail.harbour.com.au", "www.harbour.com.au")).toBe(true);
    expect(sameSite("evil.com.au", "harbour.com.au")).toBe(false);
    expect(sameSite("news.bbc.co.uk", "attacker.co.uk")).toBe(false);
    expect(sameSite("someone.github.io", "directory.github.io")).toBe(false);
    // An IP or a single-label host is its own site, and only itself.
    expect(sameSite("127.0.0.1", "127.0.0.1")).toBe(true);
    expect(sameSite("127.0.0.1", "127.0.0.2")).toBe(false);
    expect(registrableDomain("")).toBeNull();
  });
});
