/** The API's public config (GET /api/config), fetched once per page load. */
import type { SiteConfig } from "../../core/protocol/site";
import { api } from "./api";

let pending: Promise<SiteConfig> | null = null;

export function siteConfig(): Promise<SiteConfig> {
  pending ??= api<SiteConfig>("/api/config", { auth: false }).catch((err) => {
    pending = null; // a failed fetch is tried again next time
    throw err;
  });
  return pending;
}
