CREATE TABLE "runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_metrics_id" integer,
	"model" text NOT NULL,
	"provider" text,
	"name" text,
	"description" text,
	"agent" text DEFAULT 'builtin' NOT NULL,
	"suite" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"context_window" integer,
	"input_price" real,
	"output_price" real,
	"cache_writes_price" real,
	"cache_reads_price" real,
	"concurrency" integer DEFAULT 2 NOT NULL,
	"timeout" real DEFAULT 5 NOT NULL,
	"command_timeout" integer DEFAULT 120 NOT NULL,
	"iterations" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"passed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"controller_pid" integer,
	"controller_host" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" in ('pending', 'running', 'completed', 'cancelled', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer,
	"event_name" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_metrics" (
	"id" serial PRIMARY KEY NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"tokens_context" bigint DEFAULT 0 NOT NULL,
	"cache_writes" bigint DEFAULT 0 NOT NULL,
	"cache_reads" bigint DEFAULT 0 NOT NULL,
	"cost" real DEFAULT 0 NOT NULL,
	"duration" integer DEFAULT 0 NOT NULL,
	"tool_usage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_metrics_id" integer,
	"language" text NOT NULL,
	"exercise" text NOT NULL,
	"iteration" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"passed" boolean,
	"failure_kind" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"agent_task_id" text,
	"queue_wait_ms" integer,
	"phase_timings" jsonb,
	"test_output" text,
	"workspace_diff" text,
	"tests_tampered" boolean DEFAULT false NOT NULL,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_run_exercise_iteration_unique" UNIQUE("run_id","language","exercise","iteration"),
	CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('pending', 'running', 'passed', 'failed', 'cancelled')),
	CONSTRAINT "tasks_failure_kind_check" CHECK ("tasks"."failure_kind" is null or "tasks"."failure_kind" in ('test_failed', 'timeout', 'agent_error', 'infra', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "tool_errors" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer,
	"tool_name" text NOT NULL,
	"error" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_task_metrics_id_task_metrics_id_fk" FOREIGN KEY ("task_metrics_id") REFERENCES "public"."task_metrics"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_task_metrics_id_task_metrics_id_fk" FOREIGN KEY ("task_metrics_id") REFERENCES "public"."task_metrics"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_errors" ADD CONSTRAINT "tool_errors_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_errors" ADD CONSTRAINT "tool_errors_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_created_at_idx" ON "runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "task_events_run_id_id_idx" ON "task_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "task_events_task_id_idx" ON "task_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "tasks_run_status_idx" ON "tasks" USING btree ("run_id","status");--> statement-breakpoint
CREATE INDEX "tool_errors_run_id_idx" ON "tool_errors" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "tool_errors_task_id_idx" ON "tool_errors" USING btree ("task_id");