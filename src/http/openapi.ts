/**
 * Every route file is one OpenAPIHono sub-app made here: its zod failures
 * become the project's 400 `validation_failed` (one hook, src/http/validation.ts),
 * its errors leave as JSON whether it is mounted or alone, and its routes
 * join the document at `GET /api/openapi.json` when src/app.ts mounts it.
 * Also the JSON error schema and the error responses the routes declare.
 */
import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import { errorResponse } from "./errors";
import { fieldErrors, refuseNul, validationFailed } from "./validation";

const TARGET_NAMES: Record<string, string> = { json: "body", form: "form", param: "path", query: "query", header: "headers" };

/**
 * zod-openapi's hook: a NUL in the path or query is refused first (bodies
 * are checked by jsonRequest, which knows whether the route keeps them),
 * then every validation failure is the project's 400.
 */
export const validationHook: Hook<unknown, { Bindings: Env }, string, unknown> = (result, c) => {
  const what = TARGET_NAMES[result.target] ?? result.target;
  if (result.target === "param") refuseNul(c.req.param(), what);
  if (result.target === "query") refuseNul(c.req.query(), what);
  if (!result.success) throw validationFailed(fieldErrors((result.error as z.ZodError).issues), what);
};

/** A sub-app of the API: own error handler, so it answers JSON mounted or alone. */
export function newApiApp<V extends object = object>() {
  const app = new OpenAPIHono<{ Bindings: Env; Variables: V }>({ defaultHook: validationHook as never });
  app.onError((err, c) => errorResponse(c, err));
  return app;
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

export const jsonError = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

export const errorResponses = {
  400: jsonError("Invalid input (`validation_failed`, `malformed_json`); `details.fields` names each bad field"),
  413: jsonError("Body too large"),
  415: jsonError("Wrong content type"),
} as const;

/** What a signed-in route can answer before it runs. */
export const signedIn = {
  401: jsonError("Not signed in, or the token is invalid"),
} as const;

/** What a staff route can answer before it runs. */
export const staffOnly = {
  ...signedIn,
  403: jsonError("Signed in, but not staff"),
} as const;

/** A JSON answer described by its schema. */
export const jsonAnswer = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { "application/json": { schema } } });
