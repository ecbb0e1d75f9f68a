/**
 * `GET /api/config` → SiteConfig: the public settings the site needs before
 * anyone signs in. The Supabase URL and anon key are public by design (every
 * Supabase web client ships them); secrets never appear here.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonAnswer, newApiApp } from "../http/openapi";
import type { SiteConfig } from "../../core/protocol/site";
import { isLocalAuth } from "./local-auth";

export function siteConfigOf(env: Pick<Env, "SUPABASE_URL" | "SUPABASE_ANON_KEY" | "PUBLIC_URL">): SiteConfig {
  const magicLink = Boolean(env.SUPABASE_URL && env.SUPABASE_ANON_KEY);
  return {
    supabaseUrl: magicLink ? env.SUPABASE_URL.replace(/\/$/, "") : null,
    supabaseAnonKey: magicLink ? env.SUPABASE_ANON_KEY : null,
    localSignIn: isLocalAuth(env),
  };
}

const SiteConfigSchema = z
  .object({
    supabaseUrl: z.string().nullable().openapi({ description: "Supabase Auth magic links: both set, or both null (then local sign-in)" }),
    supabaseAnonKey: z.string().nullable(),
    localSignIn: z.boolean(),
  })
  .openapi("SiteConfig");

const getConfig = createRoute({
  method: "get",
  path: "/",
  tags: ["site"],
  summary: "The public settings the site needs before anyone signs in",
  responses: { 200: jsonAnswer("How to sign in", SiteConfigSchema) },
});

export const siteConfig = newApiApp().openapi(getConfig, (c) => {
  c.header("cache-control", "public, max-age=60");
  return c.json(siteConfigOf(c.env), 200);
});
