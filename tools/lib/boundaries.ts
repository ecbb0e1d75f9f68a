/**
 * The layout's import rules (issue 15), checked over the source tree: which
 * part of the project may import which. Every relative import is resolved to
 * the top-level folder it lands in; a static `import`/`export ... from`,
 * `import type`, a bare `import "x"` and a dynamic `import("x")` all count,
 * because each of them ties one deployable to another's code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parse } from "@babel/parser";

/** The parts a rule speaks of: the first folder of a path inside the project. */
export const DEPLOYABLES = ["core", "src", "durable-objects", "browser-worker", "ui"] as const;
const NOT_SHIPPED = ["tools", "test", "bench"];

export interface Violation {
  /** Project-relative path of the importing file, with `/` separators. */
  file: string;
  line: number;
  /** The specifier as written. */
  specifier: string;
  /** Project-relative path the specifier resolves to. */
  target: string;
  rule: string;
}

/** The top-level folder of a project-relative path ("" for a file at the root, e.g. vitest.config.ts). */
const partOf = (path: string): string => (path.includes("/") ? path.slice(0, path.indexOf("/")) : "");

/**
 * The rule an import from `file` to `target` (both project-relative) breaks,
 * or null when it is allowed.
 */
export function ruleBroken(file: string, target: string): string | null {
  const from = partOf(file);
  const to = partOf(target);
  if (from === to) return null;
  if (NOT_SHIPPED.includes(to) && (DEPLOYABLES as readonly string[]).includes(from)) return `no deployable imports ${to}/ (it is not shipped)`;
  switch (from) {
    case "core":
      return "core/ imports nothing of the project outside core/";
    case "browser-worker":
      return to === "core" ? null : "browser-worker/ imports only core/";
    case "ui":
      return to === "core" ? null : "ui/ imports only core/";
    case "durable-objects":
      return to === "browser-worker" || to === "ui" ? `durable-objects/ never imports ${to}/` : null;
    case "src":
      if (to === "durable-objects") return file === "src/index.ts" ? null : "src/ imports durable-objects/ only from src/index.ts (the Worker entry that exports the classes)";
      return to === "browser-worker" || to === "ui" ? `src/ never imports ${to}/` : null;
    default:
      return null;
  }
}

/**
 * Every module specifier in a source text, with its 1-based line: parsed with
 * Babel's parser (TypeScript and JSX), so comments and strings that merely
 * mention an import are not read as one. Counts `import`/`export ... from`
 * (types included), bare `import "x"`, `import x = require("x")`, dynamic
 * `import("x")` and the type `typeof import("x")`.
 */
export function importsOf(text: string, fileName = "file.ts"): { specifier: string; line: number }[] {
  const ast = parse(text, {
    sourceType: "module",
    // JSX only where it can be: in a .ts file `<T>value` is a type assertion.
    plugins: /\.[jt]sx$/.test(fileName) ? ["typescript", "jsx"] : ["typescript"],
    errorRecovery: true,
  });
  const found: { specifier: string; line: number }[] = [];
  const add = (source: unknown, at: { loc?: { start: { line: number } } | null }) => {
    if (source && typeof source === "object" && "value" in source && typeof source.value === "string") found.push({ specifier: source.value, line: at.loc?.start.line ?? 0 });
  };
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const n = node as {
      type?: string;
      source?: unknown;
      argument?: unknown;
      arguments?: unknown[];
      callee?: { type?: string };
      moduleReference?: { type?: string; expression?: unknown };
      loc?: { start: { line: number } };
    };
    switch (n.type) {
      case "ImportDeclaration":
      case "ExportNamedDeclaration":
      case "ExportAllDeclaration":
        add(n.source, n);
        break;
      case "ImportExpression":
        add(n.source, n);
        break;
      case "CallExpression":
        if (n.callee?.type === "Import") add(n.arguments?.[0], n);
        break;
      case "TSImportType":
        add(n.argument && typeof n.argument === "object" && "literal" in n.argument ? n.argument.literal : n.argument, n);
        break;
      case "TSImportEqualsDeclaration":
        if (n.moduleReference?.type === "TSExternalModuleReference") add(n.moduleReference.expression, n);
        break;
    }
    for (const [key, value] of Object.entries(n)) if (key !== "loc" && key !== "start" && key !== "end" && value && typeof value === "object") visit(value);
  };
  visit(ast.program);
  return found;
}

/**
 * Where a specifier written in `file` lands, project-relative, or null for a
 * package (or a `cloudflare:`/`node:` module). The project has no path
 * aliases (no `paths` in any tsconfig); a specifier naming a top-level folder
 * as if it were a package (`src/...`) is resolved against the root too, so
 * an alias added later cannot slip past.
 */
export function resolveSpecifier(root: string, file: string, specifier: string): string | null {
  if (specifier.startsWith("."))
    return relative(root, resolve(root, dirname(file), specifier))
      .split(sep)
      .join("/");
  if (specifier.startsWith("/")) return relative(root, specifier).split(sep).join("/");
  const head = specifier.split("/")[0]!;
  if ([...DEPLOYABLES, ...NOT_SHIPPED].includes(head)) return specifier;
  return null;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs)$/;
const SKIP = new Set(["node_modules", "dist", ".wrangler", ".tmp", ".data"]);

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    if (SKIP.has(name)) continue;
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(root, path));
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Every forbidden import in the deployables under `root`. */
export function checkBoundaries(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const part of DEPLOYABLES) {
    for (const file of sourceFiles(root, part)) {
      for (const { specifier, line } of importsOf(readFileSync(join(root, file), "utf8"), file)) {
        const target = resolveSpecifier(root, file, specifier);
        if (target === null) continue;
        if (target.startsWith("..")) {
          violations.push({ file, line, specifier, target, rule: "no import leaves the project" });
          continue;
        }
        const rule = ruleBroken(file, target);
        if (rule) violations.push({ file, line, specifier, target, rule });
      }
    }
  }
  return violations;
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line} imports "${v.specifier}" (${v.target}): ${v.rule}`;
