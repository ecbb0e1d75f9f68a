CREATE TABLE "directory_mails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mail_id" text NOT NULL,
	"job_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"submission_id" uuid,
	"directory_name" text,
	"from_address" text NOT NULL,
	"from_name" text,
	"subject" text,
	"body" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"kind" text NOT NULL,
	"from_directory" boolean DEFAULT false NOT NULL,
	"notified_by" text,
	"notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_mails_kind_valid" CHECK ("kind" in ('verification', 'message')),
	CONSTRAINT "directory_mails_notified_by_valid" CHECK ("directory_mails"."notified_by" is null or "directory_mails"."notified_by" in ('immediate', 'digest'))
);
--> statement-breakpoint
ALTER TABLE "directory_mails" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_valid";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_subject_present";--> statement-breakpoint
DROP INDEX "notifications_job_id_kind_key";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "directory_mail_delivery" text DEFAULT 'immediate' NOT NULL;--> statement-breakpoint
ALTER TABLE "directory_mails" ADD CONSTRAINT "directory_mails_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_mails" ADD CONSTRAINT "directory_mails_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_mails" ADD CONSTRAINT "directory_mails_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "directory_mails_mail_id_key" ON "directory_mails" USING btree ("mail_id");--> statement-breakpoint
CREATE INDEX "directory_mails_job_id_idx" ON "directory_mails" USING btree ("job_id","created_at");--> statement-breakpoint
CREATE INDEX "directory_mails_digest_due_idx" ON "directory_mails" USING btree ("created_at") WHERE "directory_mails"."kind" = 'message' and "directory_mails"."notified_by" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_job_id_kind_key" ON "notifications" USING btree ("job_id","kind") WHERE "notifications"."kind" = 'job_completed';--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_directory_mail_delivery_valid" CHECK ("directory_mail_delivery" in ('immediate', 'daily'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_valid" CHECK ("kind" in ('job_completed', 'payment_failed', 'payment_disputed', 'payment_refunded', 'directory_mail', 'directory_mail_digest'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_subject_present" CHECK ("notifications"."job_id" is not null or "notifications"."order_id" is not null or "notifications"."kind" = 'directory_mail_digest');--> statement-breakpoint
CREATE POLICY "directory_mails_read_own_or_staff" ON "directory_mails" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
-- Hand-written (issue 18, the pattern of 0011): client roles read what RLS
-- lets them (a customer their own jobs' mails, staff all) and never write;
-- the API's own connection and service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.directory_mails FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.directory_mails TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.directory_mails TO service_role;