/**
 * Whether fault injection (`npm run test:faults`) is on: DEV_FAULT_INJECTION=1
 * and a loopback PUBLIC_URL, so that a stray variable in production turns
 * nothing on. One test for the routes (src/routes/dev-faults.ts) and the
 * coordinator's fault facet (durable-objects/coordinator/faults.ts).
 */
import { isLoopback } from "../billing/stripe";

export function faultInjectionEnabled(env: Pick<Env, "DEV_FAULT_INJECTION" | "PUBLIC_URL">): boolean {
  return env.DEV_FAULT_INJECTION === "1" && isLoopback(env.PUBLIC_URL);
}
