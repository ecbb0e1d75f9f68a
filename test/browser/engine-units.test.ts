/**
 * The submission engine's pure parts, without a browser: descriptions,
 * categories, countries and regions, phone formats, hours, credentials,
 * limits read from hints, and the reading of result pages in the seven
 * languages.
 */
import { describe, expect, it } from "vitest";
import { strongPassword, usernameFor } from "../../browser-worker/src/engine/account.ts";
import { chooseCategory, looksLikeCategoryList } from "../../browser-worker/src/engine/category.ts";
import { describe as describeText, limitsFromHint, sentences } from "../../core/listing/description.ts";
import { countryName, countryNames, regionNames } from "../../core/listing/geo.ts";
import { dayOf, hoursLine } from "../../core/listing/hours.ts";
import type { PageState } from "../../browser-worker/src/engine/inpage.ts";
import { navigate, parseRetryAfter, verdictForStatus } from "../../browser-worker/src/engine/navigate.ts";
import type { EnginePage } from "../../browser-worker/src/engine/page.ts";
import { classify, retryAfterFromText, type ClassifyInput } from "../../browser-worker/src/engine/outcome.ts";
import { formatPhone } from "../../core/listing/phone.ts";
import { fold, htmlToText } from "../../core/text.ts";
import { correctTypes, decide, decideAll, type FieldInput, type ValueContext } from "../../browser-worker/src/engine/values.ts";
import { oneLineAddress, splitStreet } from "../../core/listing/address.ts";
import { formKind } from "../../browser-worker/src/engine/forms.ts";
import type { FieldDetails } from "../../browser-worker/src/engine/inpage.ts";
import { fieldDetails } from "./support/field-details";
import type { FieldType } from "../../core/vocabulary.ts";
import type { ListingProfile } from "../../core/listing/profile.ts";
import type { ValueFix } from "../../core/protocol/tasks.ts";
import { categoryOptions, countryOptions } from "../../tools/farm/designs/options.ts";
import { descriptionProblems, SAMPLE_PROFILE } from "./support/engine.ts";

const options = (list: { value: string; label: string }[]) => list.map((o, index) => ({ ...o, index }));

describe("description", () => {
  const field = { prefer: "any" as const, multiline: true };

  it("is made of the profile's own sentences, fits the limit, and cuts at a sentence", () => {
    for (const maxLength of [100, 160, 250, 300, 500, 2000]) {
      for (const seed of ["a", "b", "c", "d", "e"]) {
        const text = describeText(SAMPLE_PROFILE, { ...field, maxLength }, seed);
        expect(descriptionProblems(text, maxLength), `${maxLength}/${seed}: ${text}`).toEqual([]);
      }
    }
  });

  it("varies with the directory but is stable for one directory", () => {
    const texts = new Set(Array.from({ length: 20 }, (_, i) => describeText(SAMPLE_PROFILE, { ...field, maxLength: 1000 }, `dir-${i}`)));
    expect(texts.size).toBeGreaterThanOrEqual(3);
    expect(describeText(SAMPLE_PROFILE, { ...field, maxLength: 1000 }, "dir-7")).toBe(describeText(SAMPLE_PROFILE, { ...field, maxLength: 1000 }, "dir-7"));
  });

  it("takes the short text for short fields and respects word limits", () => {
    expect(describeText(SAMPLE_PROFILE, { ...field, prefer: "short" }, "x")).toBe(SAMPLE_PROFILE.shortDescription);
    const words = describeText(SAMPLE_PROFILE, { ...field, maxWords: 25 }, "x");
    expect(words.split(/\s+/).length).toBeLessThanOrEqual(25);
  });

  it("strips HTML and keeps paragraphs", () => {
    const html = { ...SAMPLE_PROFILE, shortDescription: null, longDescription: "<p>Fresh <b>bread</b> daily.</p><p>Coffee &amp; cake.<br>Open late.</p>" };
    expect(describeText(html, { ...field, maxLength: 500 }, "x")).not.toMatch(/<|&amp;/);
    expect(htmlToText("<p>A &amp; B</p><p>C&#39;s</p>")).toBe("A & B\n\nC's");
    expect(sentences("One. Two! Three? four.")).toEqual(["One.", "Two!", "Three? four."]);
  });

  it("reads limits from hints and labels in several languages", () => {
    expect(limitsFromHint("Maximum 500 characters.")).toEqual({ maxLength: 500 });
    expect(limitsFromHint("Maximal 400 Zeichen.")).toEqual({ maxLength: 400 });
    expect(limitsFromHint("400 caractères maximum.")).toEqual({ maxLength: 400 });
    expect(limitsFromHint("DESCRIPTION (25 WORDS MAX)")).toEqual({ maxWords: 25 });
    expect(limitsFromHint("mindestens 50 Zeichen, höchstens 300 Zeichen")).toEqual({ minLength: 50, maxLength: 300 });
  });
});

describe("category", () => {
  it("chooses the directory's food sector for a bakery in every language", () => {
    for (const lang of ["en", "de", "fr", "es", "it", "nl", "pt"] as const) {
      const chosen = chooseCategory(options(categoryOptions(lang)), ["Bakery", "Café"]);
      expect(chosen?.value, lang).toBe("food");
    }
  });

  it("prefers a close word over a broad sector, and falls back to 'other'", () => {
    const list = options([
      { value: "r", label: "Restaurants" },
      { value: "b", label: "Bakeries & Patisseries" },
      { value: "o", label: "Other" },
    ]);
    expect(chooseCategory(list, ["Bakery"])?.value).toBe("b");
    expect(chooseCategory(list, ["Quantum consulting"])?.value).toBe("o");
    expect(
      chooseCategory(
        options([
          { value: "", label: "Please select…" },
          { value: "x", label: "Plumbing" },
        ]),
        ["Bakery"],
      ),
    ).toBeUndefined();
  });

  it("recognises category lists (for controls the mapper did not name)", () => {
    expect(looksLikeCategoryList(categoryOptions("de").map((o) => o.label))).toBe(true);
    expect(looksLikeCategoryList(["Free listing", "Featured ($49/year)"])).toBe(false);
  });
});

describe("country, region, address", () => {
  it("knows a country by code and by name in the seven languages", () => {
    const names = countryNames("US");
    for (const o of countryOptions("de").concat(countryOptions("fr"), countryOptions("nl"), countryOptions("pt"))) {
      if (o.value === "US") expect(names).toContain(fold(o.label));
    }
    expect(countryName("DE", "fr")).toBe("Allemagne");
    expect(regionNames("California", "US")).toContain("ca");
  });

  it("splits the street for two-line forms and writes one line for whole-address fields", () => {
    expect(splitStreet("123 Market Street, Suite 4")).toEqual(["123 Market Street", "Suite 4"]);
    expect(splitStreet("Königstraße 12")).toEqual(["Königstraße 12", ""]);
    expect(oneLineAddress(SAMPLE_PROFILE)).toBe("123 Market Street, Suite 4, San Francisco, CA 94103");
    expect(oneLineAddress({ ...SAMPLE_PROFILE, street: "Königstraße 12", city: "Stuttgart", region: null, postalCode: "70173", country: "DE" })).toBe("Königstraße 12, 70173 Stuttgart");
  });
});

describe("phone", () => {
  it("keeps E.164 unless the field asks for the national form", () => {
    expect(formatPhone("+14155550142", {})).toBe("+14155550142");
    expect(formatPhone("+14155550142", { placeholder: "(555) 123-4567" })).toBe("(415) 555-0142");
    expect(formatPhone("+14155550142", { placeholder: "5551234567" })).toBe("4155550142");
    expect(formatPhone("+14155550142", { placeholder: "+1 555 123 4567" })).toBe("+1 415 555 0142");
    expect(formatPhone("+14155550142", { pattern: "[0-9]{10}" })).toBe("4155550142");
    expect(formatPhone("+14155550142", { maxLength: 10 })).toBe("4155550142");
    expect(formatPhone("+4930123456", { hint: "international format" })).toBe("+4930123456");
  });
});

describe("hours and credentials", () => {
  it("writes hours in the directory's language and finds per-day boxes", () => {
    expect(hoursLine(SAMPLE_PROFILE.hours, "en")).toBe("Mon-Fri 07:00-18:00, Sat-Sun 08:00-15:00");
    expect(hoursLine(SAMPLE_PROFILE.hours, "de")).toBe("Mo-Fr 07:00-18:00, Sa-So 08:00-15:00");
    expect(
      hoursLine(
        {
          mon: [
            ["09:00", "12:00"],
            ["14:00", "18:00"],
          ],
        },
        "fr",
      ),
    ).toBe("lun 09:00-12:00 / 14:00-18:00");
    expect(dayOf("hours[mon]")).toBe("mon");
    expect(dayOf("Öffnungszeiten Dienstag")).toBe("tue");
    expect(dayOf("Opening hours")).toBeUndefined();
  });

  it("makes a stable username per job and directory and a strong password", () => {
    const a = usernameFor("Bolt Bakery & Café", "job-1", "dir-1");
    expect(a).toMatch(/^boltbakerycafe\d{4}$/);
    expect(usernameFor("Bolt Bakery & Café", "job-1", "dir-1")).toBe(a);
    const pw = strongPassword();
    expect(pw).toHaveLength(18);
    expect(pw).toMatch(/[a-z]/);
    expect(pw).toMatch(/[A-Z]/);
    expect(pw).toMatch(/\d/);
    expect(strongPassword()).not.toBe(pw);
    // None starts as a spreadsheet formula would (the CSV export would neutralise it).
    const leading = Array.from({ length: 3_000 }, () => strongPassword()[0]!);
    expect(leading.filter((c) => "=+-@".includes(c))).toEqual([]);
  });
});

describe("the engine's generic corrections of the mapper, and its decisions", () => {
  const details = fieldDetails;
  const field = (type: FieldType, d: Partial<FieldDetails>): FieldInput => ({
    mapped: { tag: d.tag ?? "input", name: d.name ?? "", id: "", type, confidence: 0.5, selector: `#${d.name}`, control: d.type ?? "text", visible: true, label: d.label ?? "" },
    details: details(d),
    type,
  });
  const ctx = (fields: FieldInput[], formKind = "other"): ValueContext => {
    const typeCounts = new Map<FieldType, number>();
    for (const f of fields) typeCounts.set(f.type, (typeCounts.get(f.type) ?? 0) + 1);
    return { profile: SAMPLE_PROFILE, language: "en", directoryId: "d1", username: "boltbakerycafe0001", password: "pw-Secret-123!", formKind, formTypes: new Set(typeCounts.keys()), typeCounts };
  };
  const opts = (list: { value: string; label: string }[]) => list.map((o, index) => ({ ...o, index }));

  it("reads a choice control by its options when the mapper gave it a free-text type", () => {
    const [genre, land, other] = correctTypes(
      [
        field("organization", { tag: "select", type: "select-one", name: "genre", options: opts([{ value: "", label: "Please select…" }, ...categoryOptions("en", "numeric")]) }),
        field("unknown", { tag: "select", type: "select-one", name: "land", options: opts(countryOptions("de")) }),
        field("organization", {
          tag: "select",
          type: "select-one",
          name: "size",
          options: opts([
            { value: "1", label: "1-10" },
            { value: "2", label: "11-50" },
            { value: "3", label: "51+" },
          ]),
        }),
      ],
      "other",
      "US",
    );
    expect([genre!.type, land!.type, other!.type]).toEqual(["category", "country", "unknown"]);
    expect(decide(genre!, ctx([genre!]))).toMatchObject({ kind: "choice", option: { label: "Restaurants & Food" } });
    expect(decide(land!, ctx([land!]))).toMatchObject({ kind: "choice", option: { value: "US" } });
  });

  it("turns a sign-up 'current password' into a new one and a lone textarea into the description", () => {
    const fields = correctTypes([field("current-password", { type: "password", name: "pw" }), field("category", { tag: "textarea", type: "textarea", name: "about" })], "signup", "US");
    expect(fields.map((f) => f.type)).toEqual(["new-password", "description"]);
    expect(correctTypes([field("current-password", { type: "password", name: "pw" })], "login", "US")[0]!.type).toBe("current-password");
    const loginish = {
      index: 0,
      frame: 0,
      kind: "login" as const,
      fields: [field("email", { name: "e" }), field("username", { name: "u" }), field("current-password", { name: "p" })].map((f) => f.mapped),
    };
    expect(formKind(loginish)).toBe("signup");
    expect(formKind({ ...loginish, fields: loginish.fields.slice(1) })).toBe("login");
  });

  it("never ticks a newsletter opt-in (unticks one ticked in advance) nor fills a search box, and leaves the directory types it has no value for empty (issue 20)", () => {
    const news = field("newsletter", { type: "checkbox", name: "newsletter" });
    const ticked = field("newsletter", { type: "checkbox", name: "news-pre", checked: true });
    const newsGroup = field("newsletter", {
      type: "checkbox",
      name: "optin[]",
      group: opts([
        { value: "weekly", label: "Weekly news" },
        { value: "offers", label: "Offers" },
      ]),
    });
    const search = field("search", { name: "q" });
    // Categories and a short description are always there (so tags and a tagline); none of the rest here.
    const later = (["year-established", "price-range", "payment-methods", "employees", "video-url", "latitude", "longitude"] as FieldType[]).map((t) => field(t, { name: t }));
    const price = field("price-range", {
      tag: "select",
      type: "select-one",
      name: "price",
      options: opts([
        { value: "1", label: "$" },
        { value: "2", label: "$$" },
      ]),
    });
    const logo = field("logo", { type: "file", name: "logo" });
    const all = [news, newsGroup, search, ...later, price, logo];
    // A profile without the issue 20 values (the shared sample has some).
    const bare = { ...SAMPLE_PROFILE, yearEstablished: null, priceRange: null, paymentMethods: [] };
    const c = { ...ctx([...all, ticked]), profile: bare };
    for (const f of all) expect(decide(f, c).kind, `${f.type} ${f.details.name}`).toBe("skip");
    expect(decideAll(all, c).every((d) => d.decision.kind === "skip")).toBe(true);
    expect(decide(ticked, c)).toEqual({ kind: "check", checked: false });
    expect(decide({ ...ticked, details: { ...ticked.details, disabled: true } }, c).kind).toBe("skip");
  });

  describe("the directory types beyond the listing (issue 20)", () => {
    const full: ListingProfile = {
      ...SAMPLE_PROFILE,
      services: ["Catering", "Wedding cakes", "bakery"],
      tagline: null,
      yearEstablished: 2012,
      priceRange: "$$",
      paymentMethods: ["cash", "visa", "paypal"],
      employees: 12,
      videoUrl: "https://www.youtube.com/watch?v=boltbakery",
      latitude: 37.7749,
      longitude: -122.4194,
    };
    const withProfile = (fields: FieldInput[], language = "en"): ValueContext => ({ ...ctx(fields), profile: full, language });

    it("writes tags from the categories and services, whole tags within maxlength, or one per tag box", () => {
      const one = field("keywords", { name: "tags" });
      expect(decide(one, withProfile([one]))).toEqual({ kind: "text", value: "Bakery, Food, Café, Catering, Wedding cakes" });
      const short = field("keywords", { name: "tags", maxLength: 25 });
      expect(decide(short, withProfile([short]))).toEqual({ kind: "text", value: "Bakery, Food, Café" });
      const boxes = [1, 2, 3, 4, 5, 6].map((i) => field("keywords", { name: `tag${i}` }));
      const decided = decideAll(boxes, withProfile(boxes)).map((d) => (d.decision.kind === "text" ? d.decision.value : d.decision.kind));
      expect(decided).toEqual(["Bakery", "Food", "Café", "Catering", "Wedding cakes", "skip"]);
    });

    it("gives the tagline, else the short description's first sentence; the year, price, head count, video and coordinates as text", () => {
      const types: FieldType[] = ["tagline", "year-established", "price-range", "employees", "video-url", "latitude", "longitude", "payment-methods"];
      const fields = types.map((t) => field(t, { name: t }));
      const c = withProfile(fields, "de");
      expect(fields.map((f) => (decide(f, c) as { value?: string }).value)).toEqual([
        "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and specialty coffee.",
        "2012",
        "$$",
        "12",
        "https://www.youtube.com/watch?v=boltbakery",
        "37.7749",
        "-122.4194",
        "Bar, Visa, PayPal",
      ]);
      expect(decide(fields[0]!, { ...c, profile: { ...full, tagline: "Fresh every morning" } })).toEqual({ kind: "text", value: "Fresh every morning" });
      // Coordinates only when the profile has them.
      expect(decide(fields[5]!, { ...c, profile: { ...full, latitude: null, longitude: null } }).kind).toBe("skip");
    });

    it("puts the logo into a logo input and photos into photo inputs (one each, or all into a multiple one); none without images", () => {
      const asset = (name: string) => ({ name, type: "image/png", bytes: new Uint8Array([1, 2, 3]) });
      const assets = { logo: asset("logo.png"), photos: [asset("a.png"), asset("b.png")] };
      const logo = field("logo", { type: "file", name: "logo" });
      const photos = [1, 2, 3].map((i) => field("photo", { type: "file", name: `photo${i}` }));
      const many = field("photo", { type: "file", name: "gallery", multiple: true });
      const names = (d: ReturnType<typeof decide>) => (d.kind === "file" ? d.files.map((f) => f.name) : d.kind);
      const c = { ...withProfile([logo, ...photos]), assets };
      expect(decideAll([logo, ...photos], c).map((d) => names(d.decision))).toEqual([["logo.png"], ["a.png"], ["b.png"], "skip"]);
      expect(names(decide(many, { ...withProfile([many]), assets }))).toEqual(["a.png", "b.png"]);
      expect(decide(logo, withProfile([logo]))).toEqual({ kind: "skip", why: "no logo in the profile" });
      // A text box named "logo" gets no image.
      expect(decide(field("logo", { name: "logo_url" }), { ...withProfile([]), assets }).kind).toBe("skip");
    });

    it("matches price levels by signs, words or place; head counts by range; payment methods by name in any language", () => {
      const select = (type: FieldType, labels: string[]) => field(type, { tag: "select", type: "select-one", name: type, options: opts(labels.map((label, i) => ({ value: String(i), label }))) });
      const chosen = (f: FieldInput, profile = full) => {
        const d = decide(f, { ...withProfile([f]), profile });
        return d.kind === "choice" ? d.option.label : d.kind === "choices" ? d.options.map((o) => o.label) : d.kind;
      };
      expect(chosen(select("price-range", ["Please choose", "€", "€€", "€€€", "€€€€"]))).toBe("€€");
      expect(chosen(select("price-range", ["Günstig", "Mittel", "Teuer", "Sehr teuer"]))).toBe("Mittel");
      expect(chosen(select("price-range", ["Inexpensive", "Moderate", "Expensive", "Very expensive"]), { ...full, priceRange: "$$$" })).toBe("Expensive");
      expect(chosen(select("price-range", ["Inexpensive", "Moderate", "Expensive", "Very expensive"]), { ...full, priceRange: "$$$$" })).toBe("Very expensive");
      expect(chosen(select("employees", ["1-10", "11-50", "51-200", "201+"]))).toBe("11-50");
      expect(chosen(select("employees", ["1 à 10", "11 à 50", "plus de 50"]), { ...full, employees: 80 })).toBe("plus de 50");
      expect(chosen(select("employees", ["1-10", "11-50"]), { ...full, employees: null })).toBe("skip");
      expect(chosen(select("year-established", ["2010", "2011", "2012", "2013"]))).toBe("2012");
      const boxes = field("payment-methods", {
        type: "checkbox",
        name: "pay[]",
        group: opts([
          { value: "bar", label: "Barzahlung" },
          { value: "ec", label: "EC-Karte" },
          { value: "kredit", label: "Kreditkarte" },
          { value: "paypal", label: "PayPal" },
          { value: "rechnung", label: "Rechnung" },
        ]),
      });
      // Visa is a card: where the form names no brand, the card box stands for it.
      expect(chosen(boxes)).toEqual(["Barzahlung", "Kreditkarte", "PayPal"]);
      expect(decideAll([boxes], withProfile([boxes]))[0]!.decision).toMatchObject({ kind: "choices" });
      expect(chosen(boxes, { ...full, paymentMethods: [] })).toBe("skip");
    });
  });

  it("never fills honeypots, hidden or unknown fields, and leaves fax empty unless required", () => {
    const hp = field("honeypot", { name: "hp" });
    const hidden = { ...field("email", { name: "e2", visible: false }), mapped: { ...field("email", {}).mapped, visible: false } };
    const fax = field("fax", { name: "fax" });
    const c = ctx([hp, hidden, fax]);
    expect(decide(hp, c).kind).toBe("skip");
    expect(decide(hidden, c).kind).toBe("skip");
    expect(decide(field("unknown", { name: "vat" }), c).kind).toBe("skip");
    expect(decide(fax, c).kind).toBe("skip");
    expect(decide(field("fax", { name: "fax", required: true }), c)).toMatchObject({ kind: "text", value: "+14155550142" });
    const consent = field("terms", {
      type: "checkbox",
      name: "consent[]",
      group: opts([
        { value: "agb", label: "AGB" },
        { value: "privacy", label: "Datenschutz" },
      ]),
    });
    expect(decideAll([consent, { ...consent, mapped: { ...consent.mapped, selector: "#c2" } }], ctx([consent])).map((x) => x.decision)).toEqual([
      { kind: "check", checked: true },
      { kind: "check", checked: true },
    ]);
  });

  it("splits the contact name, fits maxlength, and gives a generic social field a link but not 'Razão social'", () => {
    const given = field("given-name", { name: "first" });
    const family = field("family-name", { name: "last" });
    expect(decide(given, ctx([given, family]))).toMatchObject({ value: "Ada" });
    expect(decide(family, ctx([given, family]))).toMatchObject({ value: "Lovelace" });
    expect(decide(field("organization", { name: "n", maxLength: 10 }), ctx([]))).toMatchObject({ value: "Bolt" });
    const generic = field("social-other", { name: "social", label: "Social media profile" });
    expect(decide(generic, ctx([generic]))).toMatchObject({ kind: "text" });
    const razao = field("social-other", { name: "razao_social", label: "Razão social" });
    expect(decide(razao, ctx([razao])).kind).toBe("skip");
  });

  describe("a retry's value fixes override the page's hints", () => {
    const withFixes = (fields: FieldInput[], fixes: ValueFix[], profile = SAMPLE_PROFILE): ValueContext => ({ ...ctx(fields), profile, fixes });

    it("writes the phone national, as digits or international, whatever the pattern or placeholder said", () => {
      const plain = field("tel", { type: "tel", name: "phone" });
      expect(decide(plain, ctx([plain]))).toMatchObject({ kind: "text", value: "+14155550142" });
      expect(decide(plain, withFixes([plain], [{ field: "tel", want: "national" }]))).toEqual({ kind: "text", value: "(415) 555-0142", fix: "tel national" });
      expect(decide(plain, withFixes([plain], [{ field: "tel", want: "digits" }]))).toMatchObject({ value: "4155550142" });
      // The page's placeholder asks for the national form; the directory's refusal said international.
      const national = field("tel", { type: "tel", name: "phone", placeholder: "(555) 123-4567" });
      expect(decide(national, ctx([national]))).toMatchObject({ value: "(415) 555-0142" });
      expect(decide(national, withFixes([national], [{ field: "tel", want: "international" }]))).toMatchObject({ value: "+14155550142", fix: "tel international" });
      const intlPattern = field("tel", { type: "tel", name: "phone", pattern: "\\+[0-9]{8,15}" });
      expect(decide(intlPattern, withFixes([intlPattern], [{ field: "tel", want: "national" }]))).toMatchObject({ value: "(415) 555-0142" });
      // The latest fix for a field wins; fixes for other fields leave the phone alone.
      expect(
        decide(
          plain,
          withFixes(
            [plain],
            [
              { field: "tel", want: "national" },
              { field: "tel", want: "digits" },
            ],
          ),
        ),
      ).toMatchObject({ value: "4155550142" });
      expect(decide(plain, withFixes([plain], [{ field: "url", want: "with_scheme" }]))).toEqual({ kind: "text", value: "+14155550142" });
    });

    it("gives the website a scheme (keeping one it has) or only its home page", () => {
      const site = field("url", { type: "text", name: "site" });
      const bare = { ...SAMPLE_PROFILE, website: "boltbakery.example/menu" };
      expect(decide(site, withFixes([site], [], bare))).toMatchObject({ value: "boltbakery.example/menu" });
      expect(decide(site, withFixes([site], [{ field: "url", want: "with_scheme" }], bare))).toEqual({ kind: "text", value: "https://boltbakery.example/menu", fix: "url with scheme" });
      expect(decide(site, withFixes([site], [{ field: "url", want: "with_scheme" }], { ...bare, website: "http://boltbakery.example/menu" }))).toMatchObject({
        value: "http://boltbakery.example/menu",
      });
      expect(decide(site, withFixes([site], [{ field: "url", want: "without_path" }], bare))).toMatchObject({ value: "https://boltbakery.example" });
      expect(decide(site, withFixes([site], [{ field: "url", want: "without_path" }], { ...bare, website: "http://boltbakery.example/a/b?c=1" }))).toMatchObject({
        value: "http://boltbakery.example",
      });
      // Social links are not the website.
      const fb = field("social-facebook", { type: "url", name: "fb" });
      expect(decide(fb, withFixes([fb], [{ field: "url", want: "without_path" }]))).toMatchObject({ value: "https://www.facebook.com/boltbakery" });
    });

    it("fits the description to the limit a refusal named, or makes it shorter or longer than what was refused", () => {
      const about = field("description", { tag: "textarea", type: "textarea", name: "about" });
      const first = decide(about, ctx([about]));
      expect(first.kind).toBe("text");
      const sent = (first as { value: string }).value;
      expect(sent.length).toBeGreaterThan(200);

      const fitted = decide(about, withFixes([about], [{ field: "description", want: "shorter", maxLength: 120 }]));
      expect(fitted).toMatchObject({ kind: "text", fix: "description shorter (max 120)" });
      const fittedText = (fitted as { value: string }).value;
      expect(fittedText.length).toBeLessThanOrEqual(120);
      expect(descriptionProblems(fittedText, 120)).toEqual([]);

      // No limit named: the short text, shorter than what was refused.
      const shorter = (decide(about, withFixes([about], [{ field: "description", want: "shorter" }])) as { value: string }).value;
      expect(shorter.length).toBeLessThan(sent.length);
      expect(shorter).toBe(SAMPLE_PROFILE.shortDescription);

      // A short field's text refused as too short: the long text, at least as long as asked.
      const tagline = field("description", { type: "text", name: "tagline", label: "Short description" });
      expect((decide(tagline, ctx([tagline])) as { value: string }).value).toBe(SAMPLE_PROFILE.shortDescription);
      const longer = decide(tagline, withFixes([tagline], [{ field: "description", want: "longer", minLength: 200 }]));
      expect(longer).toMatchObject({ kind: "text", fix: "description longer (min 200)" });
      expect((longer as { value: string }).value.length).toBeGreaterThanOrEqual(200);
      expect(descriptionProblems((longer as { value: string }).value, undefined)).toEqual([]);
    });

    it("writes the postal code as digits only", () => {
      const zip = field("postal-code", { type: "text", name: "zip" });
      const plus4 = { ...SAMPLE_PROFILE, postalCode: "94103-1234" };
      expect(decide(zip, withFixes([zip], [], plus4))).toMatchObject({ value: "94103-1234" });
      expect(decide(zip, withFixes([zip], [{ field: "postal-code", want: "digits_only" }], plus4))).toEqual({ kind: "text", value: "941031234", fix: "postal-code digits only" });
    });
  });
});

describe("reading the page after a submit", () => {
  const state = (over: Partial<PageState>): PageState => ({
    url: "https://dir.example/thanks",
    title: "",
    readyState: "complete",
    status: 200,
    text: "",
    mainText: "",
    headings: "",
    alerts: [],
    successes: [],
    invalid: [],
    links: [],
    ...over,
  });
  const input = (over: Partial<ClassifyInput>): ClassifyInput => ({
    state: state({}),
    status: 200,
    settled: { how: "navigated", invalidFields: [] },
    fields: [],
    newForm: false,
    sameFormBack: false,
    formUrl: "https://dir.example/submit",
    timeoutMs: 15000,
    ...over,
  });

  it("recognises success, e-mail confirmation and the listing URL in every language", () => {
    const texts: [string, string][] = [
      ["en", "Thank you! Your listing has been submitted."],
      ["de", "Vielen Dank! Ihr Eintrag wurde übermittelt."],
      ["fr", "Merci ! Votre fiche a bien été enregistrée."],
      ["es", "¡Gracias! Su empresa ha sido registrada."],
      ["it", "Grazie! La sua scheda è stata inviata."],
      ["nl", "Bedankt! Uw bedrijf is aangemeld."],
      ["pt", "Obrigado! A sua empresa foi registada."],
    ];
    for (const [lang, text] of texts) expect(classify(input({ state: state({ successes: [text] }) })).kind, lang).toBe("success");
    const pending = classify(input({ state: state({ successes: ["Fast geschafft! Bitte bestätigen Sie Ihre E-Mail-Adresse über den Link, den wir Ihnen gesendet haben."] }) }));
    expect(pending).toMatchObject({ kind: "success", emailPending: true });
    const withUrl = classify(
      input({
        state: state({
          successes: ["Thanks! Your listing will be available at https://dir.example/listing/abc"],
          links: [
            { href: "https://dir.example/listing/abc", text: "https://dir.example/listing/abc", inSuccess: true, inChrome: false },
            { href: "https://dir.example/", text: "Home", inSuccess: false, inChrome: true },
          ],
        }),
      }),
    );
    expect(withUrl).toMatchObject({ kind: "success", listingUrl: "https://dir.example/listing/abc" });
  });

  it("names the refused field, and tells duplicates, rate limits, blocks and captchas apart", () => {
    const city = { mapped: { name: "city", label: "City", selector: "#city" }, details: { name: "city", label: "City *", id: "city" }, type: "address-level2" } as never;
    const invalid = classify(input({ state: state({ invalid: [{ name: "city", label: "City", message: "City is required." }], alerts: ["Please correct the errors below."] }), fields: [city] }));
    expect(invalid).toMatchObject({ kind: "failed", failureClass: "validation" });
    expect((invalid as { reason: string }).reason).toContain("City (address-level2)");
    expect(classify(input({ state: state({ alerts: ["Ya existe una ficha para esta empresa."] }) }))).toMatchObject({ failureClass: "duplicate_listing" });
    expect(classify(input({ state: state({ alerts: ["Zu viele Anfragen. Bitte versuchen Sie es in 30 Sekunden erneut."] }) }))).toMatchObject({ failureClass: "rate_limited", retryAfterSeconds: 30 });
    expect(classify(input({ status: 400, state: state({ alerts: ["Your submission could not be processed."] }) }))).toMatchObject({ failureClass: "blocked" });
    expect(classify(input({ status: 403, state: state({ alerts: ["Your session has expired (invalid security token)."] }) }))).toMatchObject({ failureClass: "transient" });
    expect(classify(input({ state: state({ alerts: ["reCAPTCHA: the verification failed, please try again."] }) }))).toMatchObject({ failureClass: "captcha" });
    expect(classify(input({ status: 404, state: state({ headings: "Page not found" }) }))).toMatchObject({ failureClass: "site_gone" });
    expect(classify(input({ status: 503 }))).toMatchObject({ failureClass: "transient" });
    expect(classify(input({ newForm: true }))).toEqual({ kind: "continue" });
    expect(classify(input({ state: state({ mainText: "Something odd happened" }) }))).toMatchObject({ failureClass: "transient" });
    expect(classify(input({ settled: { how: "invalid", invalidFields: [{ name: "city", label: "City", message: "Please fill out this field." }] }, fields: [city] }))).toMatchObject({
      failureClass: "validation",
    });
  });

  it("reads Retry-After and statuses", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(verdictForStatus(429, { "retry-after": "7" })).toMatchObject({ failureClass: "rate_limited", retryAfterSeconds: 7 });
    expect(verdictForStatus(410)).toMatchObject({ failureClass: "site_gone" });
    expect(verdictForStatus(200)).toBeUndefined();
    expect(retryAfterFromText("try again in 5 minutes")).toBe(300);
  });

  it("waits out a short 5xx on the opening GET in place, but not a long one, a 429 or a 404", async () => {
    /** A page whose GETs answer the given statuses in turn (then 200). */
    const pageAnswering = (answers: { status: number; retryAfter?: string }[]) => {
      const gets: string[] = [];
      const page = {
        url: () => "http://dir.example/submit",
        goto: async (url: string) => {
          gets.push(url);
          const a = answers.shift() ?? { status: 200 };
          return { status: () => a.status, headers: () => (a.retryAfter ? { "retry-after": a.retryAfter } : {}), url: () => url };
        },
      } as unknown as EnginePage;
      return { page, gets };
    };
    const waits: number[] = [];
    const wait = async (s: number) => {
      waits.push(s);
    };
    const flaky = pageAnswering([{ status: 503, retryAfter: "1" }, { status: 502 }]);
    expect(await navigate(flaky.page, "http://dir.example/submit", 1000, wait)).toMatchObject({ ok: true, status: 200 });
    expect(flaky.gets).toHaveLength(3);
    expect(waits).toEqual([1, 1]);
    // At most IN_PLACE_RETRIES waits, then the coordinator's retry.
    waits.length = 0;
    const down = pageAnswering([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    expect(await navigate(down.page, "http://dir.example/submit", 1000, wait)).toMatchObject({ ok: false, status: 503 });
    expect(down.gets).toHaveLength(3);
    for (const answer of [{ status: 503, retryAfter: "30" }, { status: 429, retryAfter: "1" }, { status: 404 }]) {
      waits.length = 0;
      const once = pageAnswering([answer]);
      expect(await navigate(once.page, "http://dir.example/submit", 1000, wait)).toMatchObject({ ok: false, status: answer.status });
      expect(once.gets).toHaveLength(1);
      expect(waits).toEqual([]);
    }
  });
});
