/**
 * The business profile: every field of src/profile/schema.ts, the API's own
 * validation (each bad field shown under it), and a draft kept in
 * localStorage on every keystroke, so nothing typed is ever lost (not by an
 * error, a reload or an expired sign-in).
 */
import { A, Navigate } from "@solidjs/router";
import { For, Index, Show, createEffect, createSignal, onMount, type JSX } from "solid-js";
import { createStore, produce, unwrap } from "solid-js/store";
import { DAYS, PAYMENT_METHODS, PRICE_RANGES, PROFILE_LIMITS, SOCIAL_NETWORK_NAMES, type Day } from "../profile-fields";
import { api } from "../api";
import { claims, lastJob, signedIn } from "../auth";
import { ErrorNote } from "../components";

type Mode = "unset" | "closed" | "open";
interface Form {
  businessName: string;
  contactName: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  phone: string;
  website: string;
  email: string;
  shortDescription: string;
  longDescription: string;
  categories: string[];
  hours: Record<Day, { mode: Mode; periods: [string, string][] }>;
  socialLinks: Record<string, string>;
  serviceArea: boolean;
  // What directory forms carry beyond the listing (issue 20); numbers are typed as text and sent as numbers.
  services: string;
  tagline: string;
  yearEstablished: string;
  priceRange: string;
  paymentMethods: string[];
  employees: string;
  videoUrl: string;
  latitude: string;
  longitude: string;
}
type TextField = Exclude<keyof Form, "categories" | "hours" | "socialLinks" | "serviceArea" | "paymentMethods">;

const PAYMENT_NAMES: Record<(typeof PAYMENT_METHODS)[number], string> = {
  cash: "Cash",
  card: "Credit card",
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  debit: "Debit card",
  paypal: "PayPal",
  "bank-transfer": "Bank transfer",
  invoice: "Invoice",
  "apple-pay": "Apple Pay",
  "google-pay": "Google Pay",
  cheque: "Cheque",
};

interface Answer {
  profile: (Record<string, unknown> & { categories: string[]; hours: Record<string, [string, string][]>; socialLinks: Record<string, string>; serviceArea: boolean }) | null;
  complete: boolean;
  missing: string[];
  jobsReady?: string[];
}

const DAY_NAMES: Record<Day, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };
const NETWORKS: readonly string[] = SOCIAL_NETWORK_NAMES;

function empty(email = ""): Form {
  return {
    businessName: "",
    contactName: "",
    street: "",
    city: "",
    region: "",
    postalCode: "",
    country: "US",
    phone: "",
    website: "",
    email,
    shortDescription: "",
    longDescription: "",
    categories: [""],
    hours: Object.fromEntries(DAYS.map((d) => [d, { mode: "unset", periods: [["09:00", "17:00"]] }])) as Form["hours"],
    socialLinks: Object.fromEntries(NETWORKS.map((n) => [n, ""])),
    serviceArea: false,
    services: "",
    tagline: "",
    yearEstablished: "",
    priceRange: "",
    paymentMethods: [],
    employees: "",
    videoUrl: "",
    latitude: "",
    longitude: "",
  };
}

function fromProfile(p: NonNullable<Answer["profile"]>): Form {
  const f = empty();
  for (const key of ["businessName", "contactName", "street", "city", "region", "postalCode", "country", "phone", "website", "email", "shortDescription", "longDescription"] as const) {
    f[key] = (p[key] as string | null) ?? "";
  }
  f.categories = p.categories.length ? [...p.categories] : [""];
  for (const d of DAYS) {
    const periods = p.hours[d];
    if (periods) f.hours[d] = periods.length ? { mode: "open", periods: periods.map(([a, b]) => [a, b]) } : { mode: "closed", periods: [["09:00", "17:00"]] };
  }
  for (const [n, url] of Object.entries(p.socialLinks)) f.socialLinks[n] = url;
  f.serviceArea = p.serviceArea;
  f.services = ((p.services as string[] | undefined) ?? []).join(", ");
  for (const key of ["tagline", "yearEstablished", "priceRange", "employees", "videoUrl", "latitude", "longitude"] as const) f[key] = p[key] == null ? "" : String(p[key]);
  f.paymentMethods = [...((p.paymentMethods as string[] | undefined) ?? [])];
  return f;
}

function toPayload(f: Form) {
  const opt = (s: string) => (s.trim() === "" ? null : s);
  return {
    businessName: f.businessName,
    contactName: opt(f.contactName),
    street: f.street,
    city: f.city,
    region: opt(f.region),
    postalCode: opt(f.postalCode),
    country: f.country,
    phone: f.phone,
    website: opt(f.website),
    email: f.email,
    shortDescription: f.shortDescription,
    longDescription: opt(f.longDescription),
    categories: f.categories.filter((c) => c.trim() !== ""),
    hours: Object.fromEntries(DAYS.filter((d) => f.hours[d].mode !== "unset").map((d) => [d, f.hours[d].mode === "closed" ? [] : f.hours[d].periods])),
    socialLinks: Object.fromEntries(Object.entries(f.socialLinks).filter(([, v]) => v.trim() !== "")),
    serviceArea: f.serviceArea,
    services: f.services
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    tagline: opt(f.tagline),
    // A number the API cannot read is sent as typed, so its message comes back under the field.
    yearEstablished: num(f.yearEstablished),
    priceRange: opt(f.priceRange),
    paymentMethods: f.paymentMethods,
    employees: num(f.employees),
    videoUrl: opt(f.videoUrl),
    latitude: num(f.latitude),
    longitude: num(f.longitude),
  };
}

function num(s: string): number | string | null {
  const t = s.trim().replace(",", ".");
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : s;
}

export default function Profile() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/business" />;
  const draftKey = `directorybolt.profileDraft.${claims()!.sub}`;
  const [form, setForm] = createStore<Form>(empty(claims()!.email ?? ""));
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<unknown>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [restored, setRestored] = createSignal(false);
  const [saved, setSaved] = createSignal<Answer | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [images, setImages] = createSignal<{ logoKey: string | null; photoKeys: string[] }>({ logoKey: null, photoKeys: [] });
  const [imageError, setImageError] = createSignal<unknown>(null);
  const [imageBusy, setImageBusy] = createSignal(false);

  /** One image call: the answer is the profile's images now; a refusal is shown under the images. */
  async function imageCall(path: string, method: string, file?: File) {
    setImageBusy(true);
    setImageError(null);
    try {
      setImages(await api<{ logoKey: string | null; photoKeys: string[] }>(path, { method, ...(file ? { body: file } : {}) }));
    } catch (caught) {
      setImageError(caught);
    } finally {
      setImageBusy(false);
    }
  }
  const imagesOf = (a: Answer | null) => {
    const p = a?.profile as { logoKey?: string | null; photoKeys?: string[] } | null | undefined;
    if (p) setImages({ logoKey: p.logoKey ?? null, photoKeys: p.photoKeys ?? [] });
  };

  onMount(async () => {
    const draft = localStorage.getItem(draftKey);
    try {
      const answer = await api<Answer>("/api/business");
      if (!draft && answer.profile) setForm(fromProfile(answer.profile));
      if (answer.profile) setSaved(answer);
      imagesOf(answer);
    } catch (err) {
      setError(err);
    }
    if (draft) {
      try {
        // A draft saved before a field existed gets the field empty.
        setForm({ ...empty(claims()!.email ?? ""), ...(JSON.parse(draft) as Partial<Form>) });
        setRestored(true);
      } catch {
        localStorage.removeItem(draftKey);
      }
    }
    setLoaded(true);
  });

  // Every change lands in the draft (after the first load, so it never clobbers it).
  createEffect(() => {
    const json = JSON.stringify(form);
    if (loaded()) localStorage.setItem(draftKey, json);
  });

  const err = (key: string) => errors()[key];
  const errsUnder = (prefix: string) =>
    Object.entries(errors())
      .filter(([k]) => k === prefix || k.startsWith(`${prefix}.`))
      .map(([, v]) => v);

  async function save(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Answer>("/api/business", { method: "PUT", body: toPayload(unwrap(form)) });
      setErrors({});
      setSaved(answer);
      imagesOf(answer);
      localStorage.removeItem(draftKey);
      setRestored(false);
      if (answer.profile) setForm(fromProfile(answer.profile));
      localStorage.removeItem(draftKey);
      if (answer.jobsReady?.[0]) lastJob.set(answer.jobsReady[0]);
    } catch (caught) {
      const fields = (caught as { fields?: Record<string, string> }).fields ?? {};
      setErrors(fields);
      setError(caught);
      const first = Object.keys(fields)[0];
      if (first) document.getElementById(`f-${first.split(".")[0]}`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const text = (key: TextField, labelText: string, opts: { required?: boolean; type?: string; max?: number; hint?: string; multiline?: boolean; auto?: string } = {}): JSX.Element => (
    <div class="field">
      <label for={`f-${key}`}>
        {labelText}
        {opts.required ? " *" : ""}
      </label>
      {opts.multiline ? (
        <textarea id={`f-${key}`} rows={6} maxLength={opts.max} value={form[key]} onInput={(e) => setForm(key, e.currentTarget.value)} aria-invalid={!!err(key)} aria-describedby={`e-${key}`} />
      ) : (
        <input
          id={`f-${key}`}
          type={opts.type ?? "text"}
          required={opts.required}
          maxLength={opts.max}
          autocomplete={opts.auto}
          value={form[key]}
          onInput={(e) => setForm(key, e.currentTarget.value)}
          aria-invalid={!!err(key)}
          aria-describedby={`e-${key}`}
        />
      )}
      <span id={`e-${key}`} class={err(key) ? "field-error" : "hint"}>
        {err(key) ?? opts.hint ?? (opts.max ? `${form[key].length}/${opts.max}` : "")}
      </span>
    </div>
  );

  return (
    <section>
      <h1>Your business profile</h1>
      <p class="muted">Every directory receives exactly this. Fields marked * are required before submissions can start.</p>
      <Show when={restored()}>
        <p class="note" role="status">
          Your unsaved changes were restored.
        </p>
      </Show>
      <Show when={saved()}>
        {(a) => (
          <p class={a().complete ? "ok" : "note"} role="status" data-testid="profile-status">
            {a().complete ? "Profile saved and complete." : `Saved. Still missing: ${a().missing.join(", ")}.`}{" "}
            <Show when={lastJob.get()}>{(id) => <A href={`/portal/jobs/${id()}`}>Watch your submissions live →</A>}</Show>
          </p>
        )}
      </Show>
      <form onSubmit={save} aria-label="Business profile" novalidate>
        <fieldset>
          <legend>Business</legend>
          {text("businessName", "Business name", { required: true, max: PROFILE_LIMITS.businessName.max, auto: "organization" })}
          {text("contactName", "Contact person", { max: PROFILE_LIMITS.contactName.max, auto: "name" })}
          {text("shortDescription", "Short description (10-160 characters)", { required: true, max: PROFILE_LIMITS.shortDescription.max })}
          {text("longDescription", "Long description", { max: PROFILE_LIMITS.longDescription.max, multiline: true })}
          <div class="field">
            <span class="label" id="cat-label">
              Categories * (1-{PROFILE_LIMITS.categories.max})
            </span>
            <Index each={form.categories}>
              {(cat, i) => (
                <div class="row">
                  <input
                    id={i === 0 ? "f-categories" : undefined}
                    aria-label={`Category ${i + 1}`}
                    maxLength={PROFILE_LIMITS.category.max}
                    value={cat()}
                    onInput={(e) => setForm("categories", i, e.currentTarget.value)}
                    aria-invalid={!!err(`categories.${i}`)}
                  />
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Remove category ${i + 1}`}
                    disabled={form.categories.length === 1}
                    onClick={() => setForm("categories", (c) => c.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                  <span class="field-error">{err(`categories.${i}`)}</span>
                </div>
              )}
            </Index>
            <button type="button" class="secondary" disabled={form.categories.length >= PROFILE_LIMITS.categories.max} onClick={() => setForm("categories", (c) => [...c, ""])}>
              Add category
            </button>
            <span class="field-error">{err("categories")}</span>
          </div>
        </fieldset>
        <fieldset>
          <legend>Address and contact</legend>
          {text("street", "Street and number", { required: true, max: PROFILE_LIMITS.street.max, auto: "street-address" })}
          {text("city", "City", { required: true, max: PROFILE_LIMITS.city.max, auto: "address-level2" })}
          {text("region", "State / region", { max: PROFILE_LIMITS.region.max, auto: "address-level1", hint: "Required in US, CA, AU, BR, MX, IN" })}
          {text("postalCode", "Postal code", { auto: "postal-code" })}
          {text("country", "Country (two letters, e.g. US, GB, DE)", { required: true, max: 2, auto: "country" })}
          {text("phone", "Phone", { required: true, type: "tel", auto: "tel" })}
          {text("email", "Email", { required: true, type: "email", max: PROFILE_LIMITS.email, auto: "email" })}
          {text("website", "Website", { max: PROFILE_LIMITS.url, auto: "url" })}
          <label class="check">
            <input id="f-serviceArea" type="checkbox" checked={form.serviceArea} onChange={(e) => setForm("serviceArea", e.currentTarget.checked)} /> Service-area business (we visit customers; hide
            the street address on listings)
          </label>
        </fieldset>
        <fieldset>
          <legend>Details directories ask for (optional)</legend>
          {text("services", "Services (comma-separated)", { hint: "With your categories, these become the keywords (tags) directories ask for" })}
          {/* a bad service is named by its place (services.N); the list's own error shows under the box */}
          <For each={Object.entries(errors()).flatMap(([k, v]) => (k.startsWith("services.") ? [v] : []))}>{(m) => <span class="field-error">{m}</span>}</For>
          {text("tagline", "Tagline", { max: PROFILE_LIMITS.tagline.max, hint: "When empty, directories get your short description's first sentence" })}
          {text("yearEstablished", "Year established", { type: "text", max: 4 })}
          <div class="field">
            <label for="f-priceRange">Price range</label>
            <select id="f-priceRange" value={form.priceRange} onChange={(e) => setForm("priceRange", e.currentTarget.value)} aria-invalid={!!err("priceRange")} aria-describedby="e-priceRange">
              <option value="">Not stated</option>
              <For each={[...PRICE_RANGES]}>{(r) => <option value={r}>{r}</option>}</For>
            </select>
            <span id="e-priceRange" class="field-error">
              {err("priceRange")}
            </span>
          </div>
          <fieldset id="f-paymentMethods" tabindex="-1">
            <legend>Payment methods</legend>
            <For each={[...PAYMENT_METHODS]}>
              {(m) => (
                <label class="check">
                  <input
                    type="checkbox"
                    value={m}
                    checked={form.paymentMethods.includes(m)}
                    onChange={(e) => setForm("paymentMethods", (list) => (e.currentTarget.checked ? [...list.filter((x) => x !== m), m] : list.filter((x) => x !== m)))}
                  />{" "}
                  {PAYMENT_NAMES[m]}
                </label>
              )}
            </For>
            <For each={errsUnder("paymentMethods")}>{(m) => <span class="field-error">{m}</span>}</For>
          </fieldset>
          {text("employees", "Number of employees")}
          {text("videoUrl", "Video (link)", { type: "url", max: PROFILE_LIMITS.url })}
          {text("latitude", "Latitude", { hint: "Decimal degrees, e.g. 37.7749; give both or neither" })}
          {text("longitude", "Longitude", { hint: "Decimal degrees, e.g. -122.4194" })}
        </fieldset>
        <fieldset id="f-hours" tabindex="-1">
          <legend>Opening hours</legend>
          <For each={[...DAYS]}>
            {(day) => (
              <div class="day" role="group" aria-label={DAY_NAMES[day]}>
                <label>
                  <span class="day-name">{DAY_NAMES[day]}</span>
                  <select value={form.hours[day].mode} onChange={(e) => setForm("hours", day, "mode", e.currentTarget.value as Mode)}>
                    <option value="unset">Not stated</option>
                    <option value="closed">Closed</option>
                    <option value="open">Open</option>
                  </select>
                </label>
                <Show when={form.hours[day].mode === "open"}>
                  <Index each={form.hours[day].periods}>
                    {(period, i) => (
                      <span class="period">
                        <input type="time" aria-label={`${DAY_NAMES[day]} period ${i + 1} opens`} value={period()[0]} onInput={(e) => setForm("hours", day, "periods", i, 0, e.currentTarget.value)} />
                        –
                        <input type="time" aria-label={`${DAY_NAMES[day]} period ${i + 1} closes`} value={period()[1]} onInput={(e) => setForm("hours", day, "periods", i, 1, e.currentTarget.value)} />
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Remove ${DAY_NAMES[day]} period ${i + 1}`}
                          disabled={form.hours[day].periods.length === 1}
                          onClick={() => setForm("hours", day, "periods", (p) => p.filter((_, j) => j !== i))}
                        >
                          ×
                        </button>
                      </span>
                    )}
                  </Index>
                  <button
                    type="button"
                    class="secondary"
                    disabled={form.hours[day].periods.length >= PROFILE_LIMITS.periodsPerDay}
                    onClick={() => setForm("hours", day, "periods", (p): [string, string][] => [...p, ["14:00", "18:00"]])}
                  >
                    Add period
                  </button>
                </Show>
                <For each={errsUnder(`hours.${day}`)}>{(m) => <span class="field-error">{m}</span>}</For>
              </div>
            )}
          </For>
          <span class="field-error">{err("hours")}</span>
        </fieldset>
        <fieldset>
          <legend>Social profiles</legend>
          <For each={NETWORKS}>
            {(n) => (
              <div class="field">
                <label for={`f-social-${n}`}>{n === "x" ? "X (Twitter)" : n[0]!.toUpperCase() + n.slice(1)}</label>
                <input
                  id={`f-social-${n}`}
                  type="url"
                  value={form.socialLinks[n] ?? ""}
                  onInput={(e) =>
                    setForm(
                      "socialLinks",
                      produce((s) => {
                        s[n] = e.currentTarget.value;
                      }),
                    )
                  }
                  aria-invalid={!!err(`socialLinks.${n}`)}
                />
                <span class="field-error">{err(`socialLinks.${n}`)}</span>
              </div>
            )}
          </For>
        </fieldset>
        <ErrorNote error={error()} />
        <button type="submit" disabled={busy()}>
          {busy() ? "Saving…" : "Save profile"}
        </button>
      </form>
      <section aria-labelledby="images-heading" data-testid="images">
        <h2 id="images-heading">Logo and photos</h2>
        <Show when={saved()} fallback={<p class="muted">Save the profile first; then add a logo and photos here.</p>}>
          <p class="muted">PNG, JPEG or WebP, at most 2 MiB, 16 to 8000 pixels a side. Directories with an upload field receive them.</p>
          <div class="field">
            <label for="f-logo">Logo</label>
            <input
              id="f-logo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              disabled={imageBusy()}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = "";
                if (file) void imageCall("/api/business/logo", "PUT", file);
              }}
            />
            <span class="hint" data-testid="logo-status">
              {images().logoKey ? "A logo is uploaded." : "No logo yet."}
            </span>
            <Show when={images().logoKey}>
              <button type="button" class="secondary" disabled={imageBusy()} onClick={() => void imageCall("/api/business/logo", "DELETE")}>
                Remove logo
              </button>
            </Show>
          </div>
          <div class="field">
            <label for="f-photo">Add a photo (up to 10)</label>
            <input
              id="f-photo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              disabled={imageBusy() || images().photoKeys.length >= 10}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = "";
                if (file) void imageCall("/api/business/photos", "POST", file);
              }}
            />
            <span class="hint" data-testid="photo-status">{`${images().photoKeys.length} photo${images().photoKeys.length === 1 ? "" : "s"}`}</span>
            <Index each={images().photoKeys}>
              {(_key, i) => (
                <button type="button" class="secondary" disabled={imageBusy()} onClick={() => void imageCall(`/api/business/photos/${i}`, "DELETE")}>
                  Remove photo {i + 1}
                </button>
              )}
            </Index>
          </div>
          <ErrorNote error={imageError()} />
        </Show>
      </section>
    </section>
  );
}
