/**
 * The site's one way to call the API: JSON in and out, the signed-in token
 * attached, and every failure turned into an ApiFailure carrying the API's
 * own words (`error.message`) and, for `validation_failed`, each bad field.
 */
import { accessToken } from "./auth";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** The error's `details`, for answers that carry more than fields (an import's row problems). */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  // A file (an image upload) goes as its bytes; the API reads its type from them.
  const raw = typeof Blob !== "undefined" && init.body instanceof Blob;
  if (init.body !== undefined) headers["content-type"] = raw ? "application/octet-stream" : "application/json";
  const t = init.auth === false ? null : await accessToken();
  if (t) headers.authorization = `Bearer ${t}`;
  let res: Response;
  try {
    res = await fetch(path, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : raw ? (init.body as Blob) : JSON.stringify(init.body) });
  } catch {
    throw new ApiFailure(0, "network", "Could not reach DirectoryBolt. Check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: { fields?: Record<string, string> } } } | null)?.error;
    throw new ApiFailure(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `The server answered ${res.status} ${res.statusText}`, error?.details?.fields ?? {}, error?.details);
  }
  return data as T;
}

export function errorText(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.status === 401) return `${err.message}. Please sign in again.`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A same-origin socket URL from the ticket's path. */
export function socketUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}
