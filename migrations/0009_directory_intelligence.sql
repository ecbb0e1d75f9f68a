CREATE TABLE "directory_outcomes" (
	"submission_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"directory_id" uuid NOT NULL,
	"accepted" boolean NOT NULL,
	"failure_class" text,
	"duration_ms" integer,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_outcomes_submission_id_attempt_pk" PRIMARY KEY("submission_id","attempt")
);
--> statement-breakpoint
ALTER TABLE "directory_outcomes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "directory_stats" (
	"directory_id" uuid PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"failures_by_class" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"mean_duration_ms" integer,
	"duration_samples" integer DEFAULT 0 NOT NULL,
	"hour_attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"hour_accepted" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"weekday_attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"weekday_accepted" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_rate_limited_at" timestamp with time zone,
	"last_retry_after_seconds" integer,
	"last_failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"field_mappings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"flagged_at" timestamp with time zone,
	"flag_reason" text,
	"deactivated_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_stats_counts_valid" CHECK ("directory_stats"."accepted" between 0 and "directory_stats"."attempts")
);
--> statement-breakpoint
ALTER TABLE "directory_stats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "directory_outcomes" ADD CONSTRAINT "directory_outcomes_submission_id_directory_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."directory_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_outcomes" ADD CONSTRAINT "directory_outcomes_directory_id_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."directories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_stats" ADD CONSTRAINT "directory_stats_directory_id_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."directories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "directory_outcomes_directory_id_idx" ON "directory_outcomes" USING btree ("directory_id","occurred_at");--> statement-breakpoint
CREATE INDEX "directory_stats_flagged_idx" ON "directory_stats" USING btree ("flagged_at") WHERE "directory_stats"."flagged_at" is not null;--> statement-breakpoint
CREATE POLICY "directory_outcomes_read_staff" ON "directory_outcomes" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
CREATE POLICY "directory_stats_read_staff" ON "directory_stats" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
-- Hand-written (as 0005, 0008): the same privileges as every other table.
-- Client roles may read (RLS leaves staff only), never write; the API's own
-- connection and service_role write. Supabase grants new tables to anon and
-- authenticated by default, so the revoke matters there.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.directory_stats, public.directory_outcomes FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.directory_stats, public.directory_outcomes TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.directory_stats, public.directory_outcomes TO service_role;--> statement-breakpoint
CREATE TRIGGER directory_stats_touch BEFORE UPDATE ON public.directory_stats FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
