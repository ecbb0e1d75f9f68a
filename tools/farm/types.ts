/**
 * Types shared by the farm's modules and by the tests that use the farm.
 * A Design is one simulated directory's form and server rules, with the
 * ground truth of what every control means (the mapper's answer key).
 */
import type { FieldType } from "../../core/vocabulary.ts";

export type Language = "en" | "de" | "fr" | "es" | "it" | "nl" | "pt";

/** How a control's visible label is attached to it (what a mapper must cope with). */
export type LabelStyle =
  | "for" //          <label for=id>Text</label><input id=id>
  | "for-after" //    <input id=id><label for=id>Text</label> (floating labels)
  | "wrap" //         <label>Text <input></label>
  | "aria-labelledby" // <span id=l>Text</span><input aria-labelledby=l>
  | "aria-label" //   <input aria-label="Text">
  | "placeholder" //  <input placeholder="Text"> and nothing else
  | "title" //        <input title="Text"> and nothing else
  | "table" //        <tr><td>Text:</td><td><input></td></tr>
  | "nearby" //       <div class=caption>Text</div><div><input></div>, no association
  | "dl"; //          <dt>Text</dt><dd><input></dd>

/** The kind of control rendered for a field. */
export type ControlKind =
  | "text"
  | "email"
  | "tel"
  | "url"
  | "password"
  | "textarea"
  | "select"
  | "checkbox" // one checkbox (terms, newsletter)
  | "checkboxes" // a group of checkboxes sharing one name (categories)
  | "radios"
  | "listbox" // a div listbox with a hidden input carrying the value (not a <select>)
  | "file"
  | "captcha-image" // text input next to an <img> of distorted text
  | "captcha-token"; // hidden textarea filled by a (solver-issued) token, widget div with data-sitekey

/** How a honeypot is hidden from people (bots see an ordinary input). */
export type HoneypotStyle = "css-class" | "offscreen" | "zero-size" | "visibility" | "hidden-parent";

/**
 * Server-side format rules. `tel-intl` wants an international number (+ and
 * 8-15 digits); `tel-national` a North American national one (no +, 10
 * digits), refused with its own message (i18n `telNational`).
 */
export type FieldFormat = "email" | "url" | "tel" | "tel-intl" | "tel-national" | "postal" | "digits";

export interface FieldOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  /** The control's `name` as posted. */
  name: string;
  /** Ground truth: what the control means in the project's vocabulary. */
  type: FieldType;
  /** Server-side: refused when empty. */
  required: boolean;
  /** Visible label text (in the design's language). */
  label: string;
  control: ControlKind;
  /** Overrides the design's label style for this control. */
  labelStyle?: LabelStyle;
  /** `id` attribute (defaults to one derived from the name). */
  id?: string;
  placeholder?: string;
  /** Server-side maximum length (not always announced with a maxlength attribute). */
  maxLength?: number;
  /** Whether the page carries a `maxlength` attribute (else only a hint text says it). */
  maxLengthAttr?: boolean;
  format?: FieldFormat;
  options?: FieldOption[];
  /** For checkboxes: value posted when checked. */
  value?: string;
  /** For a checkbox: ticked when the form is first shown (marketing opt-ins that must be unticked). */
  checked?: boolean;
  honeypot?: HoneypotStyle;
  /** Wizard page (1-based) the field sits on. */
  step?: number;
  /** Fieldset legend grouping fields that share it. */
  group?: string;
  /** Help text rendered under the control. */
  hint?: string;
  /** Must equal another field's value (password confirmation). */
  sameAs?: string;
  /** A `<select multiple>` (posts several values). */
  multiple?: boolean;
  /** Captcha widget flavour for `captcha-token`. */
  captchaProvider?: "recaptcha" | "hcaptcha";
}

/** How a directory tells the submitter it worked. */
export interface Confirmation {
  /** `page`: 200 after the POST; `redirect`: 303 to a thanks page; `inline`: script shows it without navigation. */
  kind: "page" | "redirect" | "inline";
  /** A phrase that appears on the confirmation (the success detector's answer key). */
  text: string;
  /** Whether the confirmation links to the listing's future public page. */
  showsListingUrl: boolean;
}

export interface Design {
  /** Stable identifier, used in slugs, records and test names. */
  id: string;
  /** One line: what this design exercises. */
  title: string;
  language: Language;
  /** Countries a variant of this design may be placed in (ISO alpha-2, first is the default). */
  countries: string[];
  labelStyle: LabelStyle;
  fields: FieldSpec[];
  /** Path under the directory's base path that holds the form (`submit`, `add-listing`, `eintragen`...). */
  submitPath: string;
  /** Number of wizard pages (1 = a plain form). Values are kept server-side between pages. */
  steps: number;
  /** How the form reaches the page. */
  delivery: "html" | "js-built" | "spa-fetch" | "iframe";
  /** Milliseconds before a JS-built form appears. */
  buildDelayMs?: number;
  /** CSRF hidden input name, checked against the session cookie; absent = no CSRF. */
  csrf?: string;
  /** Requests allowed per client per window before 429 + Retry-After. */
  rateLimit?: { max: number; windowMs: number };
  /** First request of a new client answers 503 with Retry-After (a flaky site). */
  flakyFirstRequest?: boolean;
  /** Every response is delayed by the farm's `slowMs`. */
  slow?: boolean;
  /** Accepted listings wait for a click on an e-mailed link. */
  emailVerification: boolean;
  /** Once a listing is public, a visitor's question is mailed to its e-mail (tools/farm/enquiries.ts; only when the farm runs with `enquiries`). */
  forwardsEnquiries?: boolean;
  /** The form creates an account (username/password) as part of the submission. */
  account: boolean;
  approval: "instant" | "review" | "email";
  confirmation: Confirmation;
  /** HTTP status of a re-rendered form with validation errors (sites differ: 200 or 422). */
  errorStatus: 200 | 422 | 400;
  /** Submit button text. */
  submitLabel: string;
  /** Encoding of the form post. */
  enctype?: "urlencoded" | "multipart";
  /** Renders labels, buttons and markup in legacy uppercase HTML of the 2000s. */
  legacyMarkup?: boolean;
  /** Free text shown above the form (intro, rules). */
  intro?: string;
  /** Static hidden inputs a framework adds (`__VIEWSTATE`...): not fields, posted back untouched. */
  hiddenInputs?: Record<string, string>;
  /** Every input is `type="text"` (old sites): the mapper cannot lean on input types. */
  plainInputs?: boolean;
  /** Controls carry WHATWG `autocomplete` tokens for autofill types (modern sites do; most directories do not). */
  autocompleteAttrs?: boolean;
  /** Whether required fields carry the HTML `required` attribute (default true). */
  html5Required?: boolean;
  /** The page header carries a search form (a second form the engine must not take for the listing form). */
  headerSearch?: boolean;
}

export type PriorityTier = 1 | 2 | 3 | 4 | 5;

/** One simulated directory: a design placed at `/d/<slug>/` with catalog facts. */
export interface Variant {
  index: number;
  slug: string;
  name: string;
  basePath: string;
  design: Design;
  tier: PriorityTier;
  daScore: number;
  category: string;
  scope: "general" | "niche";
  country: string;
  language: Language;
  requiresCaptcha: boolean;
  requiresEmailVerification: boolean;
  requiresAccount: boolean;
  approvalType: "instant" | "review" | "email";
  /** Per-directory captcha site key (token captcha designs). */
  siteKey: string;
}

/** A `directories` row pointing at the farm (see sandboxCatalog). */
export interface SandboxCatalogRow {
  slug: string;
  name: string;
  website: string;
  submitUrl: string;
  /** The directory's search, `{query}` for the business name (approval tracking). */
  listingSearchUrl: string;
  daScore: number;
  priorityTier: PriorityTier;
  category: string;
  country: string;
  language: Language;
  requiresCaptcha: boolean;
  requiresEmailVerification: boolean;
  requiresPhoneVerification: boolean;
  requiresAccount: boolean;
  approvalType: "instant" | "review" | "email";
  automation: "automated";
  listingCost: "free";
  scope: "general" | "niche";
  factsVerified: true;
  sandbox: true;
  notes: string;
}

export type SubmissionOutcome =
  | "accepted" // a listing was created
  | "step" // a wizard page was accepted, the next one follows
  | "invalid" // server-side validation refused it
  | "csrf" // security token missing or wrong
  | "honeypot" // a hidden trap field was filled: a bot
  | "captcha" // captcha answer or token missing or wrong
  | "duplicate" // the business is already listed
  | "server-error"; // the farm injected a 5xx

export interface FieldError {
  field: string;
  message: string;
}

/** A file a form post carried (multipart). */
export interface UploadedFile {
  name: string;
  type: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

/** One POST the farm received on a directory's form. */
export interface Submission {
  seq: number;
  at: string;
  slug: string;
  design: string;
  /** Wizard page posted (1 for a plain form). */
  step: number;
  /** Everything posted (system inputs such as CSRF tokens included; files as their names). */
  fields: Record<string, string | string[]>;
  /** Files received, by input name: what a test compares with what was meant to be uploaded. */
  files?: Record<string, UploadedFile>;
  outcome: SubmissionOutcome;
  honeypotFilled: boolean;
  errors: FieldError[];
  listingId?: string;
  userAgent?: string;
  /**
   * The directory already held this business when the POST came (by name and
   * phone, or e-mail): a second post of the listing. Kept apart from the
   * outcome (which may be `duplicate`, but also `captcha`, `invalid` or an
   * injected `server-error`), so a test can count every second post.
   */
  repeat?: true;
}

export type ListingStatus = "awaiting-email" | "pending" | "published";

export interface Listing {
  id: string;
  slug: string;
  design: string;
  businessName: string;
  phone: string;
  email: string;
  website: string;
  /** Every posted value by field name (wizard pages merged). */
  fields: Record<string, string | string[]>;
  createdAt: string;
  verifiedAt?: string;
  /** When the listing becomes public (absent while e-mail confirmation is pending). */
  publishAt?: string;
  status: ListingStatus;
  url: string;
}

/** An e-mail the farm would have sent (verification links, visitors' enquiries). */
export interface FarmMail {
  /** The directory's sender address (no-reply@ the farm's host). */
  from: string;
  to: string;
  subject: string;
  text: string;
  link: string;
  slug: string;
  listingId: string;
  at: string;
  /** A verification (the default) or a visitor's enquiry forwarded to the listing (tools/farm/enquiries.ts). */
  kind?: "verification" | "enquiry";
  /** HTTP status of the delivery to the mail endpoint (absent: none configured, or still on its way). */
  delivered?: number;
}
