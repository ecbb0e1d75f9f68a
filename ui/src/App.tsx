/**
 * The public landing page. The plans come from the one plan table the API
 * uses too (src/shared/plans.ts), so prices never disagree.
 */
import { For, createResource } from "solid-js";
import { PLANS, PLAN_IDS } from "../../src/shared/plans";

const money = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(cents / 100);

async function fetchHealth(): Promise<string> {
  const res = await fetch("/healthz");
  return res.ok ? "All systems running" : "Degraded: the database is unreachable";
}

export function App() {
  const [health] = createResource(fetchHealth);
  return (
    <main>
      <header>
        <h1>DirectoryBolt</h1>
        <p class="lead">
          We list your business in 50 to 500 online directories in hours, not weeks, with real browsers, and you
          watch every submission happen live, with a screenshot as proof.
        </p>
      </header>
      <section class="plans" aria-label="Plans">
        <For each={PLAN_IDS.map((id) => PLANS[id])}>
          {(plan) => (
            <article class="plan">
              <h2>{plan.name}</h2>
              <p class="price">{money(plan.priceCents)}</p>
              <p>{plan.directories} directories, one-time</p>
            </article>
          )}
        </For>
      </section>
      <footer>
        <span class="status">{health.loading ? "Checking status…" : health.error ? "Status unknown" : health()}</span>
      </footer>
    </main>
  );
}
