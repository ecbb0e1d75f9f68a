/**
 * Scoring: turns raw signals into a class with a confidence. Runs IN THE
 * PAGE and in Node (unit tests), so `createScorer` is self-contained: all
 * helpers live inside it and it only reads its `config` argument.
 *
 * Every signal (autocomplete, input type, labels, placeholder, name/id,
 * nearby text, legend, option lists...) votes for classes with
 * weight(signal) × strength(pattern); votes for one class combine as a
 * noisy-OR, so independent agreeing signals add up and no single regex
 * decides. Then form context (login vs sign-up, name pairs, address lines)
 * settles what one field alone cannot.
 */
import type { FieldSignals, FormContext, MapperClass, MapperConfig, ScoreResult, VisibilityInfo } from "./types";
import type { FieldType } from "../../../core/vocabulary";

export interface ScoredField {
  sig: FieldSignals;
  vis: VisibilityInfo;
  score: ScoreResult;
  honeypot: boolean;
  type?: FieldType;
  confidence?: number;
}

export function createScorer(config: MapperConfig) {
  const W = config.weights;
  const LETTER = "a-z0-9\\u00c0-\\u024f\\u0400-\\u04ff";

  // Lower case, accents off, identifiers split into tokens, punctuation to
  // single spaces. "billingFirstName" → "billing first name", "Straße" → "strasse".
  const normalize = (s: string): string =>
    (s || "")
      .replace(/([a-z\u00e0-\u00ff])([A-Z])/g, "$1 $2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/([a-z])(\d)/g, "$1 $2")
      .replace(/(\d)([a-z])/g, "$1 $2")
      .replace(/[^a-z0-9\u00c0-\u024f\u0370-\uffff]+/g, " ")
      .trim();

  interface Pat {
    cls: MapperClass;
    w: number;
    re: RegExp;
    sq: RegExp | null; // substring form for squashed identifiers
  }
  // One alternation per lexicon entry (longest alternatives first, so the
  // leftmost match is also the longest): ~70 regexes instead of ~1000.
  const pats: Pat[] = [];
  const literalLen = (src: string) =>
    src
      .replace(/ \?/g, "")
      .replace(/ /g, "")
      .replace(/\\w\*|\\S\*|\\d\??|\[[^\]]*\]|[()?|+*\\]/g, "").length;
  for (const [cls, w, raw] of config.lexicon) {
    // patterns go through the same Unicode decomposition as the text
    // (パ → ハ + ◌゚, 이 → jamo), or non-Latin words would never match
    const list = raw.map((src) => src.normalize("NFD").replace(/[\u0300-\u036f]/g, ""));
    const sorted = [...list].sort((x, y) => literalLen(y) - literalLen(x));
    const re = new RegExp("(^|[^" + LETTER + "])(" + sorted.join("|") + ")(?![" + LETTER + "])", "g");
    // Long patterns may also match inside "billingfirstname"-style tokens.
    const squashed = sorted.map((src) => src.replace(/ \?/g, "").replace(/ /g, "")).filter((sq) => literalLen(sq) >= 5 && /^[a-z]/.test(sq));
    const sq = squashed.length ? new RegExp(squashed.join("|"), "g") : null;
    pats.push({ cls, w, re, sq });
  }
  // Classes that name the data itself outrank classes that often qualify
  // it: "Company phone" is a phone, "Name of your business" is a business.
  const rank = (c: string): number => {
    if (/^(organization|x-card-name)$/.test(c)) return 1;
    if (
      /^(name|given-name|family-name|additional-name|description|hours|category|terms)$/.test(c) ||
      /^x-(date|message|other|quantity|house-number|taxid|job|subject|newsletter|remember|salutation|language)$/.test(c)
    )
      return 2;
    return 0;
  };

  const isModifier = (c: string) => c === "x-password-new" || c === "x-password-current";

  interface Hit {
    cls: MapperClass;
    w: number;
    start: number;
    end: number;
  }
  const resolveHits = (hits: Hit[]): Hit[] => {
    // Drop a hit when a longer hit of another class covers it.
    const kept = hits.filter((h) => !hits.some((o) => o !== h && o.cls !== h.cls && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start));
    return kept;
  };

  // Labels repeat a lot within a page (nearby text = label, name = id):
  // remember each text's verdict.
  const memo = new Map<string, Map<MapperClass, number>>();

  /** Class → strength 0..1 for one piece of text. */
  const matchText = (raw: string, ident: boolean): Map<MapperClass, number> => {
    const key = (ident ? "1" : "0") + raw;
    const known = memo.get(key);
    if (known) return known;
    const out = new Map<MapperClass, number>();
    memo.set(key, out);
    if (!raw) return out;
    // Parenthesised asides ("(optional)", "(as on your passport)") count half.
    const main = raw.replace(/\([^)]*\)/g, " ");
    const aside = (raw.match(/\(([^)]*)\)/g) || []).join(" ");
    const run = (text: string, factor: number) => {
      const t = normalize(text);
      if (!t) return;
      let hits: Hit[] = [];
      for (const p of pats) {
        p.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = p.re.exec(t))) {
          const start = m.index + (m[1] || "").length;
          const end = start + (m[2] || "").length;
          if (end > start) hits.push({ cls: p.cls, w: p.w, start, end });
          if (m[0].length === 0) p.re.lastIndex++;
        }
      }
      hits = resolveHits(hits);
      if (ident) {
        const sqText = t.replace(/ /g, "");
        // squashed index → index in t, so both passes share one coordinate system
        const back: number[] = [];
        for (let i = 0; i < t.length; i++) if (t[i] !== " ") back.push(i);
        back.push(t.length);
        let sqHits: Hit[] = [];
        for (const p of pats) {
          if (!p.sq) continue;
          p.sq.lastIndex = 0;
          let m: RegExpExecArray | null;
          while ((m = p.sq.exec(sqText))) {
            if (m[0].length) sqHits.push({ cls: p.cls, w: p.w * 0.85, start: m.index, end: m.index + m[0].length });
            else p.sq.lastIndex++;
          }
        }
        sqHits = resolveHits(sqHits);
        // a squashed hit only adds classes the token pass did not see
        for (const h of sqHits) if (!hits.some((x) => x.cls === h.cls)) hits.push({ ...h, start: back[h.start] ?? 0, end: (back[h.end - 1] ?? 0) + 1 });
      }
      // Best class by rank, then position; others are demoted. In prose the
      // first noun leads ("Email or phone"); identifiers put namespaces first
      // and the specific part last ("shippingAddressCity"), so there the last
      // leads. Password modifiers ("new", "confirm") never compete.
      let lead = hits.find((h) => !isModifier(h.cls)) || hits[0];
      if (!lead) return;
      // Weak generic words ("code", bare "name") never steer over specific
      // ones. Rank only orders prose: in identifiers position decides
      // ("user_first_name", "shipping_address_first_name" are given names).
      const tier = (h: Hit) => (ident ? 0 : rank(h.cls) * 2) + (h.w < 0.85 ? 1 : 0);
      const better = (h: Hit, l: Hit) =>
        ident ? h.end > l.end || (h.end === l.end && h.end - h.start > l.end - l.start) : h.start < l.start || (h.start === l.start && h.end - h.start > l.end - l.start);
      for (const h of hits) {
        if (isModifier(h.cls)) continue;
        if (tier(h) < tier(lead) || (tier(h) === tier(lead) && better(h, lead))) lead = h;
      }
      // Long texts (help sentences) say less per word than a short label.
      const lenFactor = t.length <= 40 ? 1 : Math.max(0.6, 1 - (t.length - 40) / 275);
      for (const h of hits) {
        const v = h.w * factor * lenFactor * (h.cls === lead.cls || isModifier(h.cls) ? 1 : tier(h) > tier(lead) ? 0.3 : 0.55);
        if ((out.get(h.cls) || 0) < v) out.set(h.cls, v);
      }
    };
    run(main, 1);
    if (aside) run(aside, 0.5);
    return out;
  };

  // autocomplete tokens → class (WHATWG field names and a few common misspellings)
  const AC: Record<string, MapperClass> = {
    name: "name",
    "given-name": "given-name",
    "additional-name": "additional-name",
    "family-name": "family-name",
    "honorific-prefix": "x-salutation",
    "honorific-suffix": "x-salutation",
    nickname: "username",
    username: "username",
    "new-password": "x-password",
    "current-password": "x-password",
    "one-time-code": "x-otp",
    "organization-title": "x-job",
    organization: "organization",
    "street-address": "street-address",
    "address-line1": "address-line1",
    "address-line2": "address-line2",
    "address-line3": "address-line2",
    "address-level4": "x-other",
    "address-level3": "x-other",
    "address-level2": "address-level2",
    "address-level1": "address-level1",
    country: "country",
    "country-name": "country",
    "postal-code": "postal-code",
    "cc-name": "x-card-name",
    "cc-given-name": "x-card-name",
    "cc-additional-name": "x-card-name",
    "cc-family-name": "x-card-name",
    "cc-number": "x-card-number",
    "cc-exp": "x-card-exp",
    "cc-exp-month": "x-card-exp",
    "cc-exp-year": "x-card-exp",
    "cc-csc": "x-card-cvc",
    "cc-type": "x-card-number",
    "transaction-currency": "x-other",
    "transaction-amount": "x-quantity",
    language: "x-language",
    bday: "x-birthday",
    "bday-day": "x-birthday",
    "bday-month": "x-birthday",
    "bday-year": "x-birthday",
    sex: "x-salutation",
    url: "url",
    photo: "photo",
    tel: "tel",
    "tel-country-code": "x-telcode",
    "tel-national": "tel",
    "tel-area-code": "x-telcode",
    "tel-local": "tel",
    "tel-local-prefix": "tel",
    "tel-local-suffix": "tel",
    "tel-extension": "x-other",
    email: "email",
    impp: "social-other",
    webauthn: "x-other",
  };
  const AC_IGNORE = /^(on|off|none|false|true|no|nope|disabled|chrome-off|new|random|autocomplete|do-not-autofill|noautocomplete)$/;

  const typeVotes = (t: string): [MapperClass, number][] => {
    switch (t) {
      case "email":
        return [["email", 1]];
      case "tel":
        return [["tel", 0.85]];
      case "url":
        return [["url", 1]];
      case "password":
        return [["x-password", 1]];
      case "search":
        return [["x-search", 1]];
      case "date":
      case "datetime-local":
      case "month":
      case "week":
      case "time":
        return [["x-date", 1]];
      case "file":
        return [["x-file", 1]];
      case "color":
      case "range":
        return [["x-other", 1]];
      default:
        return [];
    }
  };

  const countrySet = new Set(config.countries);
  const countryCodeSet = new Set(config.countryCodes);
  const regionSet = new Set(config.regions);
  const regionCodeSet = new Set(config.regionCodes);
  const MONTHS =
    /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|marz|mai|juni|juli|okt|dez|janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|augustus|oktober|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro)/;
  const SALUTE =
    /^(mr|mrs|ms|miss|mx|dr|prof|herr|frau|m|mme|mlle|sr|sra|srta|sig|sig ra|dhr|mevr|male|female|man|woman|mannlich|weiblich|homme|femme|hombre|mujer|uomo|donna|vrouw|masculino|feminino|divers|other|non binary)$/;

  /** What an option list says: country list, state list, months, titles... */
  const optionVotes = (texts: string[], values: string[]): [MapperClass, number][] => {
    const items: { t: string; v: string; raw: string }[] = [];
    for (let i = 0; i < texts.length; i++) {
      const t = normalize(texts[i] || "");
      const v = (values[i] || "").trim().toLowerCase();
      if (!t && !v) continue;
      items.push({ t, v, raw: texts[i] || "" });
    }
    // the first option is often a prompt ("Select a country"): skip it
    const body = items.length > 3 ? items.slice(1) : items;
    const n = body.length;
    if (n < 2) return [];
    let country = 0,
      ccode = 0,
      region = 0,
      rcode = 0,
      month = 0,
      num = 0,
      year = 0,
      salute = 0,
      dial = 0;
    for (const { t, v, raw } of body) {
      const first = t.split(" (")[0] || t;
      if (countrySet.has(t) || countrySet.has(first) || [...countrySet].some((c) => c.length > 4 && t.startsWith(c + " "))) country++;
      if (countryCodeSet.has(v) || (/^[a-z]{2}$/.test(t) && countryCodeSet.has(t))) ccode++;
      if (regionSet.has(t)) region++;
      if (regionCodeSet.has(v) || regionCodeSet.has(t)) rcode++;
      if (MONTHS.test(t)) month++;
      if (/^\d{1,2}$/.test(t)) num++;
      if (/^(19|20)\d\d$/.test(t)) year++;
      if (SALUTE.test(t)) salute++;
      if (/\+ ?\d{1,4}\b/.test(raw) || /^\+\d{1,4}$/.test(v)) dial++;
    }
    const r = (k: number) => k / n;
    const votes: [MapperClass, number][] = [];
    // "Germany (+49)": a dialling-code list that names countries picks a country
    if (n >= 8 && r(dial) >= 0.5) votes.push(r(country) >= 0.3 ? ["country", 0.9] : ["x-telcode", 1]);
    else if (n >= 8 && r(region) >= 0.5) votes.push(["address-level1", 1]);
    else if (n >= 20 && r(country) >= 0.4) votes.push(["country", 1]);
    else if (n >= 20 && r(ccode) >= 0.6 && r(rcode) < 0.7) votes.push(["country", 0.85]);
    else if (n >= 8 && r(region) + r(rcode) >= 0.9) votes.push(["address-level1", 0.85]);
    else if (n >= 20 && r(country) >= 0.2) votes.push(["country", 0.6]);
    if (n >= 10 && (r(month) >= 0.6 || r(year) >= 0.6 || (r(num) >= 0.8 && n >= 12))) votes.push(["x-date", 1]);
    if (n <= 12 && r(salute) >= 0.5) votes.push(["x-salutation", 1]);
    return votes;
  };

  // Which classes a kind of control can hold at all.
  const allowed = (sig: FieldSignals, cls: MapperClass): boolean => {
    const k = sig.inputType;
    if (k === "checkbox" || k === "radio") return /^(terms|category|hours|newsletter|keywords|payment-methods|price-range|employees)$/.test(cls) || (cls.startsWith("x-") && cls !== "x-password");
    if (k === "file") return /^(logo|photo|x-file)$/.test(cls);
    if (/^(logo|photo)$/.test(cls)) return false;
    if (cls === "terms") return false;
    if (k === "password") return /^(x-password|x-otp|x-card|captcha|x-security|x-taxid|username)/.test(cls);
    if (cls === "x-password-new" || cls === "x-password-current") return false;
    if (cls === "x-password" && !/^(text|)$/.test(k)) return false;
    if (sig.tag === "select" || k === "combobox" || k === "listbox") {
      return /^(country|address-level1|address-level2|category|hours|x-|additional-name|organization|keywords|price-range|payment-methods|employees|year-established)/.test(cls) && cls !== "x-search";
    }
    return true;
  };

  /** Every signal's votes for one control, combined per class (before any filtering). */
  const evidence = (sig: FieldSignals): Record<string, number> => {
    const acc: Record<string, number> = {};
    const add = (cls: MapperClass, v: number) => {
      if (v <= 0) return;
      acc[cls] = 1 - (1 - (acc[cls] || 0)) * (1 - Math.min(0.99, v));
    };
    const addMap = (m: Map<MapperClass, number>, w: number) => {
      for (const [c, v] of m) add(c, v * w);
    };

    // autocomplete: the last known token is the field name; "fax" as a
    // contact modifier turns tel into fax.
    if (sig.autocomplete) {
      const toks = sig.autocomplete.split(/\s+/).filter((t) => t && !t.startsWith("section-"));
      let hit: MapperClass | null = null;
      for (const t of toks) if (AC[t]) hit = AC[t];
      if (hit === "tel" && toks.includes("fax")) hit = "fax";
      if (hit) add(hit, W.autocomplete);
      else if (!toks.every((t) => AC_IGNORE.test(t) || /^(shipping|billing|home|work|mobile|pager)$/.test(t))) addMap(matchText(sig.autocomplete, true), W.name * 0.8);
    }
    for (const [c, v] of typeVotes(sig.inputType)) add(c, v * W.type);
    const label = sig.label;
    if (label) addMap(matchText(label, false), W.label);
    if (sig.ariaLabel) addMap(matchText(sig.ariaLabel, false), W.aria);
    if (sig.placeholder) addMap(matchText(sig.placeholder, false), W.placeholder);
    if (sig.title) addMap(matchText(sig.title, false), W.title);
    // name and id usually repeat each other; count the pair once when equal
    const nm = normalize(sig.name),
      idn = normalize(sig.id);
    if (sig.name) addMap(matchText(sig.name, true), W.name);
    if (sig.id && idn !== nm) addMap(matchText(sig.id, true), nm && (idn.includes(nm) || nm.includes(idn)) ? W.id * 0.5 : W.id);
    const hasLabel = !!(label || sig.ariaLabel);
    if (sig.nearby && sig.nearby !== label) addMap(matchText(sig.nearby, false), hasLabel ? W.nearbyWithLabel : W.nearby);
    if (sig.legend) addMap(matchText(sig.legend, false), W.legend);
    if (sig.group) addMap(matchText(sig.group, false), W.group);
    if (sig.classes) addMap(matchText(sig.classes, true), W.classes);
    if (sig.options.length) for (const [c, v] of optionVotes(sig.options, sig.optionValues)) add(c, v * W.options);
    if (sig.imgNearby) add("captcha", 0.5);
    // Example values say what goes in: "name@example.com", "+49 30 1234567", "https://".
    for (const [text, w] of [
      [sig.placeholder, W.placeholder],
      [sig.label, W.label],
      [sig.ariaLabel, W.aria],
    ] as [string, number][]) {
      if (!text) continue;
      if (/[^\s@]+@[^\s@]+\.[a-z]{2,}/i.test(text)) add("email", 0.8 * w);
      else if (/^\s*(\+\s?\d|\(?0)[\d\s()./-]{6,}\s*$/.test(text)) add("tel", 0.7 * w);
      else if (/^\s*(https?:\/\/|www\.)/i.test(text)) add("url", 0.8 * w);
    }
    // One-character boxes are the cells of a one-time code or PIN.
    if (sig.maxLength === 1 && /^(text|tel|number|password)$/.test(sig.inputType)) add("x-otp", 0.85);
    // a checkbox whose value is the option ("restaurants") inside a group
    // named category: the group text already voted; nothing to add here.
    return acc;
  };

  // ---- the learned model ---------------------------------------------------
  // Features: the lexicon's evidence per class (real-valued), the tokens of
  // each signal by where they were found, and the kind of control. The model
  // learns how far to trust each, instead of weights set by hand.
  const tokens = (text: string, ident: boolean, max = 24): string[] => {
    const t = normalize(text);
    if (!t) return [];
    const out = t.split(" ").filter((w) => w.length > 1 && !/^\d+$/.test(w));
    if (ident) for (const w of t.replace(/ /g, "").match(/[a-z]{4,}/g) || []) if (w !== t) out.push(w);
    return out.slice(0, max);
  };
  const features = (sig: FieldSignals, acc: Record<string, number>, kind: string): Map<string, number> => {
    const f = new Map<string, number>();
    const put = (k: string, v = 1) => f.set(k, Math.max(f.get(k) || 0, v));
    put("bias:1");
    // the form's purpose: a login form's "Email" box is its username
    put("form:" + kind);
    put("type:" + sig.inputType);
    put("tag:" + sig.tag);
    let best = "",
      bv = 0;
    for (const [c, v] of Object.entries(acc)) {
      if (v < 0.05) continue;
      put("lex:" + c, v);
      if (v > bv) {
        best = c;
        bv = v;
      }
    }
    if (best) put("lexbest:" + best);
    const src: [string, string, boolean][] = [
      ["l", sig.label + " " + sig.ariaLabel, false],
      ["p", sig.placeholder + " " + sig.title, false],
      ["n", sig.name + " " + sig.id, true],
      ["a", sig.autocomplete, true],
      ["t", (sig.nearby !== sig.label ? sig.nearby : "") + " " + sig.legend + " " + sig.group, false],
    ];
    for (const [k, text, ident] of src)
      for (const w of tokens(text, ident)) {
        put(k + ":" + w);
        put("w:" + w);
      }
    for (const w of tokens(sig.classes, true, 10)) put("c:" + w);
    const n = sig.options.length;
    if (n) put("opts:" + (n >= 20 ? "many" : n >= 6 ? "some" : "few"));
    if (sig.maxLength > 0) put("maxlen:" + (sig.maxLength <= 10 ? "short" : sig.maxLength <= 100 ? "mid" : "long"));
    if (sig.imgNearby) put("img:1");
    return f;
  };

  /** Each model class's own lexicon evidence: [strength, 1 if it is the lexicon's best]. */
  const classEvidence = (classes: string[], acc: Record<string, number>): [number, number][] => {
    let best = "",
      bv = 0;
    for (const [c, v] of Object.entries(acc))
      if (v > bv) {
        best = c;
        bv = v;
      }
    // "unknown" is what the lexicon's x-* classes (card number, remember me...) mean
    const none = (c: string) => c.startsWith("x-") && !/^x-(search|newsletter|password)/.test(c);
    let unk = 0;
    for (const [c, v] of Object.entries(acc)) if (none(c)) unk = Math.max(unk, v);
    return classes.map((c) => {
      const lc = c === "search" ? "x-search" : c === "newsletter" ? "x-newsletter" : c;
      if (c === "unknown") return [unk, none(best) ? 1 : 0];
      return [acc[lc] || 0, best === lc ? 1 : 0];
    });
  };

  /** Class probabilities from the model, or null when the config has none. */
  const predict = (sig: FieldSignals, acc: Record<string, number>, kind: string): number[] | null => {
    const M = config.model;
    if (!M) return null;
    const z = M.bias.slice();
    const ev = classEvidence(M.classes, acc);
    for (let c = 0; c < z.length; c++) z[c] = (z[c] || 0) + M.shared[0] * ev[c]![0] + M.shared[1] * ev[c]![1];
    for (const [k, v] of features(sig, acc, kind)) {
      const ws = M.weights[k];
      if (ws) for (const [c, w] of ws) z[c] = (z[c] || 0) + v * w;
    }
    const mx = Math.max(...z);
    const e = z.map((x) => Math.exp(x - mx));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };

  // Rules kept because they are certain: what an input's type allows.
  const typeAllows = (sig: FieldSignals, cls: string): boolean => {
    switch (sig.inputType) {
      case "email":
        return /^(email|username|unknown)$/.test(cls);
      case "url":
        return /^(url|social-|video-url|unknown)/.test(cls);
      case "file":
        return /^(logo|photo|unknown)$/.test(cls);
      case "search":
        return cls === "search";
      case "password":
        return cls === "x-password";
      default:
        return true;
    }
  };

  /** Score one control on its own. */
  const score = (sig: FieldSignals): ScoreResult => {
    const acc = evidence(sig);

    // keep only classes this kind of control can be
    const entries = Object.entries(acc).filter(([c]) => allowed(sig, c as MapperClass));
    // the password modifiers are not classes on their own
    const pw = acc["x-password"] || 0;
    const filtered = entries.filter(([c]) => c !== "x-password-new" && c !== "x-password-current");
    if (sig.inputType === "password" || pw > 0.5) {
      const pn = acc["x-password-new"] || 0,
        pc = acc["x-password-current"] || 0;
      if (sig.inputType === "password" || pw > 0.5) {
        const i = filtered.findIndex(([c]) => c === "x-password");
        const v = Math.max(pw, pn, pc);
        if (i >= 0) filtered[i] = ["x-password", v];
        else if (sig.inputType === "password") filtered.push(["x-password", v]);
      }
    }
    filtered.sort((a, b) => b[1] - a[1]);
    const scores: Record<string, number> = {};
    for (const [c, v] of filtered) if (v >= 0.05) scores[c] = Math.round(v * 1000) / 1000;
    if (acc["x-password-new"]) scores["x-password-new"] = acc["x-password-new"];
    if (acc["x-password-current"]) scores["x-password-current"] = acc["x-password-current"];
    const best = filtered[0];
    const second = filtered[1];
    if (!best) return { cls: "unknown", strength: 0, confidence: 0.5, second: "", scores };
    // Confidence: the winner's strength, discounted by how strongly the
    // runner-up was also supported.
    const conf = Math.max(0, Math.min(1, best[1] * (1 - 0.4 * (second ? second[1] : 0))));
    return { cls: best[0] as MapperClass, strength: best[1], confidence: conf, second: (second ? second[0] : "") as MapperClass | "", scores };
  };

  /**
   * The learned model's verdict on one control, once the form's kind is known
   * (the lexicon's own verdict `lex` decided that kind). Null when the model
   * must not decide: no model, a class it never saw, or no evidence at all.
   */
  const modelVerdict = (sig: FieldSignals, lex: ScoreResult, kind: string): ScoreResult | null => {
    const M = config.model;
    if (!M) return null;
    const acc = evidence(sig);
    // The model decides only among the classes it was trained on: a class it
    // has never seen (captcha has no labelled examples yet) stays the lexicon's.
    const modelName = (c: string) => (c === "x-search" ? "search" : c === "x-newsletter" ? "newsletter" : c === "x-password" ? c : c.startsWith("x-") ? "unknown" : c);
    if (lex.strength > 0 && !M.classes.includes(modelName(lex.cls)) && lex.strength >= config.thresholds.minStrength) return null;
    // nothing in the markup speaks for any class: unknown, whatever the model's priors say
    if (lex.strength === 0 && lex.cls === "unknown") return null;
    const probs = predict(sig, acc, kind)!;
    const scores = { ...lex.scores };
    // a known autocomplete token, a password box and the input's type are certain
    let hit: MapperClass | null = null;
    if (sig.autocomplete) for (const t of sig.autocomplete.split(/\s+/)) if (AC[t]) hit = AC[t];
    const ranked = M.classes
      .map((c, i) => [c, probs[i] || 0] as [string, number])
      .filter(([c]) => typeAllows(sig, c) && (c === "unknown" || c === "x-password" || allowed(sig, c as MapperClass)))
      .sort((a, b) => b[1] - a[1]);
    for (const [c, p] of ranked.slice(0, 4)) scores["m:" + c] = Math.round(p * 1000) / 1000;
    let [cls, p] = ranked[0] || ["unknown", 0];
    if (hit && !hit.startsWith("x-") && hit !== cls && typeAllows(sig, hit)) [cls, p] = [hit, Math.max(p, 0.9)];
    if (sig.inputType === "password") [cls, p] = ["x-password", 1];
    // the lexicon's name for "none of ours" (remember me, card number...) is kept for form context
    if (cls === "unknown" && lex.cls.startsWith("x-")) cls = lex.cls;
    const runner = ranked.find(([c]) => c !== cls);
    return { cls: cls as MapperClass, strength: p, confidence: Math.max(0, p - (runner?.[1] || 0) / 2), second: (runner?.[0] || "") as MapperClass | "", scores, model: true };
  };

  // ---- form context ------------------------------------------------------
  // "Anmelden"/"aanmelden" also mean "subscribe" and "register": they count
  // for login only when the form has a password.
  const LOGIN_SOFT = /(^| )(anmelden|anmeldung|aanmelden)( |$)/;
  const LOGIN =
    /(^| )(log ?in|sign ?in|signin|login|logon|log on|einloggen|connexion|se connecter|connecter|identifiez vous|iniciar sesion|inicia sesion|ingresar|acceder|entrar|accedi|accesso|inloggen|войти|вход|ログイン|登录|登入|로그인|giris yap|zaloguj)( |$)/;
  const NEXT = /(^| )(continue|next|weiter|suivant|continuer|siguiente|continuar|avanti|volgende|doorgaan|proximo|seguinte)( |$)/;
  const SIGNUP =
    /(^| )(sign ?up|signup|register|registration|create (an |your |my )?account|create|join( now| us| free)?|get started|start free|open (an )?account|registrieren|registrierung|konto (erstellen|anlegen)|jetzt registrieren|s inscrire|inscription|inscrivez vous|creer (un |mon |votre )?compte|registrarse|registrate|registro|crear (una |mi )?cuenta|registrati|registrazione|crea (un )?account|registreren|account aanmaken|cadastr\w*|criar (uma )?conta|inscrever|зарегистр\S*|регистрация|登録|注册|가입|회원가입)( |$)/;
  const FORGOT =
    /(^| )(forgot|forgotten|reset|recover|recovery|password recovery|wiederherstellen|wiederherstellung|recuperation|recuperacion|recupero|trouble (signing|logging) in|vergessen|zurucksetzen|oublie|reinitialiser|olvidaste|olvide|restablecer|recuperar|dimenticat\w*|reimposta|vergeten|herstellen|esqueceu|esqueci|redefinir)( |$)/;
  const NEWSLETTER = /(^| )(newsletter|subscribe|abonnieren|abonner|s abonner|suscribir\w*|suscribete|iscriviti|inschrijven|assinar|subscribe now)( |$)/;
  // Classes that are clearly not a login identifier, even in a login form.
  const IDENTIFIER_BLOCK =
    /^(captcha|search|newsletter|x-search|x-otp|x-date|x-birthday|x-coupon|x-card-(exp|cvc)|terms|category|x-remember|x-newsletter|x-message|given-name|family-name|additional-name)$/;

  /** Decide login / sign-up / recovery / other from the form's fields and words. */
  const formContext = (fields: ScoredField[], words: { submit: string; other: string }, pageWords: string): FormContext => {
    const visible = fields.filter((f) => !f.honeypot && f.vis.visible);
    const pwFields = visible.filter((f) => f.score.cls === "x-password");
    const passwordCount = pwFields.length;
    const sub = normalize(words.submit),
      oth = normalize(words.other),
      page = normalize(pageWords);
    const textish = visible.filter((f) => /^(text|email|tel|number|)$/.test(f.sig.inputType) || f.sig.tag === "textarea" || f.sig.tag === "select");
    const personal = visible.filter((f) => /^(name|given-name|family-name|tel|address-line1|address-level2|postal-code|x-birthday|organization)$/.test(f.score.cls) && f.score.strength > 0.5).length;
    // Each hint adds to one side; the submit button speaks loudest.
    let login = 0,
      signup = 0;
    const isLogin = (t: string) => LOGIN.test(t) || (passwordCount > 0 && LOGIN_SOFT.test(t));
    if (isLogin(sub)) login += 3;
    if (SIGNUP.test(sub)) signup += 3;
    if (isLogin(oth)) login += 1;
    if (SIGNUP.test(oth)) signup += 1;
    const pageLogin = LOGIN.test(page),
      pageSignup = SIGNUP.test(page);
    if (pageLogin) login += 1;
    if (pageSignup) signup += 1;
    if (NEXT.test(sub) && pageLogin && !pageSignup) login += 1;
    if (FORGOT.test(oth) && passwordCount) login += 2;
    if (visible.some((f) => f.score.cls === "x-remember")) login += 2;
    if (visible.some((f) => f.score.cls === "terms")) signup += 2;
    signup += Math.min(3, personal * 1.5);
    if (textish.length >= 4) signup += 2;
    // choosing a username AND giving an email is a sign-up
    if (visible.some((f) => f.score.cls === "username" && f.score.strength > 0.6) && visible.some((f) => f.score.cls === "email")) signup += 2;
    if (pwFields.some((f) => (f.score.scores["x-password-new"] || 0) > 0.4)) signup += 2;
    if (pwFields.some((f) => (f.score.scores["x-password-current"] || 0) > 0.4)) login += 1;
    if (pwFields.some((f) => /new-password/.test(f.sig.autocomplete))) signup += 1.5;
    if (pwFields.some((f) => /current-password/.test(f.sig.autocomplete))) login += 1.5;

    let kind: FormContext["kind"] = "other";
    if (passwordCount >= 2)
      kind = "signup"; // sign-up or change of password: new passwords either way
    else if (passwordCount === 1) kind = signup > login ? "signup" : "login";
    else if (textish.length >= 1 && textish.length <= 2 && personal === 0 && !NEWSLETTER.test(sub + " " + oth)) {
      if (FORGOT.test(sub + " " + oth) && signup < 3) kind = "recovery";
      else if (login >= 3 && login >= signup + 2) kind = "login"; // identifier first ("Email or phone" → Next)
    }
    return { kind, passwordCount };
  };

  const toPublic = (cls: MapperClass, sig: FieldSignals): FieldType => {
    if (cls === "address-line1" && sig.tag === "textarea") return "street-address";
    // a search box and a marketing opt-in are named, so the engine can leave them alone
    if (cls === "x-search") return "search";
    if (cls === "x-newsletter") return "newsletter";
    if (cls === "x-file") return "unknown";
    if (cls.startsWith("x-")) return "unknown";
    return cls as FieldType;
  };

  /** Settle a whole form: thresholds, passwords, login identifiers, name and address pairs. */
  const resolve = (fields: ScoredField[], ctx: FormContext): void => {
    const T = config.thresholds;
    for (const f of fields) {
      if (!f.honeypot) f.score = modelVerdict(f.sig, f.score, ctx.kind) || f.score;
      const s = f.score;
      if (f.honeypot) {
        f.type = "honeypot";
        f.confidence = 0.9;
        continue;
      }
      if (s.cls === "x-password") {
        // Words the user reads beat the form's purpose, which beats the
        // autocomplete attribute (often set to new-password only to stop
        // browsers from filling a login form).
        const pn = s.scores["x-password-new"] || 0,
          pc = s.scores["x-password-current"] || 0;
        const ac = f.sig.autocomplete;
        let t: FieldType;
        if (pc > 0.4 && pc >= pn) t = "current-password";
        else if (pn > 0.4) t = "new-password";
        else if (ctx.kind === "login") t = "current-password";
        else if (ctx.kind === "signup") t = "new-password";
        else if (/new-password/.test(ac)) t = "new-password";
        else if (/current-password/.test(ac)) t = "current-password";
        else t = ctx.passwordCount >= 2 ? "new-password" : "current-password";
        f.type = t;
        f.confidence = Math.round(Math.max(0.5, s.confidence) * 100) / 100;
        continue;
      }
      if (s.model ? s.strength < config.model!.minProb : s.strength < T.minStrength || s.confidence < T.minConfidence) {
        f.type = "unknown";
        f.confidence = Math.round((1 - s.strength * 0.8) * 100) / 100;
        continue;
      }
      f.type = toPublic(s.cls, f.sig);
      f.confidence = Math.round(s.confidence * 100) / 100;
    }
    const live = fields.filter((f) => f.type !== "honeypot");
    // Login and recovery forms: the identifier box is the username, whatever
    // it looks like (WHATWG: autocomplete=username names the login
    // identifier, even when it is an email address or a member number).
    if (ctx.kind === "login" || ctx.kind === "recovery") {
      const firstPw = live.findIndex((f) => f.type === "current-password" || f.type === "new-password");
      const before = firstPw >= 0 ? live.slice(0, firstPw) : live;
      const ids = before.filter((f) => f.vis.visible && f.sig.tag !== "select" && /^(text|email|tel|number|)$/.test(f.sig.inputType) && !IDENTIFIER_BLOCK.test(f.score.cls));
      // the box nearest the password, preferring ones that look like identifiers
      const pref = (f: ScoredField) => (/^(username|email|tel)$/.test(f.type!) ? 2 : f.type === "unknown" || f.type === "name" ? 1 : 0);
      const best = Math.max(-1, ...ids.map(pref));
      const id = ids.filter((f) => pref(f) === best).pop();
      if (id && id.type !== "username") {
        const known = id.type !== "unknown";
        id.type = "username";
        id.confidence = Math.round((known ? Math.min(0.95, (id.confidence || 0.5) * 0.95) : 0.6) * 100) / 100;
      }
    }
    // A bare "Name" box right next to the card number is the card holder's name.
    const cardAt = live.map((f, i) => (/^x-card-number/.test(f.score.cls) ? i : -1)).filter((i) => i >= 0);
    live.forEach((f, i) => {
      if (f.type === "name" && !/name/.test(f.sig.autocomplete) && cardAt.some((j) => Math.abs(j - i) === 1)) f.type = "unknown";
    });
    // Name pairs across languages: "Name"+"Vorname" (de), "Nom"+"Prénom"
    // (fr) mean family name; "Nombre"+"Apellidos", "Nome"+"Cognome" mean
    // given name. A full-name field beside a given-name field is the family
    // name, and the other way round.
    const has = (t: FieldType) => live.some((f) => f.type === t);
    const [n1, n2, n3] = live.filter((f) => f.type === "name");
    if (n1 && !n2) {
      if (has("given-name") && !has("family-name")) n1.type = "family-name";
      else if (has("family-name") && !has("given-name")) n1.type = "given-name";
    } else if (n1 && n2 && !n3 && !has("given-name") && !has("family-name")) {
      // one "Name" label over two boxes: first and last
      if (live.indexOf(n2) === live.indexOf(n1) + 1 && n1.sig.label === n2.sig.label) {
        n1.type = "given-name";
        n2.type = "family-name";
      }
    }
    // Two address boxes in a row with the same words: the second is line 2.
    for (let i = 1; i < live.length; i++) {
      const a = live[i - 1]!,
        b = live[i]!;
      if ((a.type === "address-line1" || a.type === "street-address") && b.type === "address-line1" && !/1/.test(b.sig.name + b.sig.label + b.sig.autocomplete)) {
        b.type = "address-line2";
      }
    }
  };

  return { normalize, matchText, evidence, features, classEvidence, score, modelVerdict, formContext, resolve };
}
