/**
 * Structured logs: one JSON line per significant event, with the ids that tie
 * it to a request, job or submission (Workers Logs indexes JSON fields).
 *
 * Nothing secret leaves through a log line: values are redacted before they
 * are written —
 * - fields named like a secret (authorization, token, secret, password, key,
 *   cookie, signature) are replaced whole;
 * - in every string: bearer tokens, Stripe keys (`sk_`/`rk_`/`pk_`, `whsec_`),
 *   JWTs, credentials in URLs (`scheme://user:pass@`), card numbers (13-19
 *   digits passing Luhn; the last four are kept), e-mail local parts.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  requestId?: string;
  jobId?: string | null;
  submissionId?: string;
  error?: unknown;
  [key: string]: unknown;
}

const REDACTED = "[redacted]";
const SECRET_KEY = /authorization|token|secret|passw(or)?d|api[-_]?key|^key$|private[-_]?key|cookie|signature|credential/i;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Redacts secrets, card numbers and e-mail local parts inside one string. */
export function redactString(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`)
    .replace(/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]+/g, `$1_$2_${REDACTED}`)
    .replace(/\bwhsec_[A-Za-z0-9_]+/g, `whsec_${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, `${REDACTED}-jwt`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`)
    .replace(/\b\d(?:[ -]?\d){12,18}\b/g, (match) => {
      const digits = match.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? `[card ****${digits.slice(-4)}]` : match;
    })
    .replace(/\b[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g, "***@$1");
}

/** Redacts a value for a log line: nested objects, arrays, errors. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[…]";
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value instanceof Headers) return redact(Object.fromEntries(value.entries()), depth + 1);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) && v != null && v !== "" ? REDACTED : redact(v, depth + 1)]));
}

/** The line as written: `{ level, msg, time, ...fields }`, redacted. */
export function formatLog(level: LogLevel, msg: string, fields: LogFields = {}): string {
  const { error, ...rest } = fields;
  const line: Record<string, unknown> = { level, msg: redactString(msg), time: new Date().toISOString(), ...(redact(rest) as object) };
  if (error !== undefined) line.error = error instanceof Error ? redactString(error.message) : redact(typeof error === "string" ? error : String(error));
  return JSON.stringify(line);
}

export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = formatLog(level, msg, fields);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
