CREATE TABLE "listing_updates" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"update_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"profile_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "listing_updates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "listing_updates" ADD CONSTRAINT "listing_updates_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_updates" ADD CONSTRAINT "listing_updates_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "listing_updates_read_own_or_staff" ON "listing_updates" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));