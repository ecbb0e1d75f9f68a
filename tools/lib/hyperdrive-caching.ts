/**
 * Hyperdrive caches the answers of plain SELECTs by their text. Every read
 * here runs under row-level security, whose answer depends on settings of
 * the transaction (`request.jwt.claims`, the role) that no cache key sees:
 * a cached answer could hand one customer's rows to another. So every
 * Hyperdrive config the Workers bind must have caching disabled. This reads
 * the bindings of a wrangler config and the answer of `wrangler hyperdrive
 * get <id>` (Cloudflare's config JSON, `caching: { disabled }`).
 */

/** The id `wrangler.toml` ships until `wrangler hyperdrive create` gives a real one. */
export const PLACEHOLDER_ID = /^0+$/;

export interface HyperdriveBinding {
  binding: string;
  id: string;
}

export type CachingVerdict = { binding: string; ok: true; note?: string } | { binding: string; ok: false; problem: string };

/**
 * `lookup` answers with the config JSON of one id. A placeholder id cannot be
 * looked up: fine for a dry run, not for a deploy.
 */
export async function checkHyperdriveCaching(bindings: HyperdriveBinding[], lookup: (id: string) => Promise<unknown>, options: { deploy: boolean }): Promise<CachingVerdict[]> {
  const verdicts: CachingVerdict[] = [];
  for (const { binding, id } of bindings) {
    if (PLACEHOLDER_ID.test(id)) {
      verdicts.push(
        options.deploy
          ? {
              binding,
              ok: false,
              problem: `${binding} still has the placeholder id: create the config with \`wrangler hyperdrive create directorybolt-db --caching-disabled ...\` and put its id in wrangler.toml`,
            }
          : { binding, ok: true, note: `${binding}: placeholder id, nothing to look up (a deploy looks the real one up)` },
      );
      continue;
    }
    const config = (await lookup(id)) as { caching?: { disabled?: unknown } } | null;
    if (config?.caching?.disabled === true) verdicts.push({ binding, ok: true });
    else
      verdicts.push({
        binding,
        ok: false,
        problem: `${binding} (${id}) caches query results: run \`wrangler hyperdrive update ${id} --caching-disabled\` (RLS reads must never be served from a cache)`,
      });
  }
  return verdicts;
}
