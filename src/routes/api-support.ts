/**
 * What every purchase-flow route shares: an OpenAPIHono whose zod failures
 * become the project's `validation_failed` 400, JSON bodies with a size limit
 * and clear 4xx answers for the wrong content type or malformed JSON, a
 * database connection per request, and the JSON error schema for the docs.
 */
import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";
import { ApiError, errorResponse } from "../http/errors";
import { JSON_BODY_LIMIT, payloadTooLarge } from "../http/validation";
import { log } from "../../core/log";

export { JSON_BODY_LIMIT } from "../http/validation";
/** Largest Stripe event accepted (Stripe's events are a few KiB). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

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

const TARGET_NAMES: Record<string, string> = { json: "body", form: "form", param: "path", query: "query", header: "headers" };

/** zod-openapi's hook: every validation failure is the project's 400. */
export const validationHook: Hook<unknown, { Bindings: Env }, string, unknown> = (result) => {
  if (!result.success) {
    const issues = (result.error as z.ZodError).issues;
    throw validationFailed(fieldErrors(issues), TARGET_NAMES[result.target] ?? result.target);
  }
};

/** A sub-app of the API: own error handler, so it answers JSON mounted or alone. */
export function newApiApp<V extends object = object>() {
  const app = new OpenAPIHono<{ Bindings: Env; Variables: V }>({ defaultHook: validationHook as never });
  app.onError((err, c) => errorResponse(c, err));
  return app;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A 413 `payload_too_large` beyond `maxBytes` (Content-Length or counted stream). */
export function sizeLimit(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
}

/**
 * A JSON request body: at most `maxBytes`, sent as application/json, and
 * parseable. Runs before zod validation, which reads the cached text again.
 */
export function jsonRequest(maxBytes = JSON_BODY_LIMIT): MiddlewareHandler[] {
  return [
    sizeLimit(maxBytes),
    createMiddleware(async (c, next) => {
      if (!JSON_MEDIA_TYPE.test(mediaType(c))) {
        throw new ApiError(415, "unsupported_media_type", "Send the body as application/json");
      }
      const text = await c.req.text();
      try {
        JSON.parse(text);
      } catch {
        throw new ApiError(400, "malformed_json", "The body is not valid JSON");
      }
      await next();
    }),
  ];
}

/** A form post (the local checkout page): size-limited, form-encoded. */
export function formRequest(maxBytes = 16 * 1024): MiddlewareHandler[] {
  return [
    sizeLimit(maxBytes),
    createMiddleware(async (c, next) => {
      if (mediaType(c) !== "application/x-www-form-urlencoded") {
        throw new ApiError(415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded");
      }
      await next();
    }),
  ];
}

/** One connection for one request, closed whatever happens (never module scope). */
export async function withDatabase<T>(env: Env, run: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connectFromWorker(env);
  try {
    return await run(conn);
  } finally {
    await conn.close();
  }
}

/**
 * Work that may finish after the response (ctx.waitUntil); when there is no
 * execution context (a direct app.fetch in tests), it still runs, unawaited.
 */
export function runAfterResponse(c: Context, promise: Promise<unknown>, what: string): void {
  const guarded = promise.catch((err) =>
    log("error", `${what} failed`, { error: err }),
  );
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // No ExecutionContext: the promise runs on its own.
  }
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const errorResponses = {
  400: { description: "Invalid input (`validation_failed`, `malformed_json`); `details.fields` names each bad field", content: { "application/json": { schema: ErrorSchema } } },
  413: { description: "Body too large", content: { "application/json": { schema: ErrorSchema } } },
  415: { description: "Wrong content type", content: { "application/json": { schema: ErrorSchema } } },
} as const;

export const jsonError = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });
