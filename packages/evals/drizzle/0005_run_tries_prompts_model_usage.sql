ALTER TABLE "runs" ADD COLUMN "tries" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "prompts" jsonb;--> statement-breakpoint
ALTER TABLE "task_metrics" ADD COLUMN "model_usage" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "tries" jsonb DEFAULT '[]'::jsonb NOT NULL;