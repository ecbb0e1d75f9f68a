/**
 * A few pages, reused test after test (2 cores saturate at 2-4 pages). Each
 * page has its own browser context, hence its own cookies and window: pages
 * that share a window are background tabs, whose screenshots and timers
 * stall. They are opened one after another (opening several at once can hang).
 */
import type { Browser, Page } from "puppeteer-core";

export function pagePool(browser: () => Browser, size: number, setup?: (page: Page) => Promise<void>) {
  const idle: Page[] = [];
  const waiting: ((page: Page) => void)[] = [];
  let opening: Promise<void> | undefined;
  const open = () =>
    (opening ??= (async () => {
      for (let i = 0; i < size; i++) {
        const page = await (await browser().createBrowserContext()).newPage();
        await setup?.(page);
        idle.push(page);
      }
      for (const next of waiting.splice(0, idle.length)) next(idle.pop()!);
    })());
  return async <T>(task: (page: Page) => Promise<T>): Promise<T> => {
    await open();
    const page = idle.pop() ?? (await new Promise<Page>((resolve) => waiting.push(resolve)));
    try {
      return await task(page);
    } finally {
      const next = waiting.shift();
      if (next) next(page);
      else idle.push(page);
    }
  };
}
