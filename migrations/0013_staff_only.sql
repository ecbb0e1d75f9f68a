CREATE TABLE "job_event_staff_notes" (
	"job_event_id" bigint PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_event_staff_notes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "refusal" text;--> statement-breakpoint
ALTER TABLE "job_event_staff_notes" ADD CONSTRAINT "job_event_staff_notes_job_event_id_job_events_id_fk" FOREIGN KEY ("job_event_id") REFERENCES "public"."job_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_event_staff_notes" ADD CONSTRAINT "job_event_staff_notes_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_event_staff_notes_job_id_idx" ON "job_event_staff_notes" USING btree ("job_id");--> statement-breakpoint
CREATE POLICY "job_event_staff_notes_read_staff" ON "job_event_staff_notes" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
-- Hand-written (issue 22, the patterns of 0010 and 0011): client roles read
-- what RLS lets them and never write; the API's own connection and
-- service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.job_event_staff_notes FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.job_event_staff_notes TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.job_event_staff_notes TO service_role;--> statement-breakpoint
-- Staff reasons already in job_events.data move to the staff-only table.
INSERT INTO public.job_event_staff_notes (job_event_id, job_id, data)
  SELECT id, job_id, jsonb_strip_nulls(jsonb_build_object('staffReason', data -> 'staffReason', 'staffBy', data -> 'staffBy'))
  FROM public.job_events WHERE data ?| array['staffReason', 'staffBy']
  ON CONFLICT (job_event_id) DO NOTHING;--> statement-breakpoint
UPDATE public.job_events SET data = data - 'staffReason' - 'staffBy' WHERE data ?| array['staffReason', 'staffBy'];--> statement-breakpoint
-- A staff pause named the staff member's e-mail in the reason customers read.
UPDATE public.jobs SET status_reason = 'paused by staff' WHERE status_reason LIKE 'paused by staff (%';--> statement-breakpoint
UPDATE public.job_events SET message = 'Job paused: paused by staff' WHERE kind = 'job_paused' AND message LIKE 'Job paused: paused by staff (%';--> statement-breakpoint
-- The outgoing webhooks' bodies carried that message to the customer's endpoint too (0010's trigger).
UPDATE public.webhook_deliveries SET body = regexp_replace(body, 'paused by staff \([^)"]*\)', 'paused by staff', 'g') WHERE event_type = 'job.paused' AND body LIKE '%paused by staff (%';--> statement-breakpoint
-- The catalog's notes are for staff: every signed-in user reads the other
-- columns (a column grant; RLS chooses rows, not columns), and staff read the
-- notes through a view that shows rows to staff only. A column added to
-- directories later must be granted here too to be readable by clients.
REVOKE SELECT ON public.directories FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT (id, slug, name, website, submit_url, listing_search_url, da_score, priority_tier, category, scope, country, language, requires_captcha, requires_email_verification, requires_phone_verification, requires_account, approval_type, automation, listing_cost, facts_verified, sandbox, source, is_active, created_at, updated_at) ON public.directories TO anon, authenticated;--> statement-breakpoint
CREATE VIEW public.directory_notes WITH (security_barrier = true) AS
  SELECT id AS directory_id, notes FROM public.directories WHERE (select public.is_staff());--> statement-breakpoint
REVOKE ALL ON public.directory_notes FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.directory_notes TO authenticated, service_role;
