/**
 * Node-side API: map every frame of a page. Works with puppeteer-core and
 * @cloudflare/puppeteer pages alike because it needs only `frames()` and
 * each frame's `evaluate(string)` and `url()`.
 */
import { mapperFactory, mapperScript } from "./script";
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

/**
 * The default mapper is built once per document and kept on the document
 * under a name of this process (non-enumerable), as the engine's page
 * library is (engine/inpage.ts): the engine maps a page several times (the
 * form's wait, each submit's answer), and each map sent and parsed ~600 KB
 * of lexicon and model again (issue 21). A map that finds none sends it.
 */
const MAPPER_KEY = JSON.stringify(`__directorybolt_mapper_${Math.random().toString(36).slice(2, 10)}`);
const NO_MAPPER = `${MAPPER_KEY.slice(1, -1)}:none`;
const QUICK = `(() => { const map = document[${MAPPER_KEY}]; return map ? map() : ${JSON.stringify(NO_MAPPER)}; })()`;
let installing: string | null = null;
function installAndMap(): string {
  installing ??= `(() => { let map = document[${MAPPER_KEY}]; if (!map) { map = ${mapperFactory()}; try { Object.defineProperty(document, ${MAPPER_KEY}, { value: map, enumerable: false }); } catch {} } return map(); })()`;
  return installing;
}

/**
 * The same mapper, for `evaluateOnNewDocument`: kept on each new document of
 * the page before its own scripts run, so that even a document's first map
 * sends only a call (the consumer adds it to a page while the page waits
 * for its task).
 */
export function mapperPreload(): string {
  return `(() => { if (!document[${MAPPER_KEY}]) { const map = ${mapperFactory()}; try { Object.defineProperty(document, ${MAPPER_KEY}, { value: map, enumerable: false }); } catch {} } })()`;
}

/** Maps one frame's document: the kept default mapper when there is one, else the whole script. */
async function mapFrame(frame: FrameLike, config?: MapperConfig): Promise<RawDocumentResult> {
  if (config) return (await frame.evaluate(mapperScript(config))) as RawDocumentResult;
  const quick = await frame.evaluate(QUICK);
  if (quick !== NO_MAPPER) return quick as RawDocumentResult;
  return (await frame.evaluate(installAndMap())) as RawDocumentResult;
}

export async function mapPage(page: PageLike, opts: MapPageOptions = {}): Promise<MappedPage> {
  const main = page.mainFrame();
  // main frame first, then child frames in puppeteer's (document) order
  const frames = [main, ...(opts.frames === false ? [] : page.frames().filter((f) => f !== main))];
  const out: MappedPage = { url: main.url(), forms: [] };
  for (const [i, frame] of frames.entries()) {
    if (frame.isDetached?.()) continue;
    let res: RawDocumentResult;
    try {
      res = await mapFrame(frame, opts.config);
    } catch (err) {
      // a child frame that navigated or died must not sink the whole page
      if (i === 0) throw err;
      continue;
    }
    for (const f of res.forms) out.forms.push({ ...f, frame: i, ...(i ? { frameUrl: frame.url() } : {}) });
  }
  return out;
}
