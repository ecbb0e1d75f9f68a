/**
 * The directory catalog for staff: search, activate or deactivate, change the
 * priority tier, see each directory's last check (npm run directories:check)
 * and lift the hold a failed check put on it, import a CSV file (checked row by row; problems shown in the
 * file's own words), and success rate by directory over time.
 */
import { A, Navigate } from "@solidjs/router";
import { For, Show, createSignal, onMount } from "solid-js";
import type { CatalogDirectory, CatalogPage, ImportProblem, ImportResult, SuccessRates } from "../../../core/protocol/staff";
import { ApiFailure, api } from "../api";
import { isStaff, signedIn } from "../auth";
import { ErrorNote } from "../components";
import { problemLines } from "../staff/csv-problems";
import { SuccessChart, rateText, type ChartSeries } from "../staff/SuccessChart";

const PAGE = 25;
const TIERS = [1, 2, 3, 4, 5];

function Directories() {
  const [q, setQ] = createSignal("");
  const [status, setStatus] = createSignal<"all" | "active" | "inactive" | "held">("all");
  const [offset, setOffset] = createSignal(0);
  const [page, setPage] = createSignal<CatalogPage | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [message, setMessage] = createSignal("");
  const [busy, setBusy] = createSignal<string | null>(null);

  async function load(at = offset()) {
    setError(null);
    try {
      const params = new URLSearchParams({ status: status(), limit: String(PAGE), offset: String(at) });
      if (q().trim()) params.set("q", q().trim());
      setPage(await api<CatalogPage>(`/api/staff/directories?${params}`));
      setOffset(at);
    } catch (err) {
      setError(err);
    }
  }
  onMount(() => load(0));

  async function change(d: CatalogDirectory, body: { isActive?: boolean; priorityTier?: number; checkHold?: boolean }, done: string) {
    setBusy(d.id);
    setError(null);
    setMessage("");
    try {
      const updated = await api<CatalogDirectory>(`/api/staff/directories/${d.id}`, { method: "PATCH", body });
      setPage((p) => p && { ...p, directories: p.directories.map((x) => (x.id === d.id ? updated : x)) });
      setMessage(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="catalog-heading">
      <h2 id="catalog-heading">Directories</h2>
      <form
        class="row"
        role="search"
        aria-label="Search the catalog"
        onSubmit={(e) => {
          e.preventDefault();
          void load(0);
        }}
      >
        <label for="cat-q">Search directories</label>
        <input id="cat-q" type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} placeholder="name or slug" />
        <label for="cat-status">Show</label>
        <select id="cat-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as "all")}>
          <option value="all">All</option>
          <option value="active">Active only</option>
          <option value="inactive">Inactive only</option>
          <option value="held">Held after a failed check</option>
        </select>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={error()} />
      <p role="status" class="ok" data-testid="catalog-status">
        {message()}
      </p>
      <Show when={page()}>
        {(p) => (
          <>
            <p class="muted" data-testid="catalog-count">
              {p().total === 0 ? "No directories match." : `${p().total} directories; showing ${offset() + 1} to ${offset() + p().directories.length}.`}
            </p>
            <div class="table-wrap">
              <table aria-label="Directories">
                <thead>
                  <tr>
                    <th scope="col">Directory</th>
                    <th scope="col">Tier</th>
                    <th scope="col">DA</th>
                    <th scope="col">Country</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last check</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={p().directories}>
                    {(d) => (
                      <tr data-directory={d.slug} class={d.isActive ? "" : "row-inactive"}>
                        <td>
                          <a href={d.website} target="_blank" rel="noopener noreferrer">
                            {d.name}
                          </a>{" "}
                          <code class="muted">{d.slug}</code>
                          <Show when={d.sandbox}>
                            {" "}
                            <span class="chip">sandbox</span>
                          </Show>
                        </td>
                        <td>
                          <select
                            aria-label={`Tier of ${d.name}`}
                            value={String(d.priorityTier)}
                            disabled={busy() === d.id}
                            onChange={(e) => change(d, { priorityTier: Number(e.currentTarget.value) }, `${d.name} is now tier ${e.currentTarget.value}.`)}
                          >
                            <For each={TIERS}>{(t) => <option value={String(t)}>Tier {t}</option>}</For>
                          </select>
                        </td>
                        <td>{d.daScore ?? "—"}</td>
                        <td>{d.country}</td>
                        <td data-testid="directory-state">{d.isActive ? "Active" : "Inactive"}</td>
                        <td data-testid="directory-check">
                          <Show when={d.lastCheck} fallback={<span class="muted">Never checked</span>}>
                            {(check) => (
                              <>
                                {check().status} on <time dateTime={check().at}>{check().at.slice(0, 10)}</time>
                                {d.factsVerified ? ", facts verified" : ""}
                                <Show when={check().reasons.length}>
                                  <br />
                                  <span class="muted">{check().reasons.join("; ")}</span>
                                </Show>
                              </>
                            )}
                          </Show>
                          <Show when={d.checkHold}>
                            <br />
                            <strong>Held: not selected.</strong>{" "}
                            <button
                              type="button"
                              class="secondary"
                              disabled={busy() === d.id}
                              aria-label={`Lift the hold on ${d.name}`}
                              onClick={() => change(d, { checkHold: false }, `${d.name} may be selected again.`)}
                            >
                              Lift hold
                            </button>
                          </Show>
                        </td>
                        <td>
                          <button
                            type="button"
                            class={d.isActive ? "secondary" : ""}
                            disabled={busy() === d.id}
                            aria-label={`${d.isActive ? "Deactivate" : "Activate"} ${d.name}`}
                            onClick={() => change(d, { isActive: !d.isActive }, `${d.name} ${d.isActive ? "deactivated: new jobs skip it" : "activated"}.`)}
                          >
                            {d.isActive ? "Deactivate" : "Activate"}
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <div class="toolbar">
              <button type="button" class="secondary" disabled={offset() === 0} onClick={() => load(Math.max(0, offset() - PAGE))}>
                Previous page
              </button>
              <button type="button" class="secondary" disabled={offset() + PAGE >= p().total} onClick={() => load(offset() + PAGE)}>
                Next page
              </button>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

function Import() {
  const [file, setFile] = createSignal<File | null>(null);
  const [dryRun, setDryRun] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<ImportResult | null>(null);
  const [problems, setProblems] = createSignal<string[]>([]);
  const [error, setError] = createSignal<unknown>(null);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = file();
    if (!f) return setError(new Error("Choose a CSV file first."));
    setBusy(true);
    setError(null);
    setResult(null);
    setProblems([]);
    try {
      setResult(await api<ImportResult>("/api/staff/directories/import", { method: "POST", body: { csv: await f.text(), dryRun: dryRun() } }));
    } catch (err) {
      setError(err);
      if (err instanceof ApiFailure && err.code === "import_rejected") {
        setProblems(problemLines((err.details as { problems: ImportProblem[] }).problems));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading">Import a CSV file</h2>
      <p class="hint">
        One row per directory, matched by <code>slug</code>: new slugs are added, known ones updated. Required columns: slug, name, website, priority_tier, country. If any row has a problem, nothing
        is imported.
      </p>
      <form onSubmit={submit} aria-label="Import directories" class="row">
        <label for="import-file">CSV file</label>
        <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <label class="check">
          <input type="checkbox" checked={dryRun()} onChange={(e) => setDryRun(e.currentTarget.checked)} /> Check only, import nothing
        </label>
        <button type="submit" disabled={busy()}>
          {busy() ? "Importing…" : "Import"}
        </button>
      </form>
      <ErrorNote error={error()} />
      <Show when={problems().length > 0}>
        <ul class="problems" aria-label="Problems in the file" data-testid="import-problems">
          <For each={problems()}>{(line) => <li>{line}</li>}</For>
        </ul>
      </Show>
      <Show when={result()}>
        {(r) => (
          <p class="ok" role="status" data-testid="import-result">
            {r().dryRun ? `All ${r().valid} rows are valid. Nothing was written (check only).` : `Imported ${r().valid} directories: ${r().inserted} new, ${r().updated} updated.`}
          </p>
        )}
      </Show>
    </section>
  );
}

function SuccessRatesSection() {
  const [bucket, setBucket] = createSignal<"day" | "week">("day");
  const [rates, setRates] = createSignal<SuccessRates | null>(null);
  const [selected, setSelected] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  async function load() {
    setError(null);
    try {
      setRates(await api<SuccessRates>(`/api/staff/directories/success-rates?bucket=${bucket()}`));
    } catch (err) {
      setError(err);
    }
  }
  onMount(load);
  const series = (): ChartSeries | null => {
    const r = rates();
    if (!r) return null;
    const period = r.bucket === "day" ? `last ${r.starts.length} days` : `last ${r.starts.length} weeks`;
    const one = r.directories.find((d) => d.directoryId === selected());
    if (one) return { title: `${one.name}, ${period}`, starts: r.starts, buckets: one.buckets };
    const all = new Map<string, { start: string; succeeded: number; failed: number }>();
    for (const d of r.directories) {
      for (const b of d.buckets) {
        const t = all.get(b.start) ?? { start: b.start, succeeded: 0, failed: 0 };
        t.succeeded += b.succeeded;
        t.failed += b.failed;
        all.set(b.start, t);
      }
    }
    return { title: `All directories, ${period}`, starts: r.starts, buckets: [...all.values()] };
  };
  return (
    <section aria-labelledby="rates-heading">
      <h2 id="rates-heading">Success rate by directory</h2>
      <div class="row">
        <label for="rates-bucket">Period</label>
        <select
          id="rates-bucket"
          value={bucket()}
          onChange={(e) => {
            setBucket(e.currentTarget.value as "day");
            void load();
          }}
        >
          <option value="day">Last 14 days, by day</option>
          <option value="week">Last 12 weeks, by week</option>
        </select>
        <Show when={selected()}>
          <button type="button" class="secondary" onClick={() => setSelected(null)}>
            Show all directories
          </button>
        </Show>
      </div>
      <ErrorNote error={error()} />
      <Show when={series()}>{(s) => <SuccessChart series={s()} />}</Show>
      <Show when={rates()}>
        {(r) => (
          <div class="table-wrap">
            <table aria-label="Success by directory">
              <thead>
                <tr>
                  <th scope="col">Directory</th>
                  <th scope="col">Outcomes</th>
                  <th scope="col">Succeeded</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Rate</th>
                  <th scope="col">Chart</th>
                </tr>
              </thead>
              <tbody>
                <For
                  each={r().directories}
                  fallback={
                    <tr>
                      <td colspan="6" class="muted">
                        No submission has an outcome in this period yet.
                      </td>
                    </tr>
                  }
                >
                  {(d) => (
                    <tr data-rate={d.slug}>
                      <td>{d.name}</td>
                      <td>{d.attempts}</td>
                      <td>{d.succeeded}</td>
                      <td>{d.failed}</td>
                      <td>{rateText(d.succeeded, d.attempts)}</td>
                      <td>
                        <button type="button" class="link" aria-pressed={selected() === d.directoryId} aria-label={`Chart for ${d.name}`} onClick={() => setSelected(d.directoryId)}>
                          Chart
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

export default function StaffCatalog() {
  if (!signedIn()) return <Navigate href="/sign-in?next=/staff/directories" />;
  if (!isStaff())
    return (
      <p role="alert" class="error">
        Staff only: sign in with a staff account.
      </p>
    );
  return (
    <section>
      <p>
        <A href="/staff">← Operations</A>
      </p>
      <h1>Directory catalog</h1>
      <SuccessRatesSection />
      <Directories />
      <Import />
    </section>
  );
}
