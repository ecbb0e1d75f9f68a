CREATE TABLE "local_checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"plan" text NOT NULL,
	"email" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"payment_status" text DEFAULT 'unpaid' NOT NULL,
	"country" text,
	"idempotency_key" text,
	"stripe_customer_id" text,
	"stripe_payment_intent_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "local_checkout_sessions_plan_valid" CHECK ("plan" in ('starter', 'growth', 'professional', 'enterprise')),
	CONSTRAINT "local_checkout_sessions_status_valid" CHECK ("status" in ('open', 'complete', 'expired')),
	CONSTRAINT "local_checkout_sessions_payment_status_valid" CHECK ("payment_status" in ('unpaid', 'paid'))
);
--> statement-breakpoint
ALTER TABLE "local_checkout_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "local_checkout_sessions_idempotency_key_key" ON "local_checkout_sessions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE POLICY "local_checkout_sessions_read_staff" ON "local_checkout_sessions" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));