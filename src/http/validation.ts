/**
 * The one validation helper of the API: zod failures become a 400
 * `validation_failed` whose details name each bad field
 * (`{ fields: { "path.to.field": "message" } }`, an unknown key by its own
 * path: "Unknown field"). A NUL character anywhere in a person's input is
 * refused before the schema sees it: Postgres text and jsonb cannot hold
 * U+0000, so it would otherwise surface as a 500 on insert or query. Workers'
 * reports keep theirs (`nul: "keep"`, src/http/body.ts): they quote the
 * directory's page, and the coordinator stores a NUL as U+FFFD.
 * Routes get all of this through the OpenAPI apps' hook (src/http/openapi.ts).
 */
import type { z } from "zod";
import { ApiError } from "./errors";

/** zod issues as `{ "path.to.field": "message" }`, first message per field. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key].join(".");
        fields[path] ??= issue.message.startsWith("Unrecognized key") ? "Unknown field" : issue.message;
      }
      continue;
    }
    const path = issue.path.map(String).join(".") || "body";
    fields[path] ??= issue.message;
  }
  return fields;
}

export function validationFailed(fields: Record<string, string>, what = "request"): ApiError {
  const names = Object.keys(fields);
  return new ApiError(400, "validation_failed", `Invalid ${what}: ${names.join(", ")}`, { fields });
}

/**
 * The path of the first string (value or key) holding U+0000, or undefined.
 * Iterative, not recursive: a body may nest 100,000 deep within its size
 * limit, and a stack overflow would be a 500.
 */
export function nulPath(data: unknown): string | undefined {
  // Each node knows its parent: the path is built only for the one found.
  type Node = { value: unknown; key?: string; parent?: Node };
  const pathOf = (node: Node): string => {
    const keys: string[] = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
    return keys.reverse().join(".");
  };
  const stack: Node[] = [{ value: data }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.key?.includes("\u0000")) return pathOf({ ...node, key: node.key.replaceAll("\u0000", "\\0") });
    const value = node.value;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return pathOf(node) || "body";
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    const entries = Array.isArray(value) ? value.map((v, i): [string, unknown] => [String(i), v]) : Object.entries(value);
    // Pushed in reverse, so the first field (and all below it) is looked at first.
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], key: entries[i]![0], parent: node });
  }
  return undefined;
}

/** A 400 when `data` holds a NUL anywhere; `what` names the input ("body", "query", "path"). */
export function refuseNul(data: unknown, what: string): void {
  const at = nulPath(data);
  if (at !== undefined) throw validationFailed({ [at]: "must not contain a NUL character" }, what);
}

/** Largest JSON body the API reads (a full business profile is ~6 KiB). */
export const JSON_BODY_LIMIT = 64 * 1024;

export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${Math.round(maxBytes / 1024)} KiB`);
}
