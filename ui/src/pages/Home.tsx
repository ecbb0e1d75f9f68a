import { useSearchParams } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import { BUSINESS_CATEGORIES, categoryLabel } from "../../../core/catalog/categories";
import type { Plan, PlanId } from "../../../core/plans";
import type { DirectoryPreview } from "../../../core/protocol/site";
import { api } from "../api";
import { ErrorNote } from "../components";
import { money } from "../format";

/** Countries the catalog serves most; the preview accepts any ISO code. */
const COUNTRIES = ["US", "CA", "GB", "IE", "AU", "NZ", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "IT", "PT", "IN", "ZA", "SG", "BR", "MX"];
const regionName = new Intl.DisplayNames(["en"], { type: "region" });
const CATEGORIES = [...BUSINESS_CATEGORIES].sort((a, b) => a.label.localeCompare(b.label));

/** "a bakery", "an accountant": the buyer's business in the sentence under each plan. */
function aBusiness(slug: string): string {
  const label = categoryLabel(slug).toLowerCase();
  return `${/^[aeiou]/.test(label) ? "an" : "a"} ${label}`;
}

export default function Home() {
  const [params] = useSearchParams<{ plan?: string; checkout?: string }>();
  const [plans] = createResource(() => api<{ plans: Plan[] }>("/api/plans", { auth: false }).then((r) => r.plans));
  const [plan, setPlan] = createSignal<PlanId>((params.plan as PlanId) ?? "starter");
  const [email, setEmail] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [fields, setFields] = createSignal<Record<string, string>>({});
  const [country, setCountry] = createSignal("");
  const [region, setRegion] = createSignal("");
  const [category, setCategory] = createSignal("");
  const where = () => (region().trim() ? region().trim() : (regionName.of(country()) ?? country()));
  // The pricing question first: how many directories fit this business, per plan.
  const [preview] = createResource(
    () => (country() && category() ? { country: country(), category: category(), region: region().trim() } : null),
    (q) => {
      const params = new URLSearchParams({ country: q.country, category: q.category });
      if (q.region) params.set("region", q.region);
      return api<DirectoryPreview>(`/api/directories/preview?${params}`, { auth: false });
    },
  );
  const availableFor = (id: PlanId) => preview()?.plans.find((p) => p.plan === id);
  // A plan this business's catalog cannot fill is sold only with the buyer's acceptance (the API answers 409 without it).
  const [acceptShortfall, setAcceptShortfall] = createSignal(false);
  const short = () => {
    const a = availableFor(plan());
    return a && a.available < a.directories ? a : null;
  };
  const planOf = (id: PlanId) => plans()?.find((p) => p.id === id);

  async function checkout(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const business = country() && category() ? { country: country(), category: category(), ...(region().trim() ? { region: region().trim() } : {}) } : {};
      const body = { plan: plan(), email: email(), ...business, ...(short() && acceptShortfall() ? { acceptShortfall: true } : {}) };
      const { url } = await api<{ url: string; sessionId: string }>("/api/checkout", { method: "POST", body, auth: false });
      location.assign(url);
    } catch (err) {
      setError(err);
      setFields((err as { fields?: Record<string, string> }).fields ?? {});
      setBusy(false);
    }
  }

  return (
    <>
      <header>
        <h1>Your business in 50 to 500 directories, live</h1>
        <p class="lead">We list your business in online directories with real browsers, and you watch every submission happen live, with a screenshot as proof. Pay once.</p>
      </header>
      <Show when={params.checkout === "cancelled"}>
        <p class="note" role="status">
          Checkout cancelled; nothing was charged. Pick a plan to try again.
        </p>
      </Show>
      <ErrorNote error={plans.error} />
      <section aria-labelledby="fit-heading" class="fit">
        <h2 id="fit-heading">Your business</h2>
        <p class="muted">Tell us where you are and what you do: each plan shows how many directories fit your business.</p>
        <div class="row">
          <div class="field">
            <label for="fit-country">Country</label>
            <select id="fit-country" value={country()} onChange={(e) => setCountry(e.currentTarget.value)}>
              <option value="">Choose…</option>
              <For each={COUNTRIES}>{(cc) => <option value={cc}>{regionName.of(cc) ?? cc}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for="fit-region">State or province (optional)</label>
            <input id="fit-region" value={region()} onChange={(e) => setRegion(e.currentTarget.value)} placeholder="e.g. Ohio" />
          </div>
          <div class="field">
            <label for="fit-category">Kind of business</label>
            <select id="fit-category" value={category()} onChange={(e) => setCategory(e.currentTarget.value)}>
              <option value="">Choose…</option>
              <For each={CATEGORIES}>{(c) => <option value={c.slug}>{c.label}</option>}</For>
            </select>
          </div>
        </div>
        <ErrorNote error={preview.error} />
      </section>
      <form onSubmit={checkout} aria-label="Choose a plan and check out">
        <fieldset class="plans">
          <legend>Plans</legend>
          <For each={plans() ?? []}>
            {(p) => (
              <label class={`plan ${plan() === p.id ? "selected" : ""}`}>
                <input type="radio" name="plan" value={p.id} checked={plan() === p.id} onChange={() => setPlan(p.id)} />
                <span class="plan-name">{p.name}</span>
                <span class="price">{money(p.priceCents)}</span>
                <span>{p.directories} directories, one-time</span>
                <span class="muted">{p.captchaSolving ? "Captcha solving included" : "Captcha-free directories"}</span>
                <Show when={availableFor(p.id)}>
                  {(a) => (
                    <span data-testid={`available-${p.id}`} class={a().available < a().directories ? "short" : "ok"}>
                      {a().available} directories available for {aBusiness(category())} in {where()}
                    </span>
                  )}
                </Show>
              </label>
            )}
          </For>
        </fieldset>
        <Show when={preview()}>
          {(pv) => (
            <div class="plan-lists">
              <For each={pv().plans}>
                {(a) => (
                  <details data-testid={`list-${a.plan}`}>
                    <summary>
                      See the {a.available} directories of {plans()?.find((p) => p.id === a.plan)?.name ?? a.plan}
                    </summary>
                    <ul>
                      <For each={a.list}>
                        {(d) => (
                          <li>
                            <a href={d.website} target="_blank" rel="noopener noreferrer">
                              {d.name}
                            </a>{" "}
                            <span class="muted">
                              {d.scope}, {d.country === "INT" ? "international" : d.country}, {d.submittedBy === "staff" ? "submitted by our staff" : "submitted by browser"}
                              {d.categories.includes("*") ? "" : `, for ${d.categories.map(categoryLabel).join(", ").toLowerCase()}`}
                            </span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </details>
                )}
              </For>
            </div>
          )}
        </Show>
        <div class="field">
          <label for="checkout-email">Your email</label>
          <input
            id="checkout-email"
            type="email"
            required
            autocomplete="email"
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-invalid={!!fields().email}
            aria-describedby="checkout-email-error"
          />
          <span id="checkout-email-error" class="field-error">
            {fields().email}
          </span>
        </div>
        <Show when={short()}>
          {(a) => {
            const missing = () => a().directories - a().available;
            const price = () => planOf(a().plan)?.priceCents ?? 0;
            return (
              <div class="note" data-testid="shortfall">
                <p>
                  {planOf(a().plan)?.name ?? a().plan} promises {a().directories} directories, and {a().available} fit {aBusiness(category())} in {where()} now. Choose a smaller plan, or:
                </p>
                <label>
                  <input type="checkbox" checked={acceptShortfall()} onChange={(e) => setAcceptShortfall(e.currentTarget.checked)} /> I accept that the {missing()} missing are refunded pro rata (
                  {money(Math.floor((price() * missing()) / a().directories))}) when the job ends
                </label>
              </div>
            );
          }}
        </Show>
        <ErrorNote error={Object.keys(fields()).length ? null : error()} />
        <button type="submit" disabled={busy() || !plans()}>
          {busy() ? "Opening checkout…" : "Continue to payment"}
        </button>
      </form>
    </>
  );
}
