ALTER TABLE "run_steps" ADD COLUMN "simulated" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "test" jsonb;