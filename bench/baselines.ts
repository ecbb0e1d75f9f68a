/**
 * Figures recorded when each part was built (the closing note of issues 2-7,
 * and the README's per-page sizes), so every bench can show today's figure
 * against the one the project reported. In-run baselines (a raw puppeteer-core
 * loop, a no-op replay, one-at-a-time reports) are measured by the benches
 * themselves; these are the ones that cannot be.
 */
export const RECORDED = "recorded in the closing note of issues 2-7";

export const recorded = {
  tiers: {
    // `npm run bench:tiers`, PGlite, 10,000 directories, 200 calls per plan
    starterMedianMs: 4.35,
    starterP99Ms: 169,
    enterpriseMedianMs: 9.19,
    enterpriseP99Ms: 101,
  },
  webhook: {
    // `npm run bench:webhook`, wrangler dev on PGlite
    starterP50Ms: 54,
    starterP99Ms: 74,
    enterpriseP50Ms: 100,
    enterpriseP99Ms: 174,
    replayP50Ms: 25,
    replayP99Ms: 34,
  },
  coordinator: {
    // `npm run bench:coordinator`, workerd, 2,000 tasks, 1,000 sockets
    singleReportsPerS: 191,
    batchReportsPerS: 417,
    socketP50Ms: 106,
    socketP99Ms: 239,
  },
  endToEnd: {
    // `npm run bench:e2e`, a Starter order (50 farm forms), 4 at a time
    productFormsPerMin: 68.1,
    rawFormsPerMin: 87.0,
    productRawRatio: 0.78,
  },
  mapper: {
    // `npm run --silent bench:mapper`, 562 pages of the DuckDuckGo corpus
    contactAccuracy: 0.973,
    macroF1: 0.971,
    f1: { email: 0.957, tel: 0.903, "given-name": 0.981, "family-name": 0.995, "postal-code": 0.971, country: 0.949 } as Record<string, number>,
    // issue 5's bar: accuracy >= 0.95, macro-F1 >= 0.93
    targetAccuracy: 0.95,
    targetMacroF1: 0.93,
  },
  /** README "The site": first load JS+CSS gzipped per page, kB (1000 bytes). */
  bundleFirstLoadKB: {
    "/": 24.1,
    "/checkout/success": 23.7,
    "/sign-in": 23.7,
    "/business": 29.1,
    "/portal/jobs/:id": 27.0,
    "/staff": 28.2,
    "/staff/jobs/:id": 27.8,
  } as Record<string, number>,
};
