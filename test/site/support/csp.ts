/**
 * Content-Security-Policy violations seen by the site's pages: Chromium
 * reports each refused script, style, image or connection on the page's
 * console, so a test that watched its pages can fail on any of them.
 */
import type { Page } from "playwright-core";

export class CspWatch {
  private seen: string[] = [];

  /** Records the violations `page` reports from now on (across its navigations). */
  watch(page: Page): Page {
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) this.seen.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  }

  /** The violations since the last call. */
  take(): string[] {
    const seen = this.seen;
    this.seen = [];
    return seen;
  }
}
