DROP INDEX "messages_thread_idx";--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "notify" text DEFAULT 'failures' NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("thread_id","created_at","id");