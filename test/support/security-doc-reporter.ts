/**
 * `npm run security:doc`: a vitest reporter that writes the sections the
 * access-matrix test (in workerd, which has no filesystem) hands back in its
 * task meta into docs/security.md. The RLS test (Node) writes its own.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Reporter, TestCase } from "vitest/node";
import { writeSection } from "./doc-sections";

export const SECURITY_DOC = new URL("../../docs/security.md", import.meta.url);

export default class SecurityDocReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const section = (testCase.meta() as { securityDocSection?: { name: string; text: string } }).securityDocSection;
    if (!section) return;
    writeFileSync(SECURITY_DOC, writeSection(readFileSync(SECURITY_DOC, "utf8"), section.name, section.text));
    console.log(`docs/security.md: section ${section.name} written`);
  }
}
