CREATE TABLE "checkout_promises" (
	"session_id" text PRIMARY KEY NOT NULL,
	"plan" text NOT NULL,
	"promised" integer NOT NULL,
	"available" integer NOT NULL,
	"country" text,
	"category" text,
	"shortfall_accepted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkout_promises_plan_valid" CHECK ("plan" in ('starter', 'growth', 'professional', 'enterprise')),
	CONSTRAINT "checkout_promises_short_accepted" CHECK ("checkout_promises"."available" >= "checkout_promises"."promised" or "checkout_promises"."shortfall_accepted")
);
--> statement-breakpoint
ALTER TABLE "checkout_promises" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "local_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"payment_intent_id" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "local_refunds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "shortfall_refunds" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"promised" integer NOT NULL,
	"delivered" integer NOT NULL,
	"charge_amount_cents" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"stripe_refund_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "shortfall_refunds_status_valid" CHECK ("status" in ('pending', 'succeeded', 'failed')),
	CONSTRAINT "shortfall_refunds_amount_positive" CHECK ("shortfall_refunds"."amount_cents" > 0 and "shortfall_refunds"."amount_cents" <= "shortfall_refunds"."charge_amount_cents")
);
--> statement-breakpoint
ALTER TABLE "shortfall_refunds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "shortfall_refunds" ADD CONSTRAINT "shortfall_refunds_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shortfall_refunds" ADD CONSTRAINT "shortfall_refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shortfall_refunds" ADD CONSTRAINT "shortfall_refunds_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "local_refunds_idempotency_key_key" ON "local_refunds" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "local_refunds_payment_intent_id_idx" ON "local_refunds" USING btree ("payment_intent_id");--> statement-breakpoint
CREATE POLICY "checkout_promises_read_staff" ON "checkout_promises" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
CREATE POLICY "local_refunds_read_staff" ON "local_refunds" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select public.is_staff()));--> statement-breakpoint
CREATE POLICY "shortfall_refunds_read_own_or_staff" ON "shortfall_refunds" AS PERMISSIVE FOR SELECT TO "authenticated" USING (customer_id in (select c.id from public.customers c where c.user_id = (select auth.uid())) or (select public.is_staff()));--> statement-breakpoint
-- The same privileges as every other table (0002_grants_and_triggers): client
-- roles may read (RLS leaves staff, or the customer's own refund), never
-- write; the API's own connection and service_role write.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.checkout_promises, public.shortfall_refunds, public.local_refunds FROM anon, authenticated;--> statement-breakpoint
GRANT SELECT ON public.checkout_promises TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.checkout_promises TO service_role;--> statement-breakpoint
GRANT SELECT ON public.shortfall_refunds TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.shortfall_refunds TO service_role;--> statement-breakpoint
GRANT SELECT ON public.local_refunds TO anon, authenticated;--> statement-breakpoint
GRANT ALL ON public.local_refunds TO service_role;
