ALTER TABLE "runs" ADD COLUMN "otel" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "trace_id" text;