/**
 * The slice of the page API the engine uses: what @cloudflare/puppeteer 1.4
 * (a puppeteer 22 fork) and puppeteer-core 25 both offer, written
 * structurally so either library's Page is accepted as it is.
 *
 * In-page work always goes through `call()` (inpage.ts): the page library
 * serialised with its argument into a string expression. Strings are
 * evaluated the same way by both libraries (awaiting promises, returning by
 * value), and a `__name` shim keeps the code working after a bundler with
 * keepNames (esbuild, wrangler, tsx) wrapped its inner functions.
 */

export interface EngineResponse {
  status(): number;
  headers(): Record<string, string>;
  url(): string;
}

export interface EngineElement {
  screenshot?(options: { encoding: "base64"; type?: "png" }): Promise<string>;
  dispose?(): Promise<void>;
}

export interface EngineFrame {
  url(): string;
  evaluate(script: string): Promise<unknown>;
  click(selector: string, options?: { delay?: number }): Promise<void>;
  $(selector: string): Promise<EngineElement | null>;
  isDetached?(): boolean;
  waitForNavigation?(options?: { timeout?: number; waitUntil?: "load" | "domcontentloaded" }): Promise<EngineResponse | null>;
}

export interface EngineDialog {
  accept(promptText?: string): Promise<void>;
  dismiss(): Promise<void>;
  type(): string;
}

export interface EnginePage {
  goto(url: string, options?: { timeout?: number; waitUntil?: "load" | "domcontentloaded" | "networkidle0" | "networkidle2" }): Promise<EngineResponse | null>;
  url(): string;
  mainFrame(): EngineFrame;
  frames(): EngineFrame[];
  keyboard?: { press(key: string): Promise<void> };
  on?(event: "dialog", handler: (dialog: EngineDialog) => void): unknown;
  off?(event: "dialog", handler: (dialog: EngineDialog) => void): unknown;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Frames in the mapper's order: the main frame first, then the others as the page lists them. */
export function frameList(page: EnginePage): EngineFrame[] {
  const main = page.mainFrame();
  return [main, ...page.frames().filter((f) => f !== main)];
}

/** Errors that mean "the document went away under us" (a navigation), not a bug. */
export function isNavigationRace(err: unknown): boolean {
  return /Execution context was destroyed|Cannot find context|context.*(destroyed|detached)|frame.*detached|Target closed|navigat/i.test(String(err));
}
