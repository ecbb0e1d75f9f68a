/**
 * The farm's captcha bookkeeping: image challenges it has drawn, tokens its
 * stand-in solver has issued, and the solver's pending tasks. Directories
 * check answers and tokens here; the solver endpoint (solver.ts) fills it.
 */
import { createHash, randomBytes } from "node:crypto";
import { backgroundFor, randomAnswer, renderCaptchaSvg } from "./image.ts";
import { dominantColour, isPng } from "./png.ts";

interface Challenge {
  id: string;
  slug: string;
  answer: string;
  svg: string;
  sha256: string;
  rgb: [number, number, number];
  used: boolean;
}

interface IssuedToken {
  siteKey: string;
  issuedAt: number;
  used: boolean;
}

interface SolverTask {
  polls: number;
  /** Not ready before this time (the farm's `solverDelayMs` when the task came). */
  readyAt: number;
  result?: string;
  error?: string;
}

/** reCAPTCHA tokens are valid for two minutes; the farm keeps the same rule. */
const TOKEN_TTL_MS = 120_000;

export class CaptchaService {
  private challenges = new Map<string, Challenge>();
  private byHash = new Map<string, string>();
  private tokens = new Map<string, IssuedToken>();
  private tasks = new Map<string, SolverTask>();
  private drawn = 0;

  /** Draws a new image challenge for a directory page. */
  createChallenge(slug: string): { id: string; src: string } {
    const id = randomBytes(8).toString("hex");
    const answer = randomAnswer();
    const { hex, rgb } = backgroundFor(this.drawn++);
    const svg = renderCaptchaSvg(answer, hex);
    const sha256 = createHash("sha256").update(svg).digest("hex");
    this.challenges.set(id, { id, slug, answer, svg, sha256, rgb, used: false });
    this.byHash.set(sha256, id);
    return { id, src: `/d/${slug}/captcha/${id}.svg` };
  }

  svg(slug: string, id: string): string | undefined {
    const c = this.challenges.get(id);
    return c && c.slug === slug ? c.svg : undefined;
  }

  /** The answer, for tests (GET /__farm/captcha/<id>): never in the page. */
  answer(id: string): string | undefined {
    return this.challenges.get(id)?.answer;
  }

  /** Checks an answer (case-insensitive); a challenge is good for one attempt. */
  checkAnswer(slug: string, id: string, given: string): boolean {
    const c = this.challenges.get(id);
    if (!c || c.slug !== slug || c.used) return false;
    c.used = true;
    return c.answer === given.trim().toUpperCase();
  }

  /** What the stand-in solver "reads" from an image: the served SVG bytes, or a PNG screenshot of it. */
  recognise(bytes: Buffer): string | undefined {
    const byBytes = this.byHash.get(createHash("sha256").update(bytes).digest("hex"));
    if (byBytes) return this.challenges.get(byBytes)?.answer;
    if (!isPng(bytes)) return undefined;
    const colour = dominantColour(bytes);
    if (!colour) return undefined;
    // Closest background wins; among equals the newest unused challenge (the one on screen).
    let found: Challenge | undefined;
    let best = Infinity;
    for (const c of this.challenges.values()) {
      const distance = c.rgb.reduce((sum, v, i) => sum + Math.abs(v - colour[i]!), 0);
      if (distance < best || (distance === best && !c.used)) [found, best] = [c, distance];
    }
    if (best > 3) return undefined;
    return found?.answer;
  }

  issueToken(siteKey: string): string {
    // Shaped like a real response token: long, URL-safe, opaque.
    const token = `03AF${randomBytes(96).toString("base64url")}`;
    this.tokens.set(token, { siteKey, issuedAt: Date.now(), used: false });
    return token;
  }

  /** A token passes once, for the site key it was issued for, within its lifetime. */
  checkToken(token: string, siteKey: string): boolean {
    const t = this.tokens.get(token.trim());
    if (!t || t.used || t.siteKey !== siteKey || Date.now() - t.issuedAt > TOKEN_TTL_MS) return false;
    t.used = true;
    return true;
  }

  /** How long a new task takes to solve (a slow solver, for fault injection); 0 = ready at the second poll. */
  delayMs = 0;

  createTask(outcome: { result?: string; error?: string }): string {
    const id = String(7_000_000_000 + this.tasks.size * 7 + Math.floor(Math.random() * 7));
    this.tasks.set(id, { polls: 0, readyAt: Date.now() + this.delayMs, ...outcome });
    return id;
  }

  /** Solver tasks not ready yet (a captcha being solved). */
  inProgress(now = Date.now()): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.readyAt > now) n++;
    return n;
  }

  /** First poll: not ready (as a real solver, which needs time); then the result. */
  poll(id: string): { state: "not-ready" } | { state: "ready"; result: string } | { state: "error"; error: string } {
    const task = this.tasks.get(id);
    if (!task) return { state: "error", error: "ERROR_WRONG_CAPTCHA_ID" };
    if (task.polls++ === 0 || Date.now() < task.readyAt) return { state: "not-ready" };
    if (task.error) return { state: "error", error: task.error };
    return { state: "ready", result: task.result! };
  }

  reset(): void {
    this.challenges.clear();
    this.byHash.clear();
    this.tokens.clear();
    this.tasks.clear();
  }
}
