ALTER TABLE "job_events" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "job_events_dedupe_key_key" ON "job_events" USING btree ("dedupe_key");