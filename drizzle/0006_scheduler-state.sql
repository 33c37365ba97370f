CREATE TABLE "scheduler_state" (
	"id" text PRIMARY KEY NOT NULL,
	"ticked_through" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
