/**
 * The site's API in workerd against real Postgres: the public config, the
 * customer's job list (own jobs only, under RLS) and the staff catalog
 * (search, activate, tier, CSV import, success rates): staff only, and bad
 * input is a 4xx that writes nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { signUserToken } from "../../src/auth/user-token";
import { connectFromWorker } from "../../src/db/worker-database";
import type { CatalogDirectory, CatalogPage, ImportResult, SuccessRates } from "../../core/protocol/staff";
import type { MyJob, SiteConfig } from "../../core/protocol/site";
import { seedJob } from "./support/seed";

const staffToken = () => signUserToken(env, { userId: crypto.randomUUID(), email: "ops@directorybolt.example", staff: true });
const customerToken = (userId = crypto.randomUUID(), email = `${userId.slice(0, 8)}@example.com`) => signUserToken(env, { userId, email });

async function call<T = unknown>(path: string, init: { method?: string; token?: string; body?: unknown; contentType?: string; vars?: Partial<Env> } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  const res = await app.request(
    path,
    { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) },
    { ...env, ...init.vars },
  );
  return { status: res.status, body: (await res.json()) as T & { error?: { code: string; message: string; details?: Record<string, unknown> } } };
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const conn = await connectFromWorker(env);
  try {
    return (await conn.client.query(text, params)).rows as T[];
  } finally {
    await conn.close();
  }
}

describe("GET /api/config", () => {
  it("offers magic links only when both Supabase values are set, and local sign-in only locally", async () => {
    const local = await call<SiteConfig>("/api/config", { vars: { PUBLIC_URL: "http://127.0.0.1:8787", SUPABASE_URL: "", SUPABASE_ANON_KEY: "" } });
    expect(local.body).toEqual({ supabaseUrl: null, supabaseAnonKey: null, localSignIn: true });
    const supabase = await call<SiteConfig>("/api/config", { vars: { SUPABASE_URL: "https://abc.supabase.co/", SUPABASE_ANON_KEY: "anon-key" } });
    expect(supabase.body).toEqual({ supabaseUrl: "https://abc.supabase.co", supabaseAnonKey: "anon-key", localSignIn: false });
    const half = await call<SiteConfig>("/api/config", { vars: { SUPABASE_URL: "https://abc.supabase.co", SUPABASE_ANON_KEY: "" } });
    expect(half.body).toMatchObject({ supabaseUrl: null, supabaseAnonKey: null });
    // No secret leaks through the config.
    expect(JSON.stringify(supabase.body)).not.toContain(env.SUPABASE_JWT_SECRET);
  });
});

describe("GET /api/me/jobs", () => {
  it("lists the customer's own jobs only, and needs a sign-in", async () => {
    const mine = await seedJob({ directories: 3 });
    const theirs = await seedJob({ directories: 3 });
    const res = await call<{ jobs: MyJob[] }>("/api/me/jobs", { token: await customerToken(mine.userId) });
    expect(res.status).toBe(200);
    expect(res.body.jobs.map((j) => j.jobId)).toEqual([mine.jobId]);
    expect(res.body.jobs[0]).toMatchObject({ plan: "starter", status: "pending", total: 3, submitted: 0, completedAt: null });
    const other = await call<{ jobs: MyJob[] }>("/api/me/jobs", { token: await customerToken(theirs.userId) });
    expect(other.body.jobs.map((j) => j.jobId)).toEqual([theirs.jobId]);
    // A stranger and a staff member without purchases see no one's jobs here.
    expect((await call<{ jobs: MyJob[] }>("/api/me/jobs", { token: await customerToken() })).body.jobs).toEqual([]);
    expect((await call<{ jobs: MyJob[] }>("/api/me/jobs", { token: await staffToken() })).body.jobs).toEqual([]);
    expect((await call("/api/me/jobs")).status).toBe(401);
    expect((await call("/api/me/jobs", { token: "not-a-jwt" })).status).toBe(401);
  });

  it("links a purchase made with the signed-in email on first use", async () => {
    const seeded = await seedJob({ directories: 2 });
    const [row] = await sql<{ email: string }>("update customers set user_id = null where id = $1 returning email", [seeded.customerId]);
    const email = row!.email;
    const newUser = crypto.randomUUID();
    const res = await call<{ jobs: MyJob[] }>("/api/me/jobs", { token: await customerToken(newUser, email) });
    expect(res.body.jobs.map((j) => j.jobId)).toEqual([seeded.jobId]);
    expect((await sql<{ user_id: string }>("select user_id from customers where id = $1", [seeded.customerId]))[0]!.user_id).toBe(newUser);
  });
});

describe("the staff catalog API", () => {
  it("is staff only: 401 without a sign-in, 403 for a customer, and nothing changes", async () => {
    const { jobId } = await seedJob({ directories: 1 });
    const [dir] = await sql<{ id: string; is_active: boolean }>("select d.id, d.is_active from directories d join directory_submissions s on s.directory_id = d.id where s.job_id = $1", [jobId]);
    const customer = await customerToken();
    const csv = "slug,name,website,priority_tier,country\nsneaky-dir,Sneaky,https://sneaky.example,1,US\n";
    for (const [method, path, body] of [
      ["GET", "/api/staff/directories", undefined],
      ["GET", "/api/staff/directories/success-rates", undefined],
      ["PATCH", `/api/staff/directories/${dir!.id}`, { isActive: false }],
      ["POST", "/api/staff/directories/import", { csv }],
    ] as const) {
      expect((await call(path, { method, body })).status, `${method} ${path} anonymous`).toBe(401);
      const res = await call(path, { method, body, token: customer });
      expect(res.status, `${method} ${path} as a customer`).toBe(403);
      expect(res.body.error?.code).toBe("forbidden");
    }
    expect((await sql<{ is_active: boolean }>("select is_active from directories where id = $1", [dir!.id]))[0]!.is_active).toBe(true);
    expect(await sql("select 1 from directories where slug = 'sneaky-dir'")).toEqual([]);
  });

  it("searches by name or slug, filters by status, and treats % and _ literally", async () => {
    const { jobId } = await seedJob({ directories: 3 });
    const tag = (await sql<{ slug: string }>("select d.slug from directories d join directory_submissions s on s.directory_id = d.id where s.job_id = $1 limit 1", [jobId]))[0]!.slug.split("-")[0]!;
    const token = await staffToken();
    const page = await call<CatalogPage>(`/api/staff/directories?q=${tag}`, { token });
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.directories.every((d) => d.slug.startsWith(tag))).toBe(true);
    const first = page.body.directories[0]!;
    await sql("update directories set is_active = false where id = $1", [first.id]);
    const inactive = await call<CatalogPage>(`/api/staff/directories?q=${tag}&status=inactive`, { token });
    expect(inactive.body.directories.map((d) => d.id)).toEqual([first.id]);
    expect((await call<CatalogPage>(`/api/staff/directories?q=${tag}&status=active&limit=1`, { token })).body).toMatchObject({ total: 2, directories: [{}] });
    expect((await call<CatalogPage>("/api/staff/directories?q=%25%25%25", { token })).body.total).toBe(0);
    // %00 once reached Postgres as a NUL in a text parameter: a 500 (found by the fuzz project in CI).
    for (const bad of ["status=gone", "limit=0", "limit=abc", "offset=-1", `q=${"x".repeat(201)}`, "q=%00", "q=a%00b&status=inactive"]) {
      const res = await call(`/api/staff/directories?${bad}`, { token });
      expect(res.status, bad).toBe(400);
      expect(res.body.error?.code).toBe("validation_failed");
    }
  });

  it("activates, deactivates and changes the tier; bad changes are 4xx and change nothing", async () => {
    const { jobId } = await seedJob({ directories: 1 });
    const [dir] = await sql<{ id: string }>("select directory_id as id from directory_submissions where job_id = $1", [jobId]);
    const token = await staffToken();
    const path = `/api/staff/directories/${dir!.id}`;
    const off = await call<CatalogDirectory>(path, { method: "PATCH", token, body: { isActive: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: dir!.id, isActive: false, priorityTier: 1 });
    expect((await call<CatalogDirectory>(path, { method: "PATCH", token, body: { isActive: false } })).body.isActive).toBe(false); // twice: same
    const on = await call<CatalogDirectory>(path, { method: "PATCH", token, body: { isActive: true, priorityTier: 3 } });
    expect(on.body).toMatchObject({ isActive: true, priorityTier: 3 });
    for (const [body, contentType] of [
      [{ priorityTier: 9 }, undefined],
      [{ priorityTier: 2.5 }, undefined],
      [{ isActive: "no" }, undefined],
      [{ isActive: false, name: "Renamed" }, undefined],
      [{}, undefined],
      ["{not json", undefined],
      ["isActive=false", "application/x-www-form-urlencoded"],
    ] as const) {
      const res = await call(path, { method: "PATCH", token, body, contentType });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(res.body.error?.message).toBeTruthy();
    }
    expect((await sql<{ is_active: boolean; priority_tier: number; name: string }>("select is_active, priority_tier, name from directories where id = $1", [dir!.id]))[0]).toEqual({
      is_active: true,
      priority_tier: 3,
      name: "Directory 0",
    });
    expect((await call(`/api/staff/directories/${crypto.randomUUID()}`, { method: "PATCH", token, body: { isActive: true } })).status).toBe(404);
    expect((await call("/api/staff/directories/nope", { method: "PATCH", token, body: { isActive: true } })).status).toBe(400);
  });

  it("shows each directory's last check, lists the held ones, and lets staff lift a hold", async () => {
    const { jobId } = await seedJob({ directories: 2 });
    const dirs = await sql<{ id: string; slug: string }>("select d.id, d.slug from directories d join directory_submissions s on s.directory_id = d.id where s.job_id = $1 order by d.slug", [jobId]);
    const tag = dirs[0]!.slug.split("-")[0]!;
    const [held, fine] = dirs;
    await sql(
      `update directories set checked_at = '2026-12-01T10:00:00Z', check_status = 'gone', check_hold = true, facts_verified = false,
         check_result = '{"reasons": ["https://x.example/ answered 410"]}'::jsonb where id = $1`,
      [held!.id],
    );
    const token = await staffToken();
    const page = await call<CatalogPage>(`/api/staff/directories?q=${tag}`, { token });
    const byId = new Map(page.body.directories.map((d) => [d.id, d]));
    expect(byId.get(held!.id)).toMatchObject({ checkHold: true, factsVerified: false, lastCheck: { at: "2026-12-01T10:00:00.000Z", status: "gone", reasons: ["https://x.example/ answered 410"] } });
    expect(byId.get(fine!.id)).toMatchObject({ checkHold: false, lastCheck: null });
    const onlyHeld = await call<CatalogPage>(`/api/staff/directories?q=${tag}&status=held`, { token });
    expect(onlyHeld.body.directories.map((d) => d.id)).toEqual([held!.id]);
    const lifted = await call<CatalogDirectory>(`/api/staff/directories/${held!.id}`, { method: "PATCH", token, body: { checkHold: false } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ checkHold: false, lastCheck: { status: "gone" } });
    expect((await sql<{ check_hold: boolean }>("select check_hold from directories where id = $1", [held!.id]))[0]!.check_hold).toBe(false);
    expect((await call(`/api/staff/directories/${held!.id}`, { method: "PATCH", token, body: { checkHold: "no" } })).status).toBe(400);
  });

  it("imports a CSV by slug, checks it without writing on a dry run, and refuses a file with a bad row whole", async () => {
    const token = await staffToken();
    const tag = crypto.randomUUID().slice(0, 8);
    const good = `slug,name,website,priority_tier,country,requires_captcha\n${tag}-a,"Alpha, Inc.",https://a.${tag}.example,2,US,no\n${tag}-b,Beta,https://b.${tag}.example,4,de,yes\n`;
    const dry = await call<ImportResult>("/api/staff/directories/import", { method: "POST", token, body: { csv: good, dryRun: true } });
    expect(dry.body).toEqual({ dryRun: true, valid: 2, inserted: 0, updated: 0 });
    expect(await sql("select 1 from directories where slug like $1", [`${tag}-%`])).toEqual([]);
    const first = await call<ImportResult>("/api/staff/directories/import", { method: "POST", token, body: { csv: good } });
    expect(first.body).toEqual({ dryRun: false, valid: 2, inserted: 2, updated: 0 });
    const again = await call<ImportResult>("/api/staff/directories/import", { method: "POST", token, body: { csv: good } });
    expect(again.body).toMatchObject({ inserted: 0, updated: 2 });
    expect(await sql("select slug, name, priority_tier, country, requires_captcha from directories where slug like $1 order by slug", [`${tag}-%`])).toEqual([
      { slug: `${tag}-a`, name: "Alpha, Inc.", priority_tier: 2, country: "US", requires_captcha: false },
      { slug: `${tag}-b`, name: "Beta", priority_tier: 4, country: "DE", requires_captcha: true },
    ]);

    // One bad row: the whole file is refused with each problem in words, and the good row is not written.
    const bad = `slug,name,website,priority_tier,country\n${tag}-c,Gamma,https://c.${tag}.example,1,US\n${tag}-d,Delta,ftp://d.example,7,USA\n${tag}-c,Gamma again,https://c2.${tag}.example,1,US\n`;
    const refused = await call("/api/staff/directories/import", { method: "POST", token, body: { csv: bad } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "import_rejected", message: "2 of 3 row(s) have problems; nothing was imported" });
    const problems = refused.body.error!.details!.problems as { line: number; slug: string; errors: string[] }[];
    expect(problems.map((p) => [p.line, p.slug])).toEqual([
      [3, `${tag}-d`],
      [4, `${tag}-c`],
    ]);
    expect(problems[0]!.errors.join(" ")).toMatch(/website: .*http/);
    expect(problems[0]!.errors.join(" ")).toMatch(/priorityTier/);
    expect(problems[1]!.errors).toEqual(["slug: duplicate of line 2"]);
    expect(await sql("select 1 from directories where slug in ($1, $2)", [`${tag}-c`, `${tag}-d`])).toEqual([]);

    for (const [body, code] of [
      [{ csv: "" }, "validation_failed"],
      [{ csv: "slug,name,website,priority_tier,country\n" }, "empty_import"],
      [{ csv: good, extra: 1 }, "validation_failed"],
      [{ file: good }, "validation_failed"],
      [{ csv: good.replace("\n", "\u0000\n") }, "validation_failed"],
      ["not json", "malformed_json"],
    ] as const) {
      const res = await call("/api/staff/directories/import", { method: "POST", token, body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.body.error?.code).toBe(code);
    }
    expect((await call("/api/staff/directories/import", { method: "POST", token, body: good, contentType: "text/csv" })).status).toBe(415);
    const huge = { csv: "x".repeat(2 * 1024 * 1024 + 10) };
    expect((await call("/api/staff/directories/import", { method: "POST", token, body: huge })).status).toBe(413);
  });

  it("computes success by directory per day and week from the submissions", async () => {
    const { jobId, submissionIds } = await seedJob({ directories: 3 });
    const [a, b, c] = submissionIds as [string, string, string];
    await sql("update directory_submissions set status = 'submitted', submitted_at = now() where id = $1", [a]);
    await sql("update directory_submissions set status = 'failed', failure_reason = 'form changed' where id = $1", [b]);
    await sql("update directory_submissions set status = 'approved', submitted_at = now() - interval '1 day', approved_at = now() where id = $1", [c]);
    const dirs = await sql<{ sub: string; dir: string }>("select id as sub, directory_id as dir from directory_submissions where job_id = $1", [jobId]);
    const dirOf = (s: string) => dirs.find((d) => d.sub === s)!.dir;
    const token = await staffToken();

    const weekly = await call<SuccessRates>(`/api/staff/directories/success-rates?directoryId=${dirOf(a)}`, { token });
    expect(weekly.status).toBe(200);
    expect(weekly.body.bucket).toBe("week");
    expect(weekly.body.starts).toHaveLength(12);
    expect(new Date(`${weekly.body.starts.at(-1)}T00:00:00Z`).getUTCDay()).toBe(1); // Monday
    expect(weekly.body.directories).toMatchObject([{ directoryId: dirOf(a), attempts: 1, succeeded: 1, failed: 0 }]);

    const daily = await call<SuccessRates>(`/api/staff/directories/success-rates?bucket=day&count=3`, { token });
    const today = new Date().toISOString().slice(0, 10);
    expect(daily.body.starts.at(-1)).toBe(today);
    const byDir = new Map(daily.body.directories.map((d) => [d.directoryId, d]));
    expect(byDir.get(dirOf(a))!.buckets).toEqual([{ start: today, succeeded: 1, failed: 0 }]);
    expect(byDir.get(dirOf(b))).toMatchObject({ attempts: 1, succeeded: 0, failed: 1, buckets: [{ start: today, succeeded: 0, failed: 1 }] });
    // Counted on the day it was submitted, not the day it was approved.
    expect(byDir.get(dirOf(c))!.buckets).toEqual([{ start: daily.body.starts.at(-2), succeeded: 1, failed: 0 }]);

    for (const bad of ["bucket=month", "count=0", "count=91", "directoryId=abc"]) {
      const res = await call(`/api/staff/directories/success-rates?${bad}`, { token });
      expect(res.status, bad).toBe(400);
    }
  });
});
