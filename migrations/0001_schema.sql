CREATE TABLE "business_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"business_name" text NOT NULL,
	"street" text,
	"city" text,
	"region" text,
	"postal_code" text,
	"country" text,
	"phone" text,
	"website" text,
	"email" text,
	"short_description" text,
	"long_description" text,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"hours" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"social_links" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"service_area" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_profiles_country_iso2" CHECK ("business_profiles"."country" is null or "business_profiles"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "business_profiles_phone_e164" CHECK ("business_profiles"."phone" is null or "business_profiles"."phone" ~ '^\+[1-9][0-9]{6,14}$')
);
--> statement-breakpoint
ALTER TABLE "business_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"email" text NOT NULL,
	"name" text,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_email_lower" CHECK ("customers"."email" = lower("customers"."email"))
);
--> statement-breakpoint
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "directories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"website" text NOT NULL,
	"submit_url" text,
	"da_score" smallint,
	"priority_tier" smallint NOT NULL,
	"category" text DEFAULT 'general' NOT NULL,
	"scope" text DEFAULT 'general' NOT NULL,
	"country" text NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"requires_captcha" boolean DEFAULT false NOT NULL,
	"requires_email_verification" boolean DEFAULT false NOT NULL,
	"requires_phone_verification" boolean DEFAULT false NOT NULL,
	"requires_account" boolean DEFAULT false NOT NULL,
	"approval_type" text DEFAULT 'unknown' NOT NULL,
	"automation" text DEFAULT 'automated' NOT NULL,
	"listing_cost" text DEFAULT 'unknown' NOT NULL,
	"facts_verified" boolean DEFAULT false NOT NULL,
	"sandbox" boolean DEFAULT false NOT NULL,
	"source" text,
	"notes" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directories_priority_tier_range" CHECK ("directories"."priority_tier" between 1 and 5),
	CONSTRAINT "directories_da_score_range" CHECK ("directories"."da_score" is null or "directories"."da_score" between 0 and 100),
	CONSTRAINT "directories_approval_type_valid" CHECK ("approval_type" in ('instant', 'review', 'email', 'unknown')),
	CONSTRAINT "directories_automation_valid" CHECK ("automation" in ('automated', 'manual', 'disabled')),
	CONSTRAINT "directories_listing_cost_valid" CHECK ("listing_cost" in ('free', 'paid', 'freemium', 'unknown')),
	CONSTRAINT "directories_scope_valid" CHECK ("scope" in ('general', 'niche', 'aggregator', 'search-engine', 'social', 'maps')),
	CONSTRAINT "directories_country_code" CHECK ("directories"."country" ~ '^([A-Z]{2}|INT)$')
);
--> statement-breakpoint
ALTER TABLE "directories" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "directory_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"directory_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"listing_url" text,
	"evidence_key" text,
	"failure_class" text,
	"failure_reason" text,
	"submitted_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_submissions_status_valid" CHECK ("status" in ('pending', 'queued', 'submitting', 'submitted', 'awaiting_verification', 'approved', 'failed', 'skipped', 'retrying', 'manual')),
	CONSTRAINT "directory_submissions_attempt_nonnegative" CHECK ("directory_submissions"."attempt" >= 0)
);
--> statement-breakpoint
ALTER TABLE "directory_submissions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"submission_id" uuid,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"directories_total" integer DEFAULT 0 NOT NULL,
	"directories_submitted" integer DEFAULT 0 NOT NULL,
	"directories_approved" integer DEFAULT 0 NOT NULL,
	"directories_failed" integer DEFAULT 0 NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_plan_valid" CHECK ("plan" in ('starter', 'growth', 'professional', 'enterprise')),
	CONSTRAINT "jobs_status_valid" CHECK ("status" in ('pending', 'in_progress', 'paused', 'completed', 'cancelled', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"stripe_checkout_session_id" text NOT NULL,
	"stripe_payment_intent_id" text,
	"amount_cents" integer NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "orders_plan_valid" CHECK ("plan" in ('starter', 'growth', 'professional', 'enterprise')),
	CONSTRAINT "orders_status_valid" CHECK ("status" in ('pending', 'paid', 'payment_failed', 'refunded')),
	CONSTRAINT "orders_amount_nonnegative" CHECK ("orders"."amount_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "stripe_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text DEFAULT 'cloudflare' NOT NULL,
	"token_hash" text,
	"last_heartbeat_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workers_kind_valid" CHECK ("kind" in ('cloudflare', 'external'))
);
--> statement-breakpoint
ALTER TABLE "workers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD CONSTRAINT "business_profiles_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_submissions" ADD CONSTRAINT "directory_submissions_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_submissions" ADD CONSTRAINT "directory_submissions_directory_id_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."directories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_submissions" ADD CONSTRAINT "directory_submissions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "business_profiles_customer_id_key" ON "business_profiles" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_email_key" ON "customers" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_user_id_key" ON "customers" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_stripe_customer_id_key" ON "customers" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "directories_slug_key" ON "directories" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "directories_selection_idx" ON "directories" USING btree ("sandbox","da_score" DESC NULLS LAST,"priority_tier","id") WHERE "directories"."is_active" and "directories"."automation" <> 'disabled';--> statement-breakpoint
CREATE UNIQUE INDEX "directory_submissions_job_directory_key" ON "directory_submissions" USING btree ("job_id","directory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "directory_submissions_one_live_listing_key" ON "directory_submissions" USING btree ("customer_id","directory_id") WHERE "directory_submissions"."status" = 'approved';--> statement-breakpoint
CREATE INDEX "directory_submissions_customer_directory_idx" ON "directory_submissions" USING btree ("customer_id","directory_id") WHERE status not in ('failed', 'skipped');--> statement-breakpoint
CREATE INDEX "directory_submissions_customer_id_idx" ON "directory_submissions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "directory_submissions_job_status_idx" ON "directory_submissions" USING btree ("job_id","status");--> statement-breakpoint
CREATE INDEX "directory_submissions_directory_id_idx" ON "directory_submissions" USING btree ("directory_id");--> statement-breakpoint
CREATE INDEX "job_events_job_id_created_at_idx" ON "job_events" USING btree ("job_id","created_at");--> statement-breakpoint
CREATE INDEX "job_events_customer_id_idx" ON "job_events" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "job_events_submission_id_idx" ON "job_events" USING btree ("submission_id");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_order_id_key" ON "jobs" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "jobs_customer_id_idx" ON "jobs" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "jobs_active_idx" ON "jobs" USING btree ("status") WHERE "jobs"."status" in ('pending', 'in_progress', 'paused');--> statement-breakpoint
CREATE UNIQUE INDEX "orders_stripe_checkout_session_id_key" ON "orders" USING btree ("stripe_checkout_session_id");--> statement-breakpoint
CREATE INDEX "orders_stripe_payment_intent_id_idx" ON "orders" USING btree ("stripe_payment_intent_id");--> statement-breakpoint
CREATE INDEX "orders_customer_id_idx" ON "orders" USING btree ("customer_id");--> statement-breakpoint
CREATE POLICY "business_profiles_read_own_or_staff" ON "business_profiles" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "customers_read_own_or_staff" ON "customers" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("customers"."user_id" = (select auth.uid()) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "directories_read_signed_in" ON "directories" AS PERMISSIVE FOR SELECT TO "authenticated" USING (true);--> statement-breakpoint
CREATE POLICY "directory_submissions_read_own_or_staff" ON "directory_submissions" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "job_events_read_own_or_staff" ON "job_events" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "jobs_read_own_or_staff" ON "jobs" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "orders_read_own_or_staff" ON "orders" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "stripe_events_read_staff" ON "stripe_events" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
CREATE POLICY "workers_read_staff" ON "workers" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));