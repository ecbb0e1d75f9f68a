/**
 * The browser's egress policy as a rule (browser-worker/src/egress.ts): which
 * URLs a task's pages may request. Its use on real pages is in
 * consumer.test.ts.
 */
import { describe, expect, it } from "vitest";
import { allowedOrigins, refusal } from "../../browser-worker/src/egress.ts";

describe("egress policy", () => {
  it("refuses private, loopback, link-local and local names in every notation", () => {
    for (const url of [
      "http://127.0.0.1:8787/api",
      "http://0x7f.1/",
      "http://2130706433/",
      "http://10.0.0.5/",
      "http://172.20.1.1/",
      "http://192.168.1.1/admin",
      "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/",
      "http://0.0.0.0:8080/",
      "http://localhost:5432/",
      "http://db.localhost/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:169.254.169.254]/",
      "http://[fd12:3456::1]/",
      "http://[fe80::1]/",
      "file:///etc/passwd",
      "ftp://example.com/",
    ]) {
      expect(refusal(url), url).not.toBeNull();
    }
  });

  it("lets public addresses, the page's own data and blob documents, and allowed origins through", () => {
    for (const url of ["https://www.yelp.com/biz/x", "http://93.184.216.34/", "http://172.32.0.1/", "http://[2606:4700::1111]/", "data:text/html,hi", "about:blank"]) {
      expect(refusal(url), url).toBeNull();
    }
    const allowed = allowedOrigins("http://127.0.0.1:8790, not a url");
    expect(allowed).toEqual(["http://127.0.0.1:8790"]);
    expect(refusal("http://127.0.0.1:8790/d/x/submit", allowed)).toBeNull();
    // Another port of the same host is another origin.
    expect(refusal("http://127.0.0.1:8787/api", allowed)).not.toBeNull();
  });
});
