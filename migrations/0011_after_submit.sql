CREATE TABLE "inbound_mails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mail_id" text NOT NULL,
	"envelope_from" text NOT NULL,
	"envelope_to" text NOT NULL,
	"subject" text,
	"r2_key" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"verification_link" text,
	"job_id" uuid,
	"submission_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_mails_status_valid" CHECK ("status" in ('matched', 'unmatched'))
);
--> statement-breakpoint
ALTER TABLE "inbound_mails" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "listing_search_url" text;--> statement-breakpoint
ALTER TABLE "inbound_mails" ADD CONSTRAINT "inbound_mails_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_mails" ADD CONSTRAINT "inbound_mails_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_mails_mail_id_key" ON "inbound_mails" USING btree ("mail_id");--> statement-breakpoint
CREATE INDEX "inbound_mails_unmatched_idx" ON "inbound_mails" USING btree ("created_at") WHERE "inbound_mails"."status" = 'unmatched';--> statement-breakpoint
CREATE POLICY "inbound_mails_read_staff" ON "inbound_mails" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
-- The same privileges as every other table (0002, 0008): client roles may read
-- (RLS leaves staff only), never write; the API's own connection and
-- service_role write. Supabase grants new tables to anon and authenticated by
-- default, so the revoke matters there.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.inbound_mails FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.inbound_mails TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.inbound_mails TO service_role;
