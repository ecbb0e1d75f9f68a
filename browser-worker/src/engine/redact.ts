/**
 * Keeps generated credentials out of logs and free text. The engine makes a
 * password per attempt; a page may echo it back whole, cut to its maxlength,
 * or rewritten by its own script, and any of those could otherwise reach a
 * debug log line, a failure reason or a confirmation text. Every line the
 * engine logs, and every text it returns, goes through `redact`.
 */

/** The shortest run of a secret that is still masked: shorter runs occur in ordinary text by chance. */
const MIN_RUN = 6;
export const REDACTED = "[redacted]";

export interface Redactor {
  /** From now on, `secret` (and any run of MIN_RUN or more of its characters) is masked. */
  add(secret: string): void;
  redact(text: string): string;
}

export function redactor(): Redactor {
  const secrets: string[] = [];
  return {
    add(secret) {
      if (secret.length >= MIN_RUN) secrets.push(secret);
    },
    redact(text) {
      let out = text;
      for (const secret of secrets) out = maskRuns(out, secret);
      return out;
    },
  };
}

/** Replaces every stretch of `text` that is a run of at least MIN_RUN characters of `secret`. */
function maskRuns(text: string, secret: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    let best = 0;
    for (let s = 0; s < secret.length; s++) {
      let n = 0;
      while (i + n < text.length && s + n < secret.length && text[i + n] === secret[s + n]) n++;
      if (n > best) best = n;
    }
    if (best >= MIN_RUN) {
      out += REDACTED;
      i += best;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}
