/**
 * This Worker's env: the generated `BrowserEnv` (worker-configuration.d.ts),
 * with the two Durable Object bindings of the `directorybolt` Worker typed by
 * the RPC contract in core/rpc.ts. `wrangler types` leaves a `script_name`
 * binding untyped, since the classes live in another Worker; the contract is
 * what those classes implement. `AI` is optional: a Workers AI binding is not
 * configured by default (docs/intelligence.md).
 */
import type { CoordinatorRpc, OpsMonitorRpc } from "../../core/rpc";
import type { LanguageModelEnv } from "./language-model";

/**
 * A namespace of another Worker's objects whose stubs answer `T`. Not
 * `DurableObjectNamespace<T & Rpc.DurableObjectBranded>`: its `Rpc.Stubify`
 * types every array in a result as a plain array, so the `[open, close]`
 * tuples of a lease's opening hours would stop type-checking, although
 * structured clone delivers them exactly as they were sent.
 */
type RemoteNamespace<T> = Omit<DurableObjectNamespace, "get" | "getByName"> & {
  get(id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub & T;
  getByName(name: string, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub & T;
};

export interface BrowserWorkerEnv extends Omit<BrowserEnv, "JOB_COORDINATOR" | "OPS_MONITOR">, LanguageModelEnv {
  JOB_COORDINATOR: RemoteNamespace<CoordinatorRpc>;
  OPS_MONITOR: RemoteNamespace<OpsMonitorRpc>;
}
