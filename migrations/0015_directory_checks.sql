ALTER TABLE "directories" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_status" text;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_result" jsonb;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_hold" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "directories" ADD CONSTRAINT "directories_check_status_valid" CHECK ("directories"."check_status" is null or "directories"."check_status" in ('alive', 'redirected', 'gone', 'blocked', 'unreachable'));--> statement-breakpoint
-- Column grants (0013): clients read directories column by column, so new
-- columns are granted here; staff see the last check, selection reads the hold.
GRANT SELECT (checked_at, check_status, check_result, check_hold) ON public.directories TO anon, authenticated;