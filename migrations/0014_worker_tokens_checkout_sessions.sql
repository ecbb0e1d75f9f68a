CREATE TABLE "stripe_checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"plan" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_checkout_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "scopes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "workers_token_hash_key" ON "workers" USING btree ("token_hash");--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_scopes_valid" CHECK ("workers"."scopes" <@ array['tasks', 'faults']::text[]);--> statement-breakpoint
CREATE POLICY "stripe_checkout_sessions_read_staff" ON "stripe_checkout_sessions" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
-- The same privileges as every other table (0002_grants_and_triggers): client
-- roles may read (RLS leaves staff only), never write; the API's own
-- connection and service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.stripe_checkout_sessions FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.stripe_checkout_sessions TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.stripe_checkout_sessions TO service_role;
