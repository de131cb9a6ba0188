ALTER TABLE "runs" ADD COLUMN "environment" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "turns" integer DEFAULT 0 NOT NULL;