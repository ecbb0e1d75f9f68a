/**
 * `GET /api/config` → SiteConfig: the public settings the site needs before
 * anyone signs in. The Supabase URL and anon key are public by design (every
 * Supabase web client ships them); secrets never appear here.
 */
import { Hono } from "hono";
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

export const siteConfig = new Hono<{ Bindings: Env }>().get("/", (c) => {
  c.header("cache-control", "public, max-age=60");
  return c.json(siteConfigOf(c.env));
});
