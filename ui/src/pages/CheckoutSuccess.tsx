import { A, useSearchParams } from "@solidjs/router";
import { Show, createSignal, onCleanup } from "solid-js";
import { api } from "../api";
import { lastJob, signedIn } from "../auth";
import { ErrorNote } from "../components";

interface Status {
  status: "pending" | "fulfilled";
  jobId: string | null;
  plan: string;
  directories: number;
}

export default function CheckoutSuccess() {
  const [params] = useSearchParams<{ session_id?: string }>();
  const [status, setStatus] = createSignal<Status | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tries = 0;
  async function poll() {
    if (!params.session_id) return setError(new Error("This page needs a checkout session (session_id) in its address."));
    try {
      const s = await api<Status>(`/api/checkout/${encodeURIComponent(params.session_id)}`, { auth: false });
      setStatus(s);
      setError(null);
      if (s.status === "fulfilled" && s.jobId) return lastJob.set(s.jobId);
    } catch (err) {
      setError(err);
      if ((err as { status?: number }).status === 404) return;
    }
    tries++;
    timer = setTimeout(poll, Math.min(5000, 500 + tries * 250));
  }
  void poll();
  onCleanup(() => clearTimeout(timer));

  return (
    <section aria-live="polite">
      <h1>Thank you!</h1>
      <ErrorNote error={error()} />
      <Show when={status()?.status === "fulfilled"} fallback={<p role="status">Confirming your payment…</p>}>
        <p role="status" data-testid="order-ready">
          Payment confirmed: your {status()!.plan} order for {status()!.directories} directories is ready.
        </p>
        <ol>
          <li>
            <Show when={signedIn()} fallback={<A href="/sign-in?next=/business">Sign in</A>}>
              Signed in ✓
            </Show>{" "}
            with the email you paid with.
          </li>
          <li>
            <A href="/business">Fill in your business profile</A> — submissions start when it is complete.
          </li>
          <li>
            <A href={`/portal/jobs/${status()!.jobId}`}>Watch your submissions live</A>
          </li>
        </ol>
      </Show>
    </section>
  );
}
