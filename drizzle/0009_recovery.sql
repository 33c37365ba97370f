CREATE TABLE "bulk_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"filter" jsonb NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cursor" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "reused_from" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "rerun_of_id" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "rerun" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "bulk_action_id" uuid;--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "resumed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bulk_actions" ADD CONSTRAINT "bulk_actions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_actions_user_idx" ON "bulk_actions" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_rerun_of_id_runs_id_fk" FOREIGN KEY ("rerun_of_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_bulk_action_id_bulk_actions_id_fk" FOREIGN KEY ("bulk_action_id") REFERENCES "public"."bulk_actions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_rerun_of_idx" ON "runs" USING btree ("rerun_of_id") WHERE "runs"."rerun_of_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_bulk_source_idx" ON "runs" USING btree ("bulk_action_id","rerun_of_id") WHERE "runs"."bulk_action_id" is not null;--> statement-breakpoint
CREATE INDEX "runs_ended_idx" ON "engine"."runs" USING btree ("ended_at") WHERE ended_at is not null;