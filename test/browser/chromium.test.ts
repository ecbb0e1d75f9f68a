import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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

describe("which Chromium the tools and tests launch", () => {
  const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  let scratch: string;
  beforeEach(async () => {
    // resolveChromium keeps its answer for the process: each case gets a fresh module.
    vi.resetModules();
    scratch = await mkdtemp(join(tmpdir(), "directorybolt-chromium-test-"));
  });
  afterEach(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(scratch, { recursive: true, force: true });
  });
  const fresh = () => import("../../tools/lib/chromium");

  it("a CHROMIUM_PATH that is not an executable file fails with what to do, and nothing else is tried", async () => {
    for (const bad of [join(scratch, "missing"), scratch]) {
      vi.resetModules();
      process.env.CHROMIUM_PATH = bad;
      const { resolveChromium } = await fresh();
      const err = await resolveChromium().catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(`CHROMIUM_PATH=${bad} is not an executable file`);
      expect((err as Error).message).toContain("npm install ships one");
      expect((err as Error).message).toContain("unset it to fall back");
    }
  });

  it("without CHROMIUM_PATH: a system Chromium, else the one npm installed", async () => {
    delete process.env.CHROMIUM_PATH;
    const { resolveChromium } = await fresh();
    const path = await resolveChromium();
    const system = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => existsSync(p));
    expect(path).toBe(system ?? (await (await import("@sparticuz/chromium")).default.executablePath()));
    expect(execFileSync(path, ["--version"], { encoding: "utf8" })).toMatch(/Chrom(e|ium) \d+/);
  });

  it("local Browser Rendering's pinned Chrome runs ours, by its own path (the npm one needs its .so files beside it)", async () => {
    delete process.env.CHROMIUM_PATH;
    process.env.XDG_CACHE_HOME = scratch;
    const { resolveChromium } = await fresh();
    const { installBrowserRenderingShim } = await import("../../tools/lib/browser-rendering-shim");
    const { shim, chromium } = await installBrowserRenderingShim();
    expect(chromium).toBe(await resolveChromium());
    expect(shim.startsWith(join(scratch, ".wrangler", "chrome"))).toBe(true);
    expect(execFileSync(shim, ["--version"], { encoding: "utf8" })).toBe(execFileSync(chromium, ["--version"], { encoding: "utf8" }));
  });
});
