/**
 * The signed-in user. With a Supabase project (the API's config names one)
 * the session is supabase-js's: it refreshes the access token before it
 * expires and the token signal follows it (ui/src/supabase-auth.ts). In
 * local development the local sign-in's token is kept in localStorage. The
 * claims are read, not verified: the API verifies.
 */
import { createSignal } from "solid-js";
import { siteConfig } from "./config";
import type { AuthClient } from "./supabase-auth";

const LOCAL_KEY = "directorybolt.token";

function readLocalToken(): string | null {
  try {
    return localStorage.getItem(LOCAL_KEY);
  } catch {
    return null;
  }
}

const [tokenSignal, setTokenSignal] = createSignal<string | null>(null);
export const token = tokenSignal;

const SUPABASE_KEY = "directorybolt.supabase";

/** supabase-js's auth client, created on first need once the config named a project. */
let supabase: Promise<AuthClient | null> | null = null;

/** supabase-js's auth client, or null when sign-in is local (its chunk loads on the first call). */
export function supabaseAuth(): Promise<AuthClient | null> {
  supabase ??= siteConfig()
    .then(async (config) => {
      if (!config.supabaseUrl || !config.supabaseAnonKey) return null;
      const { createAuthClient } = await import("./supabase-auth");
      const auth = createAuthClient({ supabaseUrl: config.supabaseUrl, supabaseAnonKey: config.supabaseAnonKey, storageKey: SUPABASE_KEY });
      auth.onAuthStateChange((_event, session) => setTokenSignal(session?.access_token ?? null));
      return auth;
    })
    .catch(() => {
      supabase = null; // tried again next time
      return null;
    });
  return supabase;
}

function hasStoredSession(): boolean {
  try {
    return localStorage.getItem(SUPABASE_KEY) !== null;
  } catch {
    return false;
  }
}

/**
 * Restores the session before the first page renders (pages decide at once
 * whether someone is signed in): the local token, or supabase-js's stored
 * session, refreshed if its access token has expired. A visitor with no
 * session does not load supabase-js until they sign in.
 */
export async function restoreSession(): Promise<void> {
  const local = readLocalToken();
  if (local) {
    setTokenSignal(local);
    return;
  }
  if (!hasStoredSession()) return;
  const auth = await supabaseAuth();
  if (auth) setTokenSignal((await auth.getSession()).data.session?.access_token ?? null);
}

/** The access token to send now: supabase-js refreshes one that is about to expire. */
export async function accessToken(): Promise<string | null> {
  const auth = supabase ? await supabase : null;
  if (!auth) return tokenSignal();
  return (await auth.getSession()).data.session?.access_token ?? null;
}

/** The local sign-in's token (local development only). */
export function setLocalToken(value: string): void {
  localStorage.setItem(LOCAL_KEY, value);
  setTokenSignal(value);
}

/** Signs out here, and with Supabase also at Supabase (the refresh token is revoked). */
export async function signOut(): Promise<void> {
  localStorage.removeItem(LOCAL_KEY);
  const auth = supabase ? await supabase : null;
  if (auth) {
    const { error } = await auth.signOut();
    // Offline or refused: this browser still forgets the session.
    if (error) await auth.signOut({ scope: "local" });
  }
  setTokenSignal(null);
}

export interface Claims {
  sub: string;
  email?: string;
  exp?: number;
  app_metadata?: { role?: string };
}

export function claims(): Claims | null {
  const t = token();
  if (!t) return null;
  try {
    const part = t.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
    const c = JSON.parse(atob(part)) as Claims;
    if (c.exp && c.exp * 1000 < Date.now()) return null;
    return c;
  } catch {
    return null;
  }
}

export const isStaff = () => claims()?.app_metadata?.role === "staff";
export const signedIn = () => claims() !== null;

/** The last job this browser bought, so the portal can be found again. */
export const lastJob = {
  get: (): string | null => localStorage.getItem("directorybolt.lastJob"),
  set: (id: string) => localStorage.setItem("directorybolt.lastJob", id),
};

/** Where to go after a magic link: kept across the trip through the user's inbox (often a new tab). */
export const nextAfterSignIn = {
  set: (path: string | null) => (path ? localStorage.setItem("directorybolt.next", path) : localStorage.removeItem("directorybolt.next")),
  take: (): string | null => {
    const path = localStorage.getItem("directorybolt.next");
    localStorage.removeItem("directorybolt.next");
    return path && path.startsWith("/") && !path.startsWith("//") ? path : null;
  },
};
