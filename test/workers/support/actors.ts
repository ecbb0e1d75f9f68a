/**
 * The callers of the access matrix and the fuzz runs, as the headers they
 * send: nobody, customer A (who owns the seeded job), customer B (who does
 * not), staff, an external browser worker, a token signed with the wrong
 * key, and customer A's token after it expired.
 */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { signUserToken } from "../../../src/auth/user-token";

export const ACTORS = ["anonymous", "customerA", "customerB", "staff", "worker", "wrongToken", "expiredToken"] as const;
export type Actor = (typeof ACTORS)[number];

export interface People {
  userA: string;
  userB: string;
  staffUser: string;
}

export function newPeople(userA = crypto.randomUUID()): People {
  return { userA, userB: crypto.randomUUID(), staffUser: crypto.randomUUID() };
}

/** A customer token for `userId` signed with a key that is not the project's. */
export async function foreignToken(userId: string): Promise<string> {
  return new SignJWT({ role: "authenticated", app_metadata: { role: "staff" } })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setAudience("authenticated")
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode("not-the-project-secret-not-the-project-secret"));
}

/** The bearer each actor presents (null: no Authorization header). */
export async function bearerOf(actor: Actor, people: People): Promise<string | null> {
  switch (actor) {
    case "anonymous":
      return null;
    case "customerA":
      return signUserToken(env, { userId: people.userA, email: `${people.userA}@example.com` });
    case "customerB":
      return signUserToken(env, { userId: people.userB, email: `${people.userB}@example.com` });
    case "staff":
      // An email of its own, as Supabase Auth gives each user: a shared one would make each new
      // staff user a stranger to the customer row the previous one made (409 account_conflict).
      return signUserToken(env, { userId: people.staffUser, email: `staff-${people.staffUser}@example.com`, staff: true });
    case "worker":
      return env.WORKER_API_TOKEN;
    case "wrongToken":
      return foreignToken(people.userA);
    case "expiredToken":
      return signUserToken(env, { userId: people.userA, email: `${people.userA}@example.com` }, -120);
  }
}

export async function headersOf(actor: Actor, people: People): Promise<Record<string, string>> {
  const token = await bearerOf(actor, people);
  return token ? { authorization: `Bearer ${token}` } : {};
}
