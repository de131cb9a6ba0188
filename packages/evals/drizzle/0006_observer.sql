CREATE TABLE "ai_anomalies" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"session_id" integer NOT NULL,
	"task_id" integer,
	"detector" text NOT NULL,
	"key" text NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"confidence" real NOT NULL,
	"detected_value" real,
	"expected_value" real,
	"threshold" real,
	"unit" text DEFAULT '' NOT NULL,
	"suggested_action" text,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"task_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"resolved" boolean DEFAULT false NOT NULL,
	"resolved_at" timestamp with time zone,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_anomalies_run_key_unique" UNIQUE("run_id","key")
);
--> statement-breakpoint
CREATE TABLE "ai_insights" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"session_id" integer NOT NULL,
	"anomaly_id" integer,
	"key" text NOT NULL,
	"category" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"confidence" real NOT NULL,
	"severity" text NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recommendations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	CONSTRAINT "ai_insights_run_key_unique" UNIQUE("run_id","key")
);
--> statement-breakpoint
CREATE TABLE "ai_observer_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"observer_level" text NOT NULL,
	"steering_mode" text NOT NULL,
	"insights_config" text NOT NULL,
	"budget_usd" real,
	"thresholds" jsonb NOT NULL,
	"model" text,
	"model_settings" jsonb,
	"status" text DEFAULT 'active' NOT NULL,
	"anomaly_count" integer DEFAULT 0 NOT NULL,
	"insight_count" integer DEFAULT 0 NOT NULL,
	"recommendation_count" integer DEFAULT 0 NOT NULL,
	"applied_count" integer DEFAULT 0 NOT NULL,
	"spent_usd" real DEFAULT 0 NOT NULL,
	"projected_usd" real,
	"projected_low_usd" real,
	"projected_high_usd" real,
	"discarded_usd" real DEFAULT 0 NOT NULL,
	"summary" text,
	"summary_at" timestamp with time zone,
	"revision" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_observer_sessions_run_unique" UNIQUE("run_id")
);
--> statement-breakpoint
CREATE TABLE "ai_steering_recommendations" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"session_id" integer NOT NULL,
	"anomaly_id" integer,
	"key" text NOT NULL,
	"type" text NOT NULL,
	"priority" text NOT NULL,
	"description" text NOT NULL,
	"expected_impact" text NOT NULL,
	"confidence" real NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"auto_safe" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"applied_at" timestamp with time zone,
	"applied_by" text,
	"outcome" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_steering_recommendations_run_key_unique" UNIQUE("run_id","key")
);
--> statement-breakpoint
ALTER TABLE "runs" DROP CONSTRAINT "runs_status_check";--> statement-breakpoint
ALTER TABLE "ai_anomalies" ADD CONSTRAINT "ai_anomalies_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_anomalies" ADD CONSTRAINT "ai_anomalies_session_id_ai_observer_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."ai_observer_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_anomalies" ADD CONSTRAINT "ai_anomalies_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_insights" ADD CONSTRAINT "ai_insights_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_insights" ADD CONSTRAINT "ai_insights_session_id_ai_observer_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."ai_observer_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_insights" ADD CONSTRAINT "ai_insights_anomaly_id_ai_anomalies_id_fk" FOREIGN KEY ("anomaly_id") REFERENCES "public"."ai_anomalies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_observer_sessions" ADD CONSTRAINT "ai_observer_sessions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_steering_recommendations" ADD CONSTRAINT "ai_steering_recommendations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_steering_recommendations" ADD CONSTRAINT "ai_steering_recommendations_session_id_ai_observer_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."ai_observer_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_steering_recommendations" ADD CONSTRAINT "ai_steering_recommendations_anomaly_id_ai_anomalies_id_fk" FOREIGN KEY ("anomaly_id") REFERENCES "public"."ai_anomalies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_anomalies_task_id_idx" ON "ai_anomalies" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "ai_insights_anomaly_id_idx" ON "ai_insights" USING btree ("anomaly_id");--> statement-breakpoint
CREATE INDEX "ai_steering_recommendations_anomaly_id_idx" ON "ai_steering_recommendations" USING btree ("anomaly_id");--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_status_check" CHECK ("runs"."status" in ('pending', 'running', 'paused', 'completed', 'cancelled', 'failed'));