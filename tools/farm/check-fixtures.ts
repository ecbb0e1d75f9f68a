/**
 * Directories that fail a catalog check, for `npm run directories:check`'s
 * tests (tools/directories-check.ts): one gone (410), one missing (404), one
 * forbidding (403), one its robots.txt shuts to automation, one without a
 * form, one whose terms forbid automated submissions, and one that moved.
 * They live under `/x/` and are not in the farm's catalog, so no order ever
 * selects them. The farm's `/robots.txt` is theirs too: it disallows only
 * the robots fixture.
 */
import { html, redirect, text, type Reply } from "./http.ts";

export type CheckFixtureKind = "gone" | "missing" | "forbidden" | "robots" | "formless" | "no-bots" | "moved";

export interface CheckFixture {
  kind: CheckFixtureKind;
  slug: string;
  name: string;
  website: string;
  submitUrl: string;
}

export const CHECK_FIXTURE_KINDS: readonly CheckFixtureKind[] = ["gone", "missing", "forbidden", "robots", "formless", "no-bots", "moved"];

export const FARM_ROBOTS_TXT = "User-agent: *\nDisallow: /x/robots/\n";

export function checkFixtures(farmUrl: string, aliveBasePath: string): CheckFixture[] {
  return CHECK_FIXTURE_KINDS.map((kind) => ({
    kind,
    slug: `check-${kind}`,
    name: `Check fixture: ${kind}`,
    website: `${farmUrl}/x/${kind}/`,
    submitUrl: kind === "moved" ? `${farmUrl}${aliveBasePath}` : `${farmUrl}/x/${kind}/add`,
  }));
}

const FORM = `<form method="post" action="add"><label>Business name <input name="business_name" required></label>
<label>Website <input name="website" type="url"></label><label>Phone <input name="phone" type="tel"></label><button>Add listing</button></form>`;

const page = (title: string, body: string) => html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`);

/** Answers `/x/<kind>/...`; `aliveBasePath` is where the moved fixture now lives. */
export function handleCheckFixture(kind: string, rest: string, aliveBasePath: string): Reply {
  switch (kind) {
    case "gone":
      return text("This directory has closed.", 410);
    case "missing":
      return text("not found", 404);
    case "forbidden":
      return text("Access denied", 403);
    case "robots":
      return page("Robots-shy directory", rest === "add" ? FORM : `<p><a href="add">Add your business</a></p>`);
    case "formless":
      return page("Read-only directory", `<p>Listings are added by our editors only. <a href="add">About listings</a></p><form role="search" action="/search"><input name="q" type="search"></form>`);
    case "no-bots":
      if (rest === "terms") {
        return page("Terms of use", "<p>You may not use any robot, spider, scraper or other automated means to submit listings or access the site.</p>");
      }
      return page("Strict directory", `${rest === "add" ? FORM : ""}<footer><a href="/x/no-bots/terms">Terms of use</a></footer>`);
    case "moved":
      return redirect(aliveBasePath, 301);
    default:
      return text("no such fixture", 404);
  }
}
