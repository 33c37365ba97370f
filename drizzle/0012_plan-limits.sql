CREATE TABLE "workflow_debounces" (
	"workflow_id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"settles_at" timestamp with time zone NOT NULL,
	"deliveries" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_delivery_keys" (
	"workflow_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"run_id" uuid NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_delivery_keys_workflow_id_key_hash_pk" PRIMARY KEY("workflow_id","key_hash")
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "admitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workflow_debounces" ADD CONSTRAINT "workflow_debounces_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_debounces" ADD CONSTRAINT "workflow_debounces_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_delivery_keys" ADD CONSTRAINT "workflow_delivery_keys_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workflow_delivery_keys_claimed_idx" ON "workflow_delivery_keys" USING btree ("claimed_at");--> statement-breakpoint
CREATE INDEX "runs_admitted_idx" ON "runs" USING btree ("workflow_id","admitted_at") WHERE "runs"."admitted_at" is not null;