/**
 * Who may read the details of `/healthz` and `/readyz` (latencies, bindings,
 * error texts, queue figures): staff, or the operator's `METRICS_TOKEN`. The
 * public sees the status alone: details help an attacker more than a probe.
 */
import { secretsEqual } from "./constant-time";
import { verifyUserToken } from "./user-token";

export async function isOperatorOrStaff(authorization: string | undefined, env: Env): Promise<boolean> {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return false;
  if (await secretsEqual(token, env.METRICS_TOKEN ?? "")) return true;
  return (await verifyUserToken(token, env))?.staff === true;
}
