ALTER TABLE "workflow_versions" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD COLUMN "rejected_at" timestamp with time zone;