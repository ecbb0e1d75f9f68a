/**
 * The live job store: a snapshot replaces everything (reconcile, keyed by
 * submissionId), deltas patch single rows in place, so a 500-row list keeps
 * its DOM nodes and only changed cells re-render. The socket: a ticket first,
 * then the WebSocket with the ticket offered as a subprotocol (never in the
 * URL; a ticket opens one socket), pings every 25 s, and reconnection with exponential
 * backoff (a fresh ticket and a fresh snapshot each time).
 */
import { createSignal, onCleanup } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import type { ActivityLine, JobProgress, OpsOverview, ServerMessage, SubmissionView } from "../../core/protocol/live";
import { socketProtocols } from "../../core/protocol/socket-ticket";
import { ApiFailure, api, errorText, socketUrl } from "./api";

export interface JobState {
  job: JobProgress | null;
  rows: Record<string, SubmissionView>;
  order: string[];
  activity: ActivityLine[];
}

const ACTIVITY_KEEP = 100;

export function createJobStore() {
  const [state, setState] = createStore<JobState>({ job: null, rows: {}, order: [], activity: [] });
  function apply(msg: ServerMessage): void {
    switch (msg.type) {
      case "snapshot": {
        const rows: Record<string, SubmissionView> = {};
        for (const s of msg.submissions) rows[s.submissionId] = s;
        setState("job", reconcile(msg.job));
        setState("rows", reconcile(rows, { key: "submissionId", merge: true }));
        setState("order", reconcile(msg.submissions.map((s) => s.submissionId)));
        setState("activity", reconcile(msg.activity.slice(-ACTIVITY_KEEP)));
        break;
      }
      case "job":
        setState("job", reconcile(msg.job));
        break;
      case "submission":
        setState(
          produce((s) => {
            for (const sub of msg.submissions) {
              const row = s.rows[sub.submissionId];
              if (row) Object.assign(row, sub);
              else {
                s.rows[sub.submissionId] = sub;
                s.order.push(sub.submissionId);
              }
            }
          }),
        );
        break;
      case "activity":
        setState("activity", (a) => [...a, ...msg.lines].slice(-ACTIVITY_KEEP));
        break;
    }
  }
  return { state, apply };
}

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Keeps a socket open for the component's lifetime. `ticketPath` is POSTed
 * for `{url, ticket}` before each connection; a 4xx from it is final (shown as `error`), anything else retries.
 */
export function useLiveSocket(ticketPath: () => string, onMessage: (msg: ServerMessage) => void) {
  const [status, setStatus] = createSignal<LiveStatus>("connecting");
  const [error, setError] = createSignal<ApiFailure | null>(null);
  const [retryIn, setRetryIn] = createSignal(0);
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ping: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  function schedule(): void {
    if (stopped) return;
    setStatus("reconnecting");
    const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    setRetryIn(Math.round(delay / 1000));
    timer = setTimeout(connect, delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    let opening: { url: string; ticket: string };
    try {
      opening = await api<{ url: string; ticket: string }>(ticketPath(), { method: "POST" });
    } catch (err) {
      if (err instanceof ApiFailure && err.status >= 400 && err.status < 500) {
        setError(err);
        setStatus("closed");
        return;
      }
      console.warn(errorText(err));
      schedule();
      return;
    }
    if (stopped) return;
    const ws = new WebSocket(socketUrl(opening.url), socketProtocols(opening.ticket));
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setStatus("live");
      clearInterval(ping);
      ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "ping" })), 25_000);
    };
    ws.onmessage = (event) => {
      try {
        const msg = JSON.parse(String(event.data)) as ServerMessage | { type: "pong" };
        if (msg.type !== "pong") onMessage(msg as ServerMessage);
      } catch {
        /* ignore a frame we cannot read */
      }
    };
    ws.onclose = () => {
      clearInterval(ping);
      if (socket === ws) {
        socket = null;
        schedule();
      }
    };
  }

  void connect();
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(ping);
    socket?.close();
  });
  return { status, error, retryIn };
}

export function createOpsStore() {
  const [overview, setOverview] = createStore<OpsOverview>({ jobs: [], queueDepth: 0, throughputPerMinute: [], workers: [], activity: [] });
  return {
    overview,
    set: (o: OpsOverview) => setOverview(reconcile(o, { key: "jobId" })),
  };
}
