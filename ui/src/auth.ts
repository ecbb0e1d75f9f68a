/** The signed-in user: the token in localStorage, its claims read (not verified: the API verifies). */
import { createSignal } from "solid-js";

const KEY = "directorybolt.token";

function readToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

const [tokenSignal, setTokenSignal] = createSignal<string | null>(readToken());
export const token = tokenSignal;

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
  setTokenSignal(value);
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
