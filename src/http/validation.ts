/**
 * Request input through zod: a failure becomes a 400 whose details name each
 * bad field (`{ fields: { "path.to.field": "message" } }`), and a body that is
 * not JSON, or not a JSON object, is a 400 too, never a 500.
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

export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what = "request"): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const fields = fieldErrors(result.error);
    throw new ApiError(400, "validation_failed", `Invalid ${what}: ${Object.keys(fields).join(", ")}`, { fields });
  }
  return result.data;
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().includes("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "Send the body as application/json");
  }
  let data: unknown;
  try {
    data = await c.req.json();
  } catch {
    throw new ApiError(400, "malformed_json", "The body is not valid JSON");
  }
  return parseOrThrow(schema, data, "body");
}
