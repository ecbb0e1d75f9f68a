CREATE TABLE "daily_rollups" (
	"day" date PRIMARY KEY NOT NULL,
	"orders_paid" integer DEFAULT 0 NOT NULL,
	"orders_refunded" integer DEFAULT 0 NOT NULL,
	"revenue_cents" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"jobs_completed" integer DEFAULT 0 NOT NULL,
	"submissions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"approval_rate" double precision,
	"mean_submission_seconds" double precision,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "daily_rollups" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"job_event_id" bigint NOT NULL,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status_valid" CHECK ("status" in ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events" text[] DEFAULT '{}'::text[] NOT NULL,
	"description" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_valid";--> statement-breakpoint
ALTER TABLE "notifications" ALTER COLUMN "job_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "order_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "data" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_job_event_id_job_events_id_fk" FOREIGN KEY ("job_event_id") REFERENCES "public"."job_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_event_key" ON "webhook_deliveries" USING btree ("endpoint_id","job_event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_customer_id_idx" ON "webhook_deliveries" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_endpoints_customer_url_key" ON "webhook_endpoints" USING btree ("customer_id","url");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_events_created_at_idx" ON "job_events" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_subject_present" CHECK ("notifications"."job_id" is not null or "notifications"."order_id" is not null);--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_valid" CHECK ("kind" in ('job_completed', 'payment_failed', 'payment_disputed', 'payment_refunded'));--> statement-breakpoint
CREATE POLICY "daily_rollups_read_staff" ON "daily_rollups" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
CREATE POLICY "webhook_deliveries_read_own_or_staff" ON "webhook_deliveries" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "webhook_endpoints_read_own_or_staff" ON "webhook_endpoints" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
-- Hand-written (the patterns of 0002 and 0008): client roles read what RLS
-- lets them and never write; the API's own connection and service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.daily_rollups, public.webhook_endpoints, public.webhook_deliveries FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.daily_rollups, public.webhook_deliveries TO anon, authenticated;--> statement-breakpoint
-- The signing secret is shown once, at creation: client roles may read every column but it.
REVOKE SELECT ON public.webhook_endpoints FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT (id, customer_id, url, events, description, active, created_at, updated_at) ON public.webhook_endpoints TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.daily_rollups, public.webhook_endpoints, public.webhook_deliveries TO service_role;--> statement-breakpoint
CREATE TRIGGER webhook_endpoints_touch BEFORE UPDATE ON public.webhook_endpoints FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE TRIGGER webhook_deliveries_touch BEFORE UPDATE ON public.webhook_deliveries FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE INDEX webhook_endpoints_active_customer_idx ON public.webhook_endpoints (customer_id) WHERE active;--> statement-breakpoint

-- Outgoing webhooks: every job event an agency can subscribe to becomes one
-- delivery per active endpoint of the job's customer, in the transaction that
-- writes the event (whoever writes it: the coordinator's outbox, fulfilment,
-- a refund). A repeated event is dropped by job_events' dedupe key before
-- this runs; (endpoint, event) is unique besides. The body is fixed here, so
-- retries send the same bytes. The type list is WEBHOOK_EVENT_TYPES in
-- src/webhooks/events.ts (a test holds them equal).
CREATE OR REPLACE FUNCTION public.enqueue_webhook_deliveries() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  event_type text := regexp_replace(NEW.kind, '^(job|submission)_', '\1.');
  body text;
BEGIN
  IF NOT event_type = ANY (ARRAY[
    'job.started', 'job.paused', 'job.resumed', 'job.completed', 'job.failed', 'job.cancelled',
    'submission.submitted', 'submission.awaiting_verification', 'submission.approved',
    'submission.retrying', 'submission.failed', 'submission.skipped', 'submission.manual'
  ]) THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.webhook_endpoints e WHERE e.customer_id = NEW.customer_id AND e.active) THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_build_object(
           'id', 'evt_' || NEW.id,
           'type', event_type,
           'created', floor(extract(epoch FROM NEW.created_at))::bigint,
           'data', jsonb_build_object(
             'message', NEW.message,
             'job', jsonb_build_object(
               'id', j.id, 'status', j.status, 'plan', j.plan,
               'directories_total', j.directories_total, 'directories_submitted', j.directories_submitted,
               'directories_approved', j.directories_approved, 'directories_failed', j.directories_failed,
               'started_at', j.started_at, 'completed_at', j.completed_at),
             'submission', (
               SELECT jsonb_build_object(
                        'id', s.id, 'status', s.status, 'attempt', s.attempt,
                        'directory', jsonb_build_object('name', d.name, 'website', d.website),
                        'listing_url', s.listing_url, 'failure_class', s.failure_class, 'failure_reason', s.failure_reason)
                 FROM public.directory_submissions s JOIN public.directories d ON d.id = s.directory_id
                WHERE s.id = NEW.submission_id)))::text
    INTO body
    FROM public.jobs j WHERE j.id = NEW.job_id;
  INSERT INTO public.webhook_deliveries (endpoint_id, customer_id, job_event_id, event_type, body)
  SELECT e.id, e.customer_id, NEW.id, event_type, body
    FROM public.webhook_endpoints e
   WHERE e.customer_id = NEW.customer_id AND e.active
     AND (cardinality(e.events) = 0 OR event_type = ANY (e.events))
  ON CONFLICT (endpoint_id, job_event_id) DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER job_events_webhook_deliveries AFTER INSERT ON public.job_events FOR EACH ROW EXECUTE FUNCTION public.enqueue_webhook_deliveries();
