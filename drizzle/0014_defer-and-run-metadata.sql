CREATE TABLE "engine"."defers" (
	"run_id" text NOT NULL,
	"hash" text NOT NULL,
	"fn_slug" text,
	"input" jsonb,
	"meta" jsonb,
	"aborted" boolean DEFAULT false NOT NULL,
	"scheduled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "defers_run_id_hash_pk" PRIMARY KEY("run_id","hash")
);
--> statement-breakpoint
CREATE TABLE "engine"."run_metadata" (
	"run_id" text NOT NULL,
	"step" text NOT NULL,
	"scope" text NOT NULL,
	"kind" text NOT NULL,
	"values" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_metadata_run_id_step_scope_kind_pk" PRIMARY KEY("run_id","step","scope","kind")
);
