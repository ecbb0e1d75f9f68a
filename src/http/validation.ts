/**
 * Request input through zod: a failure becomes a 400 whose details name each
 * bad field (`{ fields: { "path.to.field": "message" } }`), and a body that is
 * not JSON, or not a JSON object, is a 400 too, never a 500; one past
 * JSON_BODY_LIMIT is a 413 and is never parsed. A NUL character anywhere in
 * a person's input is refused before the schema sees it: Postgres text and
 * jsonb cannot hold U+0000, so it would otherwise surface as a 500 on insert
 * or query. Workers' reports keep theirs (`nul: "keep"`): they quote the
 * directory's page, and the coordinator stores a NUL as U+FFFD.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors";

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join(".") || "body";
    fields[path] ??= issue.message;
  }
  return fields;
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

export interface ParseOptions {
  /** "refuse" (the default): a 400 naming the field; "keep": the caller stores it safely. */
  nul?: "refuse" | "keep";
}

export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what = "request", options: ParseOptions = {}): z.output<S> {
  const withNul = options.nul === "keep" ? undefined : nulPath(data);
  if (withNul !== undefined) {
    const fields = { [withNul]: "must not contain a NUL character" };
    throw new ApiError(400, "validation_failed", `Invalid ${what}: ${withNul}`, { fields });
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const fields = fieldErrors(result.error);
    throw new ApiError(400, "validation_failed", `Invalid ${what}: ${Object.keys(fields).join(", ")}`, { fields });
  }
  return result.data;
}

/** Largest JSON body the API reads (a full business profile is ~6 KiB). */
export const JSON_BODY_LIMIT = 64 * 1024;

export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${Math.round(maxBytes / 1024)} KiB`);
}

/** The body as text, refused with a 413 past `maxBytes` (declared or counted: a body may be chunked). */
async function limitedText(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes = JSON_BODY_LIMIT, options: ParseOptions = {}): Promise<z.output<S>> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().includes("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "Send the body as application/json");
  }
  const text = await limitedText(c.req.raw, maxBytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The body is not valid JSON");
  }
  return parseOrThrow(schema, data, "body", options);
}
