ALTER TABLE "workers" ADD COLUMN "scopes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "workers_token_hash_key" ON "workers" USING btree ("token_hash");--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_scopes_valid" CHECK ("workers"."scopes" <@ array['tasks', 'faults']::text[]);