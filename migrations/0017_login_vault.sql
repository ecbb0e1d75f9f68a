CREATE TABLE "vault_accesses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"login_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"actor_user_id" uuid NOT NULL,
	"actor_role" text NOT NULL,
	"purpose" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vault_accesses_role_valid" CHECK ("actor_role" in ('customer', 'staff')),
	CONSTRAINT "vault_accesses_purpose_valid" CHECK ("purpose" in ('reveal', 'export'))
);
--> statement-breakpoint
ALTER TABLE "vault_accesses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "vault_logins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"submission_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"directory_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"login_url" text NOT NULL,
	"username" text,
	"email" text,
	"key_id" text NOT NULL,
	"iv" text NOT NULL,
	"ciphertext" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "vault_logins" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "vault_accesses" ADD CONSTRAINT "vault_accesses_login_id_vault_logins_id_fk" FOREIGN KEY ("login_id") REFERENCES "public"."vault_logins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_accesses" ADD CONSTRAINT "vault_accesses_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_accesses" ADD CONSTRAINT "vault_accesses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_logins" ADD CONSTRAINT "vault_logins_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_logins" ADD CONSTRAINT "vault_logins_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_logins" ADD CONSTRAINT "vault_logins_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_logins" ADD CONSTRAINT "vault_logins_directory_id_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."directories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vault_accesses_login_id_idx" ON "vault_accesses" USING btree ("login_id","created_at");--> statement-breakpoint
CREATE INDEX "vault_accesses_job_id_idx" ON "vault_accesses" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "vault_accesses_customer_id_idx" ON "vault_accesses" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vault_logins_submission_id_key" ON "vault_logins" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "vault_logins_job_id_idx" ON "vault_logins" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "vault_logins_customer_id_idx" ON "vault_logins" USING btree ("customer_id");--> statement-breakpoint
CREATE POLICY "vault_accesses_read_own_or_staff" ON "vault_accesses" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
CREATE POLICY "vault_logins_read_own_or_staff" ON "vault_logins" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
-- Hand-written (issue 18, the patterns of 0011 and 0013): client roles read
-- what RLS lets them and never write; the API's own connection and
-- service_role write. Of vault_logins, clients read every column but the
-- sealed password (key_id, iv, ciphertext): RLS chooses rows, a column
-- grant the columns. A column added later must be granted here too.
CREATE TRIGGER vault_logins_touch BEFORE UPDATE ON public.vault_logins FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();--> statement-breakpoint
REVOKE ALL ON public.vault_logins FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT (id, job_id, submission_id, customer_id, directory_id, attempt, login_url, username, email, created_at, updated_at) ON public.vault_logins TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.vault_logins TO service_role;--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.vault_accesses FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.vault_accesses TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.vault_accesses TO service_role;--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE public.vault_accesses_id_seq TO service_role;
