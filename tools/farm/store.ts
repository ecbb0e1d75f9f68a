/**
 * Everything the farm remembers between requests: submissions received,
 * listings created, sessions (CSRF tokens, wizard pages), rate-limit windows,
 * and the mails it would have sent. One instance per farm; reset() empties it.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { Posted } from "./http.ts";
import type { FarmMail, Listing, ListingStatus, Submission } from "./types.ts";

export interface Session {
  id: string;
  slug: string;
  csrfTokens: Set<string>;
  /** Values of the wizard pages accepted so far. */
  wizardValues: Posted;
  /** Last wizard page accepted (0 = none). */
  wizardDone: number;
  /** The account signed in on this session, until when (tools/farm/account.ts). */
  signedIn?: { username: string; email: string; listingIds: string[]; until: number };
}

interface StoredListing extends Omit<Listing, "status"> {
  emailVerification: boolean;
  verifyToken?: string;
}

export interface SubmissionFilter {
  slug?: string;
  design?: string;
  outcome?: Submission["outcome"];
}

interface FarmAccount {
  slug: string;
  username: string;
  email: string;
  salt: Buffer;
  hash: Buffer;
  /** The listings this account may edit (the one created with it). */
  listingIds: string[];
}

export class FarmStore {
  private submissionList: Submission[] = [];
  private listingMap = new Map<string, StoredListing>();
  private sessions = new Map<string, Session>();
  private rateWindows = new Map<string, number[]>();
  private firstSeen = new Set<string>();
  private outbox: FarmMail[] = [];
  /** Accounts created with a listing, by directory: the password kept as a salted scrypt hash, as a site would. */
  private accountList: FarmAccount[] = [];
  private seq = 0;

  constructor(private readonly publishDelayMs: number) {}

  record(entry: Omit<Submission, "seq" | "at">): Submission {
    const submission: Submission = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.submissionList.push(submission);
    return submission;
  }

  submissions(filter: SubmissionFilter = {}): Submission[] {
    return this.submissionList.filter((s) => (!filter.slug || s.slug === filter.slug) && (!filter.design || s.design === filter.design) && (!filter.outcome || s.outcome === filter.outcome));
  }

  session(id: string | undefined, slug: string): Session | undefined {
    const s = id ? this.sessions.get(id) : undefined;
    return s && s.slug === slug ? s : undefined;
  }

  newSession(slug: string): Session {
    const s: Session = { id: randomBytes(12).toString("hex"), slug, csrfTokens: new Set(), wizardValues: {}, wizardDone: 0 };
    this.sessions.set(s.id, s);
    return s;
  }

  /** Counts a request in a sliding window; returns seconds to wait when over `max`. */
  rateLimit(key: string, max: number, windowMs: number, now = Date.now()): number | undefined {
    const hits = (this.rateWindows.get(key) ?? []).filter((t) => now - t < windowMs);
    if (hits.length >= max) {
      this.rateWindows.set(key, hits);
      return Math.max(1, Math.ceil((hits[0]! + windowMs - now) / 1000));
    }
    hits.push(now);
    this.rateWindows.set(key, hits);
    return undefined;
  }

  /** True the first time a key is seen (a flaky site's first request fails). */
  firstTime(key: string): boolean {
    if (this.firstSeen.has(key)) return false;
    this.firstSeen.add(key);
    return true;
  }

  /** `publishNow`: public at once (a listing that predates any job), else after the publication delay. */
  createListing(entry: Omit<StoredListing, "id" | "createdAt" | "url" | "publishAt" | "verifyToken">, baseUrl: string, publishNow = false): Listing {
    const id = randomBytes(5).toString("hex");
    const now = Date.now();
    const stored: StoredListing = {
      ...entry,
      id,
      createdAt: new Date(now).toISOString(),
      url: `${baseUrl}/d/${entry.slug}/listing/${id}`,
      publishAt: entry.emailVerification ? undefined : new Date(now + (publishNow ? 0 : this.publishDelayMs)).toISOString(),
      verifyToken: entry.emailVerification ? randomBytes(16).toString("hex") : undefined,
    };
    this.listingMap.set(id, stored);
    return this.view(stored);
  }

  verifyToken(listingId: string): string | undefined {
    return this.listingMap.get(listingId)?.verifyToken;
  }

  /** Confirms the e-mail of the listing holding `token`; publication follows after the delay. */
  verify(slug: string, token: string): Listing | undefined {
    for (const l of this.listingMap.values()) {
      if (l.slug === slug && l.verifyToken === token) {
        if (!l.verifiedAt) {
          const now = Date.now();
          l.verifiedAt = new Date(now).toISOString();
          l.publishAt = new Date(now + this.publishDelayMs).toISOString();
        }
        return this.view(l);
      }
    }
    return undefined;
  }

  private status(l: StoredListing, now: number): ListingStatus {
    if (l.emailVerification && !l.verifiedAt) return "awaiting-email";
    return l.publishAt && Date.parse(l.publishAt) <= now ? "published" : "pending";
  }

  private view(l: StoredListing, now = Date.now()): Listing {
    const { emailVerification: _e, verifyToken: _t, ...rest } = l;
    return { ...rest, status: this.status(l, now) };
  }

  listings(filter: { slug?: string; status?: ListingStatus } = {}): Listing[] {
    const now = Date.now();
    return [...this.listingMap.values()]
      .filter((l) => !filter.slug || l.slug === filter.slug)
      .map((l) => this.view(l, now))
      .filter((l) => !filter.status || l.status === filter.status);
  }

  listing(slug: string, id: string): Listing | undefined {
    const l = this.listingMap.get(id);
    return l && l.slug === slug ? this.view(l) : undefined;
  }

  /**
   * What a directory does to a listing after it went live (the survival
   * checks' tests): `patch` replaces posted values by field name, and the
   * listing's name and phone when given.
   */
  changeListing(id: string, patch: { fields?: Record<string, string | string[]>; businessName?: string; phone?: string; website?: string }): Listing | undefined {
    const l = this.listingMap.get(id);
    if (!l) return undefined;
    l.fields = { ...l.fields, ...patch.fields };
    if (patch.businessName !== undefined) l.businessName = patch.businessName;
    if (patch.phone !== undefined) l.phone = patch.phone;
    if (patch.website !== undefined) l.website = patch.website;
    return this.view(l);
  }

  /** The directory took the listing down: its page answers 404 from now on. */
  deleteListing(id: string): boolean {
    return this.listingMap.delete(id);
  }

  /** The business is already listed here: same name and same phone (digits), or e-mail when no phone. */
  findDuplicate(slug: string, businessName: string, phone: string, email: string): Listing | undefined {
    const name = businessName.trim().toLowerCase();
    const digits = phone.replace(/\D/g, "");
    // "+1 415 555 0142" and "(415) 555-0142" are the same line: compare digits, one a suffix of the other.
    const samePhone = (other: string) => {
      const d = other.replace(/\D/g, "");
      const [short, long] = d.length < digits.length ? [d, digits] : [digits, d];
      return short.length >= 7 && long.endsWith(short);
    };
    return this.listings({ slug }).find((l) => l.businessName.trim().toLowerCase() === name && (digits ? samePhone(l.phone) : l.email.toLowerCase() === email.toLowerCase()));
  }

  mail(entry: FarmMail): void {
    this.outbox.push(entry);
  }

  mails(filter: { slug?: string; to?: string } = {}): FarmMail[] {
    return this.outbox.filter((m) => (!filter.slug || m.slug === filter.slug) && (!filter.to || m.to.toLowerCase() === filter.to.toLowerCase()));
  }

  /** Keeps the account an accepted listing created (its password hashed). */
  createAccount(slug: string, username: string, email: string, password: string, listingId: string): void {
    const salt = randomBytes(16);
    this.accountList.push({ slug, username, email, salt, hash: scryptSync(password, salt, 32), listingIds: [listingId] });
  }

  /** The account at `slug` whose username or e-mail is `login` and whose password is `password`, if any. */
  signIn(slug: string, login: string, password: string): { username: string; email: string; listingIds: string[] } | undefined {
    const wanted = login.trim().toLowerCase();
    for (const a of this.accountList) {
      if (a.slug !== slug || (a.username.toLowerCase() !== wanted && a.email.toLowerCase() !== wanted)) continue;
      if (timingSafeEqual(scryptSync(password, a.salt, 32), a.hash)) return { username: a.username, email: a.email, listingIds: [...a.listingIds] };
    }
    return undefined;
  }

  /** How many accounts a directory holds (the admin and tests). */
  accounts(slug?: string): { slug: string; username: string; email: string }[] {
    return this.accountList.filter((a) => !slug || a.slug === slug).map(({ slug, username, email }) => ({ slug, username, email }));
  }

  reset(): void {
    this.accountList = [];
    this.submissionList = [];
    this.listingMap.clear();
    this.sessions.clear();
    this.rateWindows.clear();
    this.firstSeen.clear();
    this.outbox = [];
    this.seq = 0;
  }
}
