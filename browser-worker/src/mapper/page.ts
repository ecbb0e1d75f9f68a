/**
 * Node-side API: map every frame of a page. Works with puppeteer-core and
 * @cloudflare/puppeteer pages alike because it needs only `frames()` and
 * each frame's `evaluate(string)` and `url()`.
 */
import { mapperScript } from "./script";
import type { MappedPage, MapperConfig, RawDocumentResult } from "./types";

/** The part of a puppeteer Frame the mapper uses. */
export interface FrameLike {
  evaluate(script: string): Promise<unknown>;
  url(): string;
  isDetached?(): boolean;
}
/** The part of a puppeteer Page the mapper uses. */
export interface PageLike {
  mainFrame(): FrameLike;
  frames(): FrameLike[];
}

export interface MapPageOptions {
  config?: MapperConfig;
  /** also map child frames (default true) */
  frames?: boolean;
}

export async function mapPage(page: PageLike, opts: MapPageOptions = {}): Promise<MappedPage> {
  const script = mapperScript(opts.config);
  const main = page.mainFrame();
  // main frame first, then child frames in puppeteer's (document) order
  const frames = [main, ...(opts.frames === false ? [] : page.frames().filter((f) => f !== main))];
  const out: MappedPage = { url: main.url(), forms: [] };
  for (const [i, frame] of frames.entries()) {
    if (frame.isDetached?.()) continue;
    let res: RawDocumentResult;
    try {
      res = (await frame.evaluate(script)) as RawDocumentResult;
    } catch (err) {
      // a child frame that navigated or died must not sink the whole page
      if (i === 0) throw err;
      continue;
    }
    for (const f of res.forms) out.forms.push({ ...f, frame: i, ...(i ? { frameUrl: frame.url() } : {}) });
  }
  return out;
}
