ALTER TABLE "wait_signals" ADD COLUMN "event_name" text;--> statement-breakpoint
ALTER TABLE "wait_signals" ADD COLUMN "matcher" jsonb;--> statement-breakpoint
CREATE INDEX "wait_signals_event_idx" ON "wait_signals" USING btree ("event_name") WHERE "wait_signals"."event_name" is not null;