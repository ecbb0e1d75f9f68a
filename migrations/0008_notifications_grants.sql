-- The same privileges as every other table (0002_grants_and_triggers): client
-- roles may read (RLS leaves staff only), never write; the API's own
-- connection and service_role write. Supabase grants new tables to anon and
-- authenticated by default, so the revoke matters there.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.notifications FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.notifications TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.notifications TO service_role;--> statement-breakpoint
CREATE TRIGGER notifications_touch BEFORE UPDATE ON public.notifications FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
