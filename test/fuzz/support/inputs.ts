/**
 * Generated and mutated inputs: hostile strings, path segments, JSON bodies
 * derived from a valid shape (a key dropped, a value swapped for anything,
 * an unknown key, the whole thing wrapped or replaced), raw bodies that are
 * not JSON or not UTF-8, and the headers that go with them.
 */
import fc from "fast-check";

/** Strings that have broken parsers, paths, SQL and logs before. */
export const NASTY = [
  "",
  " ",
  "..",
  "../..",
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f",
  "%00",
  "\u0000",
  "\u202e",
  "\uD800",
  "\uFFFF",
  "' or 1=1 --",
  "'; drop table jobs; --",
  "$(id)",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup string, sent as plain text on purpose
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "null",
  "NaN",
  "-1",
  "1e309",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "cs_",
  "cs_" + "a".repeat(251),
  "a".repeat(5_000),
  "😀".repeat(100),
  "Ω≈ç√∫",
  "\r\nx-injected: 1",
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3_000 }) },
);

/** Lone surrogates replaced: encodeURIComponent throws on them (a client could not send one in a URL). */
export const wellFormed = (s: string): string => s.replace(/[\uD800-\uDFFF]/g, "?");

/** Any JSON value, occasionally deep or with odd keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -0, 1e308, "", [], {}, [[[]]], { __proto__: { staff: true } }) },
);

/** A scalar or structure of the wrong kind, for replacing one field's value. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(nastyString, anyJson, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

type Obj = Record<string, unknown>;

/** One mutation of an object: what a confused or hostile client sends. */
function mutateOnce(value: Obj): fc.Arbitrary<unknown> {
  const keys = Object.keys(value);
  const some = <T>(arb: fc.Arbitrary<T>) => arb;
  const options: fc.Arbitrary<unknown>[] = [
    // An unknown extra field (strict schemas refuse it; lax ones ignore it).
    some(fc.tuple(nastyString, wrongValue).map(([k, v]) => ({ ...value, [k]: v }))),
    // The whole body replaced, wrapped or emptied.
    anyJson,
    fc.constant([value]),
    fc.constant({ body: value }),
  ];
  if (keys.length) {
    const key = fc.constantFrom(...keys);
    options.push(
      key.map((k) => Object.fromEntries(Object.entries(value).filter(([x]) => x !== k))),
      fc.tuple(key, wrongValue).map(([k, v]) => ({ ...value, [k]: v })),
      fc.tuple(key, nastyString).map(([k, v]) => ({ ...value, [k]: v })),
    );
  }
  return fc.oneof(...options);
}

/** A valid body most of the time once in a while, and mutated ones otherwise (1-3 mutations). */
export function mutated(valid: fc.Arbitrary<Obj>): fc.Arbitrary<unknown> {
  const twice = valid.chain((v) => mutateOnce(v)).chain((v) => (v && typeof v === "object" && !Array.isArray(v) ? mutateOnce(v as Obj) : fc.constant(v)));
  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 5, arbitrary: valid.chain(mutateOnce) }, { weight: 2, arbitrary: twice });
}

/** JSON text that is not quite JSON: truncated, doubled, commented, a BOM, bare words. */
export function brokenJsonText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(valid, fc.nat()).map(([v, n]) => {
      const text = JSON.stringify(v) ?? "";
      return text.slice(0, text.length ? n % text.length : 0);
    }),
    valid.map((v) => JSON.stringify(v) + JSON.stringify(v)),
    valid.map((v) => `\uFEFF${JSON.stringify(v)}`),
    valid.map((v) => `// comment\n${JSON.stringify(v)}`),
    fc.constantFrom("undefined", "NaN", "{'a':1}", '{"a":1,}', "[1,2", '"unterminated', '{"a":01}', "0x10", "", " ", '{"a":"\\u12"}'),
    fc.string({ maxLength: 200 }),
  );
}

/** Bytes that are not valid UTF-8 inside otherwise JSON-looking bodies. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .constantFrom(
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d], // {"a":"\xff\xfe"}
      [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d], // {"\xc3(":1}
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xc0, 0xaf], // overlong "/"
      [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
      [0x00, 0x7b, 0x7d],
    )
    .map((b) => new Uint8Array(b)),
  fc.uint8Array({ maxLength: 300 }),
);

/** Content types a client might send with a JSON body (only a few are JSON). */
export const contentTypes: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      null,
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/json; charset=utf-16",
      "application/vnd.api+json",
      "application/jsonx",
      "text/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/octet-stream",
      "application/json, text/plain",
      "*/*",
      "",
      ";",
      "application/json;;;;charset",
      "\tapplication/json ",
    ),
  },
);

/** Header values a fetch client can carry (a Latin-1 ByteString without CR, LF or NUL). */
export const headerValue: fc.Arbitrary<string> = fc
  .oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary-ascii", maxLength: 80 }), fc.constantFrom("Bearer", "Bearer ", "Bearer  x y", "bearer a.b.c", "Basic dXNlcjpwYXNz", "a".repeat(8_000)))
  .map((s) =>
    [...s]
      .filter((ch) => ch.charCodeAt(0) <= 0xff && !"\r\n\0".includes(ch))
      .join("")
      .trim(),
  );

/** A path segment: a valid-looking one, a random UUID, or something hostile (encoded so it stays one segment). */
export function segment(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: nastyString.map((s) => encodeURIComponent(wellFormed(s))) },
    { weight: 1, arbitrary: fc.constantFrom("..", ".", "%2e%2e", "%2F", "%252e", "%", "%zz", "a%00b") },
  );
}

/** Query strings, mostly irrelevant to the route, sometimes repeated or enormous. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), nastyString, { maxKeys: 3 }).map((d) => `?${new URLSearchParams(d as Record<string, string>)}`) },
  { weight: 1, arbitrary: fc.constantFrom("?ticket=", "?ticket=a&ticket=b", "?%zz", "?a=" + "b".repeat(4_000), "?__proto__[x]=1") },
);
