/** Shared helpers for the Node-side database tests. */
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { connect, type Connection } from "../../src/db/client";

export function databaseUrl(): string {
  return inject("databaseUrl");
}

export function openDatabase(): Promise<Connection> {
  return connect(databaseUrl());
}

/** A short unique tag so tests sharing one database never collide. */
export function uniq(prefix = "t"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
