CREATE TABLE "listing_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"milestone_days" smallint NOT NULL,
	"went_live_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'due' NOT NULL,
	"lease_until" timestamp with time zone,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"verdict" text,
	"detail" text,
	"listing_url" text,
	"shown" jsonb,
	"differences" text[] DEFAULT '{}'::text[] NOT NULL,
	"checked_at" timestamp with time zone,
	"resubmitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listing_checks_state_valid" CHECK ("state" in ('due', 'running', 'done')),
	CONSTRAINT "listing_checks_verdict_valid" CHECK ("listing_checks"."verdict" is null or "listing_checks"."verdict" in ('live', 'gone', 'changed', 'unreachable'))
);
--> statement-breakpoint
ALTER TABLE "listing_checks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_valid";--> statement-breakpoint
ALTER TABLE "listing_checks" ADD CONSTRAINT "listing_checks_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_checks" ADD CONSTRAINT "listing_checks_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_checks" ADD CONSTRAINT "listing_checks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "listing_checks_submission_milestone_key" ON "listing_checks" USING btree ("submission_id","went_live_at","milestone_days");--> statement-breakpoint
CREATE INDEX "listing_checks_due_idx" ON "listing_checks" USING btree ("due_at") WHERE "listing_checks"."state" <> 'done';--> statement-breakpoint
CREATE INDEX "listing_checks_job_id_idx" ON "listing_checks" USING btree ("job_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_valid" CHECK ("kind" in ('job_completed', 'payment_failed', 'payment_disputed', 'payment_refunded', 'directory_mail', 'directory_mail_digest', 'listing_flagged'));--> statement-breakpoint
CREATE POLICY "listing_checks_read_own_or_staff" ON "listing_checks" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
-- Hand-written (issue 19, the pattern of 0018): client roles read what RLS
-- lets them (a customer their own listings' checks, staff all) and never
-- write; the API's own connection and service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.listing_checks FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.listing_checks TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.listing_checks TO service_role;
