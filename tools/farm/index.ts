/**
 * The sandbox directory farm: simulated business directories for offline
 * demos and tests. Import from here.
 */
export { startFarm, type Farm, type FarmOptions } from "./server.ts";
export { CHECK_FIXTURE_KINDS, type CheckFixture, type CheckFixtureKind } from "./check-fixtures.ts";
export { designs, designById, expectedFieldTypes, groundTruth } from "./designs/index.ts";
export { generateVariants, sandboxCatalog, DEFAULT_SEED, DEFAULT_VARIANTS } from "./generator.ts";
export { SAMPLE_BUSINESS, sampleValue } from "./sample.ts";
export type * from "./types.ts";
export type { SubmissionFilter } from "./store.ts";
