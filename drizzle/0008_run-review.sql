CREATE TABLE "run_rollups" (
	"workflow_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"durations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "run_rollups_workflow_id_hour_pk" PRIMARY KEY("workflow_id","hour")
);
--> statement-breakpoint
CREATE TABLE "step_rollups" (
	"workflow_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"durations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_failures" integer DEFAULT 0 NOT NULL,
	"last_failed_run_id" uuid,
	"last_failed_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "step_rollups_workflow_id_hour_step_id_pk" PRIMARY KEY("workflow_id","hour","step_id")
);
--> statement-breakpoint
DROP INDEX "messages_thread_idx";--> statement-breakpoint
DROP INDEX "runs_workflow_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "live_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "rolled_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "live_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "notify" text DEFAULT 'failures' NOT NULL;--> statement-breakpoint
ALTER TABLE "run_rollups" ADD CONSTRAINT "run_rollups_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_rollups" ADD CONSTRAINT "run_rollups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_rollups" ADD CONSTRAINT "step_rollups_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_rollups_user_idx" ON "run_rollups" USING btree ("user_id","hour");--> statement-breakpoint
CREATE INDEX "messages_thread_live_idx" ON "messages" USING btree ("thread_id","live_seq");--> statement-breakpoint
CREATE INDEX "runs_thread_idx" ON "runs" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_active_idx" ON "runs" USING btree ("workflow_id","created_at") WHERE "runs"."status" in ('queued', 'running', 'waiting');--> statement-breakpoint
CREATE INDEX "runs_unrolled_idx" ON "runs" USING btree ("workflow_id","created_at") WHERE not "runs"."rolled_up" and "runs"."status" in ('succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("thread_id","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_workflow_idx" ON "runs" USING btree ("workflow_id","created_at","id");