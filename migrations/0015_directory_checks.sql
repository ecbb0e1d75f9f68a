ALTER TABLE "directories" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_status" text;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_result" jsonb;--> statement-breakpoint
ALTER TABLE "directories" ADD COLUMN "check_hold" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "directories" ADD CONSTRAINT "directories_check_status_valid" CHECK ("directories"."check_status" is null or "directories"."check_status" in ('alive', 'redirected', 'gone', 'blocked', 'unreachable'));