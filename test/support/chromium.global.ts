/**
 * vitest globalSetup of every project that drives a browser (browser, e2e,
 * site, faults): find Chromium once, before any test file starts a farm, a
 * stack or a browser, so a machine without one fails in seconds with one
 * message instead of each file timing out. The path found is put in
 * CHROMIUM_PATH for the test workers and the wrangler dev they start (local
 * Browser Rendering), so nothing looks again.
 */
import { resolveChromium } from "../../tools/lib/chromium";

export default async function setup() {
  let path: string;
  try {
    path = await resolveChromium();
  } catch (err) {
    // Only the message: the stack of a lookup is noise in front of what to do.
    const clear = new Error((err as Error).message);
    clear.stack = clear.message;
    throw clear;
  }
  process.env.CHROMIUM_PATH = path;
}
