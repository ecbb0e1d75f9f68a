/**
 * startFarm(): one node:http server holding every simulated directory, the
 * farm's test endpoints and the captcha solver stand-in. Started by the
 * browser tests, by `npm run dev` and by `npm run farm`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdmin } from "./admin.ts";
import { type CheckFixture, FARM_ROBOTS_TXT, checkFixtures, handleCheckFixture } from "./check-fixtures.ts";
import { CaptchaService } from "./captcha/service.ts";
import { handleSolver, handleSolverJson } from "./captcha/solver.ts";
import { handleDirectory } from "./directory.ts";
import type { FaultOptions } from "./faults.ts";
import { DEFAULT_SEED, DEFAULT_VARIANTS, generateVariants, sandboxCatalog } from "./generator.ts";
import { html, parseBody, readRaw, send, text, type Reply } from "./http.ts";
import { createRng } from "./random.ts";
import { deliverMail } from "./mail.ts";
import { landingPage } from "./render/pages.ts";
import { FarmStore, type SubmissionFilter } from "./store.ts";
import type { FieldType } from "../../core/vocabulary.ts";
import type { FarmMail, Listing, ListingStatus, SandboxCatalogRow, Submission, Variant } from "./types.ts";

export interface FarmOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Base URL directories use in links and mails, if the farm is reached under another name (default http://host:port). */
  publicUrl?: string;
  /** Seed for the generated directories and the fault dice (default "directorybolt"). */
  seed?: string | number;
  /** Number of directories (default 520). */
  variants?: number;
  /** Fraction of directory requests answered with a random 500/502/503 (default 0). */
  flakyRate?: number;
  /** Fraction of directory requests delayed by slowMs (default 0; `slow` designs always are). */
  slowRate?: number;
  /** Delay of a slow page in ms (default 1500). */
  slowMs?: number;
  /** Time from acceptance (or e-mail confirmation) to the public listing page (default 5000 ms). */
  publishDelayMs?: number;
  /** Called for every recorded submission (a dev server can log or forward it). */
  onSubmission?: (submission: Submission) => void;
  /** Called for every verification mail (a dev server can route it to the local email handler). */
  onMail?: (mail: FarmMail) => void;
  /**
   * Where verification mails are delivered as raw RFC 822 by POST `?from=&to=`
   * (wrangler dev's `http://127.0.0.1:8787/cdn-cgi/handler/email`). Absent: mails are only kept.
   */
  mailEndpoint?: string;
  /**
   * Directories whose design forwards visitors' questions mail one to each
   * listing once it is public (tools/farm/enquiries.ts). Default false.
   */
  enquiries?: boolean;
  /** How long a sign-in at a directory's account lasts before an edit is sent back to sign in (default 10 minutes). */
  loginTtlMs?: number;
}

export interface Farm {
  /** Base URL, no trailing slash, e.g. http://127.0.0.1:4567 */
  readonly url: string;
  readonly port: number;
  /** The 2Captcha-compatible solver stand-in's base URL (`${url}/__solver`): POST in.php, GET res.php. */
  readonly solverUrl: string;
  readonly variants: readonly Variant[];
  variant(slug: string): Variant | undefined;
  /** The first directory using a design. */
  variantFor(designId: string): Variant;
  variantsFor(designId: string): Variant[];
  /** The `directories` rows for this farm (default: all its directories). */
  catalog(count?: number): SandboxCatalogRow[];
  /** Directories that fail a catalog check (gone, blocked, formless, ...), never in the catalog. */
  checkFixtures(): CheckFixture[];
  submissions(filter?: SubmissionFilter): Submission[];
  listings(filter?: { slug?: string; status?: ListingStatus }): Listing[];
  /**
   * A listing as an accepted post leaves it, without the form (tests that
   * start from live listings): `values` by field type, mapped onto the
   * directory's fields of that type; published after `publishDelayMs`.
   */
  placeListing(slug: string, values: Partial<Record<FieldType, string>>): Listing;
  /**
   * A listing the business had at this directory before any job (issue 17's
   * "existing listings first"): like `placeListing`, but public at once, so
   * the directory's search and listing page show it. Tests seed it with the
   * profile's values (found as already listed) or with one changed, e.g. a
   * wrong phone (a claim-and-correct task).
   */
  seedExistingListing(slug: string, values: Partial<Record<FieldType, string>>): Listing;
  /** Changes a listing's values by field type (the name and phone follow their fields). */
  changeListing(id: string, values: Partial<Record<FieldType, string>>): Listing | undefined;
  deleteListing(id: string): boolean;
  mails(filter?: { slug?: string; to?: string }): FarmMail[];
  /** The answer to an image captcha (the solver stand-in's knowledge; never in the page). */
  captchaAnswer(id: string): string | undefined;
  /** Random 5xx answers given so far (flakyRate). */
  faultsInjected(): number;
  /** Captchas the solver stand-in is still solving (held back by `solverDelayMs`). */
  captchasInProgress(): number;
  /** Changes the fault rates of a running farm (`goneShare`: that share of directories answers 410 for good); `solverDelayMs`: the solver stand-in takes this long for each new captcha. */
  setFaults(patch: { flakyRate?: number; slowRate?: number; slowMs?: number; goneShare?: number; solverDelayMs?: number }): void;
  /** Forgets submissions, listings, sessions, captchas, rate windows and mails. */
  reset(): void;
  close(): Promise<void>;
}

/** Values by field type → the directory's posted values by field name. */
function fieldsOfTypes(variant: Variant, values: Partial<Record<FieldType, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of variant.design.fields) {
    const v = values[f.type];
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

export async function startFarm(options: FarmOptions = {}): Promise<Farm> {
  const seed = options.seed ?? DEFAULT_SEED;
  const variants = generateVariants(options.variants ?? DEFAULT_VARIANTS, seed);
  const bySlug = new Map(variants.map((v) => [v.slug, v]));
  const store = new FarmStore(options.publishDelayMs ?? 5000);
  const captchas = new CaptchaService();
  const rng = createRng(`${seed}:faults`);
  const faults: FaultOptions = { flakyRate: options.flakyRate ?? 0, slowRate: options.slowRate ?? 0, slowMs: options.slowMs ?? 1500, injected: 0 };
  let url = "";
  const farmUrl = () => url;
  const mailEndpoint = options.mailEndpoint;
  const onMail = mailEndpoint
    ? (mail: FarmMail) => {
        options.onMail?.(mail);
        const name = variants.find((v) => v.slug === mail.slug)?.name ?? mail.slug;
        void deliverMail(mailEndpoint, mail, name).then((status) => (mail.delivered = status));
      }
    : options.onMail;
  const reset = () => {
    store.reset();
    captchas.reset();
  };

  async function handle(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? "GET";
    const requestUrl = new URL(req.url ?? "/", "http://farm.invalid");
    const path = requestUrl.pathname;
    const raw = method === "POST" ? await readRaw(req) : Buffer.alloc(0);
    if (method === "POST" && (path === "/__solver/createTask" || path === "/__solver/getTaskResult")) {
      let body: unknown = null;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        // answered as a missing key, as the service answers a body it cannot read
      }
      return handleSolverJson(path === "/__solver/createTask" ? "createTask" : "getTaskResult", body, captchas);
    }
    const { fields, files, uploads } = method === "POST" ? await parseBody(req, raw) : { fields: {}, files: {}, uploads: {} };

    if (path === "/" && method === "GET") return html(landingPage(variants));
    if (path.startsWith("/__farm/")) {
      return handleAdmin(method, path.slice("/__farm/".length), requestUrl, { store, captchas, farmUrl, variantCount: variants.length, seed, reset });
    }
    if (path.startsWith("/__solver/")) {
      const params = new URLSearchParams(requestUrl.search);
      for (const [k, v] of Object.entries(fields)) if (typeof v === "string") params.set(k, v);
      return handleSolver(path.slice("/__solver/".length), params, files.file, captchas);
    }
    if (path === "/robots.txt") return text(FARM_ROBOTS_TXT);
    const fixture = /^\/x\/([a-z-]+)\/(.*)$/.exec(path);
    if (fixture) return handleCheckFixture(fixture[1]!, fixture[2]!, variants[0]!.basePath);
    const match = /^\/d\/([a-z0-9-]+)(?:\/(.*))?$/.exec(path);
    if (match) {
      const variant = bySlug.get(match[1]!);
      if (!variant) return text("no such directory", 404);
      if (match[2] === undefined) return { status: 301, headers: { location: variant.basePath } };
      return handleDirectory(
        variant,
        { req, method, rest: match[2], url: requestUrl, posted: fields, uploads },
        { store, captchas, faults, rng, farmUrl, onSubmission: options.onSubmission, onMail, enquiries: options.enquiries, loginTtlMs: options.loginTtlMs },
      );
    }
    if (path === "/favicon.ico") return { status: 204 };
    return text("not found", 404);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, text(`farm error: ${error instanceof Error ? error.message : String(error)}`, 500)),
    );
  });
  // Browsers keep connections alive; closing must not wait for them.
  server.keepAliveTimeout = 2000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = (options.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "");

  function placeListing(slug: string, values: Partial<Record<FieldType, string>>, publishNow: boolean): Listing {
    const variant = bySlug.get(slug);
    if (!variant) throw new Error(`no directory ${slug}`);
    return store.createListing(
      {
        slug,
        design: variant.design.id,
        businessName: values.organization ?? "",
        phone: values.tel ?? "",
        email: values.email ?? "",
        website: values.url ?? "",
        fields: fieldsOfTypes(variant, values),
        emailVerification: false,
      },
      url,
      publishNow,
    );
  }

  return {
    url,
    port,
    solverUrl: `${url}/__solver`,
    variants,
    variant: (slug) => bySlug.get(slug),
    variantFor(designId) {
      const v = variants.find((x) => x.design.id === designId);
      if (!v) throw new Error(`no directory uses design ${designId} (only ${variants.length} directories)`);
      return v;
    },
    variantsFor: (designId) => variants.filter((x) => x.design.id === designId),
    catalog: (count = variants.length) => sandboxCatalog(url, Math.min(count, variants.length), seed),
    checkFixtures: () => checkFixtures(url, variants[0]!.basePath),
    submissions: (filter) => store.submissions(filter),
    faultsInjected: () => faults.injected ?? 0,
    captchasInProgress: () => captchas.inProgress(),
    setFaults: ({ solverDelayMs, ...patch }) => {
      Object.assign(faults, patch);
      if (solverDelayMs !== undefined) captchas.delayMs = solverDelayMs;
    },
    listings: (filter) => store.listings(filter),
    placeListing: (slug, values) => placeListing(slug, values, false),
    seedExistingListing: (slug, values) => placeListing(slug, values, true),
    changeListing: (id, values) => {
      const listing = store.listings().find((l) => l.id === id);
      const variant = listing ? bySlug.get(listing.slug) : undefined;
      if (!listing || !variant) return undefined;
      return store.changeListing(id, { fields: fieldsOfTypes(variant, values), businessName: values.organization, phone: values.tel });
    },
    deleteListing: (id) => store.deleteListing(id),
    mails: (filter) => store.mails(filter),
    captchaAnswer: (id) => captchas.answer(id),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
