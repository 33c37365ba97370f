CREATE TABLE "run_outputs" (
	"run_id" uuid NOT NULL,
	"unit_id" text NOT NULL,
	"value" jsonb NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_outputs_run_id_unit_id_pk" PRIMARY KEY("run_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "wait_signals" (
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"payload" jsonb,
	"signaled_at" timestamp with time zone,
	"armed_at" timestamp with time zone,
	"consumed_at" timestamp with time zone,
	CONSTRAINT "wait_signals_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
ALTER TABLE "run_events" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "run_outputs" ADD CONSTRAINT "run_outputs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wait_signals" ADD CONSTRAINT "wait_signals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "run_events_key_idx" ON "run_events" USING btree ("run_id","key");