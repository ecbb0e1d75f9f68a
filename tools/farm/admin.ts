/**
 * The farm's own endpoints under `/__farm/`, for tests and for `npm run dev`:
 * what was submitted, listings, mails, captcha answers (never shown in
 * pages), the sandbox catalog, the designs' ground truth, reset, and static
 * assets.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CaptchaService } from "./captcha/service.ts";
import { designs, groundTruth } from "./designs/index.ts";
import { sandboxCatalog } from "./generator.ts";
import { json, text, type Reply } from "./http.ts";
import type { FarmStore } from "./store.ts";
import type { ListingStatus, Submission } from "./types.ts";

const STATIC: Record<string, { type: string; body: string }> = Object.fromEntries(
  [
    ["farm.js", "text/javascript; charset=utf-8"],
    ["farm.css", "text/css; charset=utf-8"],
  ].map(([file, type]) => [file, { type: type!, body: readFileSync(fileURLToPath(new URL(`./static/${file}`, import.meta.url)), "utf8") }]),
);

export interface AdminDeps {
  store: FarmStore;
  captchas: CaptchaService;
  farmUrl: () => string;
  variantCount: number;
  seed: string | number;
  reset: () => void;
}

export function handleAdmin(method: string, path: string, url: URL, deps: AdminDeps): Reply {
  const q = url.searchParams;
  if (method === "GET" && path === "health") return json({ ok: true });
  if (method === "GET" && path === "submissions") {
    return json(deps.store.submissions({ slug: q.get("slug") ?? undefined, design: q.get("design") ?? undefined, outcome: (q.get("outcome") as Submission["outcome"]) ?? undefined }));
  }
  if (method === "POST" && path === "reset") {
    deps.reset();
    return { status: 204 };
  }
  if (method === "GET" && path === "listings") return json(deps.store.listings({ slug: q.get("slug") ?? undefined, status: (q.get("status") as ListingStatus) ?? undefined }));
  if (method === "GET" && path === "mails") return json(deps.store.mails({ slug: q.get("slug") ?? undefined, to: q.get("to") ?? undefined }));
  const captcha = /^captcha\/([a-f0-9]+)$/.exec(path);
  if (method === "GET" && captcha) {
    const answer = deps.captchas.answer(captcha[1]!);
    return answer ? json({ id: captcha[1], answer }) : json({ error: "unknown captcha" }, 404);
  }
  if (method === "GET" && path === "catalog") {
    const count = Math.min(Number(q.get("count") ?? deps.variantCount) || deps.variantCount, deps.variantCount);
    return json(sandboxCatalog(deps.farmUrl(), count, deps.seed));
  }
  if (method === "GET" && path === "designs") {
    return json(designs.map((d) => ({ id: d.id, title: d.title, language: d.language, steps: d.steps, delivery: d.delivery, fields: groundTruth(d) })));
  }
  const asset = /^static\/([\w.-]+)$/.exec(path);
  if (method === "GET" && asset && STATIC[asset[1]!]) {
    const file = STATIC[asset[1]!]!;
    return { status: 200, body: file.body, headers: { "content-type": file.type, "cache-control": "max-age=60" } };
  }
  return text("not found", 404);
}
