-- Belt and braces beside RLS: the client roles may read (RLS filters the
-- rows) but never write; only the API's own connection (the table owner or
-- service_role, which bypass RLS) changes data.
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon, authenticated;--> statement-breakpoint
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM anon, authenticated;--> statement-breakpoint
GRANT ALL ON ALL TABLES IN SCHEMA public TO service_role;--> statement-breakpoint
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO service_role;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.is_staff() TO anon, authenticated, service_role;--> statement-breakpoint

-- updated_at follows every update, whoever writes.
CREATE OR REPLACE FUNCTION public.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER customers_touch BEFORE UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE TRIGGER business_profiles_touch BEFORE UPDATE ON public.business_profiles FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE TRIGGER directories_touch BEFORE UPDATE ON public.directories FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE TRIGGER jobs_touch BEFORE UPDATE ON public.jobs FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
CREATE TRIGGER directory_submissions_touch BEFORE UPDATE ON public.directory_submissions FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
