/**
 * What a directory does with one POST of its form, in the order real sites
 * check: security token, honeypots, field rules, captcha, then (on the last
 * wizard page) duplicate listing, and finally the listing is created.
 * Every POST is recorded with its outcome; rendering is left to the caller.
 */
import type { CaptchaService } from "./captcha/service.ts";
import { one, type Posted } from "./http.ts";
import { UI } from "./i18n.ts";
import { CAPTCHA_ID_INPUT } from "./render/controls.ts";
import { fieldsOnStep, STEP_INPUT } from "./render/form.ts";
import { plainLabel, validateFields } from "./rules.ts";
import type { FarmStore, Session } from "./store.ts";
import { scheduleEnquiry } from "./enquiries.ts";
import type { FarmMail, FieldError, FieldSpec, Listing, Submission, UploadedFile, Variant } from "./types.ts";

export type SubmissionResult =
  | { kind: "csrf" }
  | { kind: "honeypot" }
  /** Show the form again (validation, captcha, duplicate), keeping the values. */
  | { kind: "form"; step: number; errors: FieldError[]; alert?: string; values: Posted }
  | { kind: "next"; step: number }
  | { kind: "accepted"; listing: Listing };

export interface SubmissionContext {
  store: FarmStore;
  captchas: CaptchaService;
  farmUrl: string;
  userAgent?: string;
  onSubmission?: (s: Submission) => void;
  onMail?: (m: FarmMail) => void;
  /** Designs that forward visitors' questions do so (tools/farm/enquiries.ts). */
  enquiries?: boolean;
}

/** Types whose values are not part of the public listing. */
const PRIVATE_TYPES = new Set(["honeypot", "captcha", "new-password", "current-password", "terms"]);

function firstOfType(fields: FieldSpec[], values: Posted, type: string): string {
  for (const f of fields) if (f.type === type && one(values, f.name).trim()) return one(values, f.name).trim();
  return "";
}

/** Multi-value controls are lists even when one box was ticked, so records compare exactly. */
function normalise(fields: FieldSpec[], posted: Posted): Posted {
  const out: Posted = { ...posted };
  for (const f of fields) {
    const v = out[f.name];
    if (v !== undefined && !Array.isArray(v) && (f.control === "checkboxes" || f.multiple)) out[f.name] = [v];
  }
  return out;
}

/** Whether the directory already lists the business these values name (what `Submission.repeat` records). */
export function alreadyListed(store: FarmStore, variant: Variant, values: Posted): boolean {
  const fields = variant.design.fields;
  const name = firstOfType(fields, values, "organization");
  return !!name && !!store.findDuplicate(variant.slug, name, firstOfType(fields, values, "tel"), firstOfType(fields, values, "email"));
}

export function processSubmission(variant: Variant, session: Session | undefined, rawPosted: Posted, ctx: SubmissionContext, uploads: Record<string, UploadedFile> = {}): SubmissionResult {
  const { design } = variant;
  const posted = normalise(design.fields, rawPosted);
  const ui = UI[variant.language];
  const requested = design.steps > 1 ? Number(one(posted, STEP_INPUT)) || 1 : 1;
  // A page cannot be posted before the ones in front of it were accepted.
  const step = Math.min(Math.max(1, requested), (session?.wizardDone ?? 0) + 1, design.steps);
  const honeypotFilled = design.fields.some((f) => f.type === "honeypot" && one(posted, f.name).trim() !== "");
  const isLast = step >= design.steps;
  const merged: Posted = isLast && session ? { ...session.wizardValues, ...posted } : posted;
  const repeat = alreadyListed(ctx.store, variant, merged);
  const record = (outcome: Submission["outcome"], errors: FieldError[] = [], listingId?: string) => {
    const s = ctx.store.record({
      slug: variant.slug,
      design: design.id,
      step,
      fields: merged,
      ...(Object.keys(uploads).length ? { files: uploads } : {}),
      outcome,
      honeypotFilled,
      errors,
      listingId,
      userAgent: ctx.userAgent,
      ...(repeat ? { repeat: true as const } : {}),
    });
    ctx.onSubmission?.(s);
  };

  if (design.csrf) {
    const token = one(posted, design.csrf);
    if (!session || !token || !session.csrfTokens.has(token)) {
      record("csrf");
      return { kind: "csrf" };
    }
  }
  if (honeypotFilled) {
    record("honeypot");
    return { kind: "honeypot" };
  }
  const pageFields = fieldsOnStep(design, step);
  const errors = validateFields(pageFields, posted, ui);
  if (errors.length) {
    record("invalid", errors);
    return { kind: "form", step, errors, values: posted };
  }
  const captchaErrors = checkCaptchas(variant, pageFields, posted, ctx.captchas);
  if (captchaErrors.length) {
    record("captcha", captchaErrors);
    return { kind: "form", step, errors: captchaErrors, values: posted };
  }
  if (!isLast) {
    if (session) {
      Object.assign(session.wizardValues, posted);
      session.wizardDone = step;
    }
    record("step");
    return { kind: "next", step: step + 1 };
  }

  const businessName = firstOfType(design.fields, merged, "organization");
  const phone = firstOfType(design.fields, merged, "tel");
  const email = firstOfType(design.fields, merged, "email");
  if (ctx.store.findDuplicate(variant.slug, businessName, phone, email)) {
    record("duplicate", [{ field: design.fields.find((f) => f.type === "organization")!.name, message: ui.duplicate }]);
    return { kind: "form", step, errors: [], alert: ui.duplicate, values: posted };
  }

  const kept: Posted = {};
  for (const f of design.fields) if (!PRIVATE_TYPES.has(f.type) && merged[f.name] !== undefined) kept[f.name] = merged[f.name]!;
  const listing = ctx.store.createListing(
    { slug: variant.slug, design: design.id, businessName, phone, email, website: firstOfType(design.fields, merged, "url"), fields: kept, emailVerification: design.emailVerification },
    ctx.farmUrl,
  );
  if (session) {
    session.wizardValues = {};
    session.wizardDone = 0;
  }
  record("accepted", [], listing.id);
  // The account the form created with the listing: it signs in at `login` from now on.
  const password = firstOfType(design.fields, merged, "new-password");
  if (password) ctx.store.createAccount(variant.slug, firstOfType(design.fields, merged, "username") || email, email, password, listing.id);
  if (design.emailVerification) sendVerification(variant, listing, email, ctx);
  else if (ctx.enquiries && design.forwardsEnquiries) scheduleEnquiry(variant, listing, ctx);
  return { kind: "accepted", listing };
}

function checkCaptchas(variant: Variant, fields: FieldSpec[], posted: Posted, captchas: CaptchaService): FieldError[] {
  const ui = UI[variant.language];
  const errors: FieldError[] = [];
  for (const f of fields) {
    if (f.type !== "captcha") continue;
    const given = one(posted, f.name);
    const ok = f.control === "captcha-token" ? captchas.checkToken(given, variant.siteKey) : captchas.checkAnswer(variant.slug, one(posted, CAPTCHA_ID_INPUT), given);
    if (!ok) errors.push({ field: f.name, message: ui.captchaWrong(plainLabel(f)) });
  }
  return errors;
}

function sendVerification(variant: Variant, listing: Listing, to: string, ctx: SubmissionContext): void {
  const ui = UI[variant.language];
  const token = ctx.store.verifyToken(listing.id)!;
  const link = `${ctx.farmUrl}${variant.basePath}verify?token=${token}`;
  const host = new URL(ctx.farmUrl).hostname;
  const mail: FarmMail = {
    from: `no-reply@${host}`,
    to,
    subject: `${ui.mailSubject} – ${variant.name}`,
    text: ui.mailBody(link),
    link,
    slug: variant.slug,
    listingId: listing.id,
    at: new Date().toISOString(),
  };
  ctx.store.mail(mail);
  ctx.onMail?.(mail);
}
