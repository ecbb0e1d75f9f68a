import { useSearchParams } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import type { Plan, PlanId } from "../../../core/plans";
import { api } from "../api";
import { ErrorNote } from "../components";
import { money } from "../format";

export default function Home() {
  const [params] = useSearchParams<{ plan?: string; checkout?: string }>();
  const [plans] = createResource(() => api<{ plans: Plan[] }>("/api/plans", { auth: false }).then((r) => r.plans));
  const [plan, setPlan] = createSignal<PlanId>((params.plan as PlanId) ?? "starter");
  const [email, setEmail] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [fields, setFields] = createSignal<Record<string, string>>({});

  async function checkout(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const { url } = await api<{ url: string; sessionId: string }>("/api/checkout", { method: "POST", body: { plan: plan(), email: email() }, auth: false });
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
              </label>
            )}
          </For>
        </fieldset>
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
        <ErrorNote error={Object.keys(fields()).length ? null : error()} />
        <button type="submit" disabled={busy() || !plans()}>
          {busy() ? "Opening checkout…" : "Continue to payment"}
        </button>
      </form>
    </>
  );
}
