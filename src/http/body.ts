/**
 * Request bodies, checked before the zod validator reads them: a size limit
 * (413, declared or counted: a body may be chunked), the content type (415),
 * JSON that parses (400 `malformed_json`, never a 500) and, unless the route
 * keeps them, no NUL characters (src/http/validation.ts).
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { ApiError } from "./errors";
import { JSON_BODY_LIMIT, payloadTooLarge, refuseNul } from "./validation";

export { JSON_BODY_LIMIT } from "./validation";
/** Largest Stripe event accepted (Stripe's events are a few KiB). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

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

export interface JsonRequestOptions {
  maxBytes?: number;
  /** "refuse" (the default): a 400 naming the field; "keep": the caller stores it safely (workers' reports). */
  nul?: "refuse" | "keep";
}

/**
 * A JSON request body: at most `maxBytes`, sent as application/json, and
 * parseable. Runs before zod validation, which reads the cached text again.
 */
export function jsonRequest({ maxBytes = JSON_BODY_LIMIT, nul = "refuse" }: JsonRequestOptions = {}): MiddlewareHandler[] {
  return [
    sizeLimit(maxBytes),
    createMiddleware(async (c, next) => {
      if (!JSON_MEDIA_TYPE.test(mediaType(c))) {
        throw new ApiError(415, "unsupported_media_type", "Send the body as application/json");
      }
      const text = await c.req.text();
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new ApiError(400, "malformed_json", "The body is not valid JSON");
      }
      if (nul === "refuse") refuseNul(data, "body");
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
