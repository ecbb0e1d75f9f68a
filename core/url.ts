/**
 * Links that reach a page as an href: only http(s). A listing URL comes from
 * a directory's page or a worker's report, so `javascript:` or `data:` there
 * would run in the customer's or the staff's session when clicked.
 */

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** The URL when it is safe to render as a link, else null. */
export function safeHref(value: string | null | undefined): string | null {
  return value && isHttpUrl(value) ? value : null;
}

/** Whether a URL points at this machine (a local deployment, the sandbox farm). */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** The host of a URL, lower-cased without `www.`; the input itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return url.toLowerCase();
  }
}
