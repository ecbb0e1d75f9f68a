/** A short identifier unique to one test run (`prefix` + 12 hex digits): tests share one database and run in parallel. */
export const uniq = (prefix = "t") => `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
