/**
 * Every error the API answers is JSON `{ error: { code, message, details? } }`
 * (docs/architecture.md, contracts). Bad input is a 4xx; only our own faults are 5xx.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "../../core/log";

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ApiErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  // Hono raises HTTPException for malformed requests it parses itself.
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
    return c.json(errorBody("bad_request", err.message || "Bad request"), err.status as ContentfulStatusCode);
  }
  log("error", "unhandled", { requestId: c.req.header("cf-ray") ?? undefined, method: c.req.method, path: c.req.path, error: err });
  return c.json(errorBody("internal", "Something went wrong on our side; it has been logged."), 500);
}
