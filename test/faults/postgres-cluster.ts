/**
 * A private PostgreSQL 15 cluster for the fault-injection test, so that
 * "Postgres is down for 30 s" is a real server stopping and starting again
 * (pg_ctl), with the same data. Trust auth on 127.0.0.1 and its own socket
 * directory; run as root, it is owned by the postgres user as PostgreSQL
 * insists (as in .ci/run).
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PGBIN = process.env.PGBIN ?? "/usr/lib/postgresql/15/bin";

export interface PostgresCluster {
  /** With a password: Hyperdrive wants one (trust auth ignores it). */
  url: string;
  stop(): void;
  start(): void;
  /** Stops the server for good and removes its files. */
  destroy(): void;
}

function asPostgres(command: string): void {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", command], { stdio: "ignore" });
  else execFileSync("/bin/sh", ["-c", command], { stdio: "ignore" });
}

export function postgresAvailable(): boolean {
  return existsSync(join(PGBIN, "initdb")) && existsSync(join(PGBIN, "pg_ctl"));
}

export function startPostgresCluster(port: number): PostgresCluster {
  const dir = mkdtempSync(join(tmpdir(), "directorybolt-faults-pg-"));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  asPostgres(`${PGBIN}/initdb -D ${data} -U postgres --auth=trust >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = () => asPostgres(`${PGBIN}/pg_ctl -D ${data} -o '${options}' -l ${dir}/log -w start`);
  const stop = () => asPostgres(`${PGBIN}/pg_ctl -D ${data} -m fast -w stop`);
  start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
