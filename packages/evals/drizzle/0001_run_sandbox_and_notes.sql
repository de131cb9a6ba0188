ALTER TABLE "runs" ADD COLUMN "sandbox" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "notes" jsonb DEFAULT '[]'::jsonb NOT NULL;