import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// Built into ui/dist, which the directorybolt Worker serves as static assets.
export default defineConfig({
  root: __dirname,
  plugins: [solid()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: { proxy: { "/api": "http://127.0.0.1:8787", "/healthz": "http://127.0.0.1:8787" } },
});
