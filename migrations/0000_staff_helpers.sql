-- Staff are users whose JWT carries app_metadata.role = 'staff'. app_metadata
-- is writable only by the service role in Supabase, so a user cannot grant it
-- to themselves. auth.jwt() exists on Supabase; locally the bootstrap
-- (migrations/bootstrap/local-supabase.sql) provides the same function.
CREATE OR REPLACE FUNCTION public.is_staff() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce((auth.jwt() -> 'app_metadata' ->> 'role') = 'staff', false)
$$;
