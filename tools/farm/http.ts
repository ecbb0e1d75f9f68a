/** node:http plumbing: body parsing (urlencoded, multipart, JSON), cookies, replies. */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UploadedFile } from "./types.ts";

export type Posted = Record<string, string | string[]>;

export async function readRaw(req: IncomingMessage, limit = 5_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a form body. Node's fetch Response parses urlencoded and multipart
 * bodies for us; a repeated name gives an array, a file its file name.
 */
export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<{ fields: Posted; files: Record<string, Buffer>; uploads: Record<string, UploadedFile> }> {
  const type = String(req.headers["content-type"] ?? "");
  const fields: Posted = {};
  const files: Record<string, Buffer> = {};
  const uploads: Record<string, UploadedFile> = {};
  if (!raw.length) return { fields, files, uploads };
  if (type.includes("application/json")) {
    const json = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) fields[k] = Array.isArray(v) ? v.map(String) : String(v ?? "");
    return { fields, files, uploads };
  }
  const form = await new Response(new Uint8Array(raw), {
    headers: { "content-type": type || "application/x-www-form-urlencoded" },
  }).formData();
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).map((entry) => {
      if (typeof entry === "string") return entry;
      return entry.name;
    });
    fields[key] = all.length > 1 ? all : all[0]!;
    const first = form.get(key);
    if (first && typeof first !== "string" && first.size > 0) {
      files[key] = Buffer.from(await first.arrayBuffer());
      uploads[key] = { name: first.name, type: first.type, size: first.size, sha256: createHash("sha256").update(files[key]).digest("hex") };
    }
  }
  return { fields, files, uploads };
}

export function parseCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export function html(body: string, status = 200, headers: Record<string, string | string[]> = {}): Reply {
  return { status, body, headers: { "content-type": "text/html; charset=utf-8", ...headers } };
}

export function json(value: unknown, status = 200, headers: Record<string, string | string[]> = {}): Reply {
  return { status, body: JSON.stringify(value), headers: { "content-type": "application/json; charset=utf-8", ...headers } };
}

export function text(body: string, status = 200, headers: Record<string, string | string[]> = {}): Reply {
  return { status, body, headers: { "content-type": "text/plain; charset=utf-8", ...headers } };
}

/** 303 See Other: the redirect-after-POST that browsers follow with a GET. */
export function redirect(location: string, status = 303, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { location, ...headers } };
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | string[]> = { "cache-control": "no-store", ...reply.headers };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** Adds a Set-Cookie header to a reply (keeps any already there). */
export function withCookie(reply: Reply, cookie: string | undefined): Reply {
  if (!cookie) return reply;
  const headers = { ...reply.headers };
  const existing = headers["set-cookie"];
  headers["set-cookie"] = existing ? [...(Array.isArray(existing) ? existing : [existing]), cookie] : [cookie];
  return { ...reply, headers };
}

/** The first value of a posted field as a string ("" when absent). */
export function one(fields: Posted, name: string): string {
  const v = fields[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

/** All values of a posted field. */
export function many(fields: Posted, name: string): string[] {
  const v = fields[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
