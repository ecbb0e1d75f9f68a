/**
 * The public and customer API's shapes that the site reads.
 */
import type { PlanAvailability } from "../catalog/availability";
import type { JobStatus } from "../statuses";

/** `GET /api/config`: what the site needs to choose its sign-in. */
export interface SiteConfig {
  /** Supabase Auth magic links: both set, or both null (then local sign-in). */
  supabaseUrl: string | null;
  supabaseAnonKey: string | null;
  localSignIn: boolean;
}

/** `GET /api/me/jobs`: one job of the signed-in customer. */
export interface MyJob {
  jobId: string;
  plan: string;
  status: JobStatus;
  total: number;
  submitted: number;
  approved: number;
  failed: number;
  createdAt: string;
  completedAt: string | null;
}

/** `GET /api/directories/preview?country=&category=[&region=]`: what each plan would get (core/catalog/availability.ts). */
export interface DirectoryPreview {
  country: string;
  category: string;
  plans: PlanAvailability[];
}
