-- Agency webhooks for what issue 17 added to a job: a directory found
-- already listing the business, a listing to claim and correct, a replacement
-- directory, a catalog with no replacement left, and the refund of a
-- shortfall. Two of those job events were named before the webhooks' rule
-- (`replacements_exhausted`, `shortfall_refund`, without the `job_` prefix):
-- they become `job.<kind>`. Otherwise the function is 0010's, with the longer
-- list; WEBHOOK_EVENT_TYPES in src/webhooks/events.ts is the same list (a
-- test holds them equal).
CREATE OR REPLACE FUNCTION public.enqueue_webhook_deliveries() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
  event_type text := CASE
    WHEN NEW.kind IN ('replacements_exhausted', 'shortfall_refund') THEN 'job.' || NEW.kind
    ELSE regexp_replace(NEW.kind, '^(job|submission)_', '\1.')
  END;
  body text;
BEGIN
  IF NOT event_type = ANY (ARRAY[
    'job.started', 'job.paused', 'job.resumed', 'job.completed', 'job.failed', 'job.cancelled',
    'job.replacements_exhausted', 'job.shortfall_refund',
    'submission.submitted', 'submission.awaiting_verification', 'submission.approved',
    'submission.retrying', 'submission.failed', 'submission.skipped', 'submission.manual',
    'submission.already_listed', 'submission.claim_and_correct', 'submission.replacement'
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
$$;
