CREATE SCHEMA "engine";
--> statement-breakpoint
CREATE TABLE "engine"."apps" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"framework" text,
	"sdk" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step" text,
	"name" text,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"error" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"idempotency_key" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."functions" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"run_id" text,
	"payload" jsonb NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_at" timestamp with time zone,
	"locked_by" text,
	"key" text,
	"concurrency_key" text,
	"concurrency_limit" integer,
	CONSTRAINT "jobs_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "engine"."pauses" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"run_id" text NOT NULL,
	"step" text,
	"event_name" text,
	"expression" text,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine"."runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"app_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"output" jsonb,
	"error" jsonb,
	"force_step_plan" boolean DEFAULT false NOT NULL,
	"request_version" integer DEFAULT -1 NOT NULL,
	"concurrency_key" text,
	"concurrency_limit" integer,
	"parent_run_id" text,
	"parent_step" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "engine"."steps" (
	"run_id" text NOT NULL,
	"hash" text NOT NULL,
	"name" text,
	"status" text NOT NULL,
	"output" jsonb,
	"position" integer NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "steps_run_id_hash_pk" PRIMARY KEY("run_id","hash")
);
--> statement-breakpoint
CREATE INDEX "attempts_run_idx" ON "engine"."attempts" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "events_name_idx" ON "engine"."events" USING btree ("name");--> statement-breakpoint
CREATE INDEX "events_received_idx" ON "engine"."events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "engine"."jobs" USING btree ("run_at","id") WHERE locked_at is null;--> statement-breakpoint
CREATE INDEX "jobs_run_idx" ON "engine"."jobs" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "jobs_concurrency_idx" ON "engine"."jobs" USING btree ("concurrency_key") WHERE locked_at is not null;--> statement-breakpoint
CREATE INDEX "pauses_event_idx" ON "engine"."pauses" USING btree ("event_name");--> statement-breakpoint
CREATE INDEX "pauses_run_idx" ON "engine"."pauses" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "runs_function_idx" ON "engine"."runs" USING btree ("function_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "engine"."runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "runs_event_idx" ON "engine"."runs" USING btree ("event_id");