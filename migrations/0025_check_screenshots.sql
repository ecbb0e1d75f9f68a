ALTER TABLE "listing_checks" ADD COLUMN "screenshot_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "listing_checks" ADD COLUMN "evidence_key" text;--> statement-breakpoint
ALTER TABLE "listing_checks" ADD COLUMN "screenshot_note" text;
