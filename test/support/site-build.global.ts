/**
 * vitest globalSetup of the site project: build ui/dist from the current
 * source once for the project, not once per file (each file runs its own
 * stack, and every stack serves the same build).
 */
import { join } from "node:path";
import { build } from "vite";
import { ROOT } from "../../tools/lib/stack";

export default async function setup() {
  // What `vite build ui` does: ui/ is the root, with its own vite config.
  await build({ root: join(ROOT, "ui"), logLevel: "error" });
}
