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
