/**
 * `deploy:check` / `deploy` refuse a Hyperdrive config that caches query
 * results (RLS reads must never come from a cache): the verdicts over the
 * JSON `wrangler hyperdrive get` prints, and the binding wrangler.toml declares.
 */
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { checkHyperdriveCaching } from "../../tools/lib/hyperdrive-caching";

const REAL_ID = "a76a99bc342644deb02c38d66082262a";
/** `wrangler hyperdrive get` of a config created without --caching-disabled (Cloudflare's default: cached). */
const cachedByDefault = {
  id: REAL_ID,
  name: "directorybolt-db",
  origin: { host: "db.abc.supabase.co", port: 5432, database: "postgres", user: "postgres", scheme: "postgresql" },
  caching: { disabled: false },
};
const uncached = { ...cachedByDefault, caching: { disabled: true } };
const noCachingField = { id: REAL_ID, name: "directorybolt-db", origin: cachedByDefault.origin };

describe("Hyperdrive query caching", () => {
  it("passes only a config whose caching is disabled", async () => {
    const binding = [{ binding: "HYPERDRIVE", id: REAL_ID }];
    for (const answer of [cachedByDefault, noCachingField, { ...cachedByDefault, caching: { max_age: 60, stale_while_revalidate: 15 } }]) {
      const [verdict] = await checkHyperdriveCaching(binding, async () => answer, { deploy: true });
      expect(verdict).toMatchObject({ ok: false, problem: expect.stringContaining(`wrangler hyperdrive update ${REAL_ID} --caching-disabled`) });
    }
    expect(await checkHyperdriveCaching(binding, async () => uncached, { deploy: true })).toEqual([{ binding: "HYPERDRIVE", ok: true }]);
  });

  it("lets a dry run pass the placeholder id without a lookup; a deploy refuses it", async () => {
    const placeholder = [{ binding: "HYPERDRIVE", id: "00000000000000000000000000000000" }];
    const lookup = async () => {
      throw new Error("no lookup for a placeholder");
    };
    expect((await checkHyperdriveCaching(placeholder, lookup, { deploy: false }))[0]).toMatchObject({ ok: true });
    expect((await checkHyperdriveCaching(placeholder, lookup, { deploy: true }))[0]).toMatchObject({ ok: false, problem: expect.stringContaining("--caching-disabled") });
  });

  it("is the one binding the API Worker reaches Postgres through", () => {
    const config = unstable_readConfig({ config: "wrangler.toml" });
    expect(config.hyperdrive.map((h: { binding: string }) => h.binding)).toEqual(["HYPERDRIVE"]);
  });
});
