import { describe, expect, it } from "vitest";
import { proxyArgs } from "../../tools/lib/chromium";

describe("proxy pool for browsers we run ourselves", () => {
  it("takes the pool's proxies in turn, and none without a pool", () => {
    expect(proxyArgs("")).toEqual([]);
    const pool = "http://p1.example:8080, socks5://p2.example:1080";
    const picks = [proxyArgs(pool), proxyArgs(pool), proxyArgs(pool)].map((a) => a[0]);
    expect(new Set(picks)).toEqual(new Set(["--proxy-server=http://p1.example:8080", "--proxy-server=socks5://p2.example:1080"]));
    expect(picks[0]).not.toBe(picks[1]);
  });
});
