CREATE TABLE "engine"."batches" (
	"key" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event_ids" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."debounces" (
	"key" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event_id" text NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"fire_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."flow_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"tat" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "engine"."jobs" ADD COLUMN "concurrency_key_2" text;--> statement-breakpoint
ALTER TABLE "engine"."jobs" ADD COLUMN "concurrency_limit_2" integer;--> statement-breakpoint
ALTER TABLE "engine"."runs" ADD COLUMN "events" jsonb;--> statement-breakpoint
ALTER TABLE "engine"."runs" ADD COLUMN "concurrency_key_2" text;--> statement-breakpoint
ALTER TABLE "engine"."runs" ADD COLUMN "concurrency_limit_2" integer;--> statement-breakpoint
ALTER TABLE "engine"."runs" ADD COLUMN "singleton_key" text;--> statement-breakpoint
CREATE INDEX "jobs_concurrency_2_idx" ON "engine"."jobs" USING btree ("concurrency_key_2") WHERE locked_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_singleton_idx" ON "engine"."runs" USING btree ("singleton_key") WHERE singleton_key is not null and status in ('queued', 'running');