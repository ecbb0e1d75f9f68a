/**
 * The layout's import rules (issue 15), on the real tree and on a small
 * synthetic one in a temporary folder: the checker must name every
 * forbidden import it is shown, so a clean result on the real tree means
 * something.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkBoundaries, formatViolation } from "../../tools/lib/boundaries.ts";

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("import boundaries", () => {
  it("the project's deployables import only what the layout allows", () => {
    const violations = checkBoundaries(projectRoot).map(formatViolation);
    expect(violations, `forbidden imports:\n${violations.join("\n")}`).toEqual([]);
  });

  describe("a tree with forbidden imports added", () => {
    const root = mkdtempSync(join(tmpdir(), "boundaries-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    // Allowed: each of these must stay silent.
    write("core/plans.ts", 'export const PLANS = {};\nimport { fold } from "./text";\n');
    write("core/text.ts", "export const fold = (s: string) => s;\n");
    write("browser-worker/src/engine/run.ts", 'import { PLANS } from "../../../core/plans";\nimport { fill } from "./fill";\nimport puppeteer from "@cloudflare/puppeteer";\n');
    write("ui/src/App.tsx", 'import { PLANS } from "../../core/plans";\nexport const App = () => <main>{String(PLANS)}</main>;\n');
    write("src/index.ts", 'export { JobCoordinator } from "../durable-objects/job-coordinator";\n');
    write(
      "src/routes/jobs.ts",
      'import { PLANS } from "../../core/plans";\nimport type { Hono } from "hono";\n// import { x } from "../../browser-worker/src/consumer";\nconst note = "import(\'../../tools/dev\')";\n',
    );
    write("durable-objects/job-coordinator.ts", 'import { connect } from "../src/db/worker-database";\nimport { PLANS } from "../core/plans";\n');
    write("tools/dev.ts", 'import { app } from "../src/app";\nimport { consumer } from "../browser-worker/src/consumer";\n');
    // Forbidden: one of each kind the rules name, in each syntax that imports.
    write("core/listing/rules.ts", 'import { app } from "../../src/app";\n');
    write("browser-worker/src/consumer.ts", 'import type { Env } from "../../src/env";\nexport * from "../../durable-objects/job-coordinator";\n');
    write("ui/src/pages/Staff.tsx", 'const hub = await import("../../../durable-objects/socket-hub");\nexport const Staff = () => <p>{String(hub)}</p>;\n');
    write("durable-objects/coordinator/run.ts", 'type Engine = typeof import("../../browser-worker/src/engine/run");\n');
    write("src/jobs/client.ts", 'import { JobCoordinator } from "../../durable-objects/job-coordinator";\n');
    write("src/app.ts", 'import "../tools/lib/stack";\nimport { seed } from "../test/workers/support/seed";\n');
    write("core/log.ts", 'import { farm } from "tools/farm/index";\n');

    const found = () => checkBoundaries(root).map((v) => `${v.file}:${v.line} ${v.target} | ${v.rule}`);

    it("names every forbidden import, with file, line, target and rule", () => {
      expect(found().sort()).toEqual(
        [
          "browser-worker/src/consumer.ts:1 src/env | browser-worker/ imports only core/",
          "browser-worker/src/consumer.ts:2 durable-objects/job-coordinator | browser-worker/ imports only core/",
          "core/listing/rules.ts:1 src/app | core/ imports nothing of the project outside core/",
          "core/log.ts:1 tools/farm/index | no deployable imports tools/ (it is not shipped)",
          "durable-objects/coordinator/run.ts:1 browser-worker/src/engine/run | durable-objects/ never imports browser-worker/",
          "src/app.ts:1 tools/lib/stack | no deployable imports tools/ (it is not shipped)",
          "src/app.ts:2 test/workers/support/seed | no deployable imports test/ (it is not shipped)",
          "src/jobs/client.ts:1 durable-objects/job-coordinator | src/ imports durable-objects/ only from src/index.ts (the Worker entry that exports the classes)",
          "ui/src/pages/Staff.tsx:1 durable-objects/socket-hub | ui/ imports only core/",
        ].sort(),
      );
    });

    it("fails again when one more forbidden import is added", () => {
      const before = found().length;
      write("browser-worker/src/engine/fill.ts", 'import { retryPolicy } from "../../../src/intelligence/retry-policy";\n');
      expect(found()).toContain("browser-worker/src/engine/fill.ts:1 src/intelligence/retry-policy | browser-worker/ imports only core/");
      expect(found()).toHaveLength(before + 1);
    });
  });
});
