ALTER TABLE "business_profiles" ADD COLUMN "services" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "tagline" text;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "year_established" integer;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "price_range" text;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "payment_methods" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "employees" integer;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "video_url" text;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "logo_key" text;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD COLUMN "photo_keys" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "business_profiles" ADD CONSTRAINT "business_profiles_price_range" CHECK ("business_profiles"."price_range" is null or "business_profiles"."price_range" ~ '^[$]{1,4}$');--> statement-breakpoint
ALTER TABLE "business_profiles" ADD CONSTRAINT "business_profiles_coordinates" CHECK (("business_profiles"."latitude" is null) = ("business_profiles"."longitude" is null) and ("business_profiles"."latitude" is null or ("business_profiles"."latitude" between -90 and 90 and "business_profiles"."longitude" between -180 and 180)));