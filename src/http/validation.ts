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

/** The path of the first string (value or key) holding U+0000, or undefined. */
export function nulPath(data: unknown, path: string[] = []): string | undefined {
  if (typeof data === "string") return data.includes("\u0000") ? path.join(".") || "body" : undefined;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = nulPath(data[i], [...path, String(i)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (data !== null && typeof data === "object") {
    for (const [key, value] of Object.entries(data)) {
      if (key.includes("\u0000")) return [...path, key.replaceAll("\u0000", "\\0")].join(".");
      const found = nulPath(value, [...path, key]);
      if (found !== undefined) return found;
    }
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
