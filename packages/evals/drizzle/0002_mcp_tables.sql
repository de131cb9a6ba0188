CREATE TABLE "mcp_connection_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer,
	"server_name" text NOT NULL,
	"event_type" text NOT NULL,
	"source" text,
	"transport" text,
	"attempt" integer,
	"duration_ms" integer,
	"error_message" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_resource_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer,
	"server_name" text NOT NULL,
	"uri" text NOT NULL,
	"event_type" text NOT NULL,
	"duration_ms" integer,
	"response_size" integer,
	"error_message" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_retrieval_benchmarks" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"mcp_server_name" text NOT NULL,
	"user_intent" text,
	"total_steps" integer DEFAULT 0 NOT NULL,
	"mcp_call_count" integer DEFAULT 0 NOT NULL,
	"code_execution_success" boolean,
	"error_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_retrieval_benchmarks_task_unique" UNIQUE("task_id")
);
--> statement-breakpoint
CREATE TABLE "mcp_retrieval_calls" (
	"id" serial PRIMARY KEY NOT NULL,
	"benchmark_id" integer NOT NULL,
	"step_number" integer NOT NULL,
	"server_name" text NOT NULL,
	"kind" text NOT NULL,
	"tool_name" text,
	"uri" text,
	"request" jsonb,
	"request_size" integer,
	"response" jsonb,
	"response_size" integer,
	"duration_ms" integer,
	"error_message" text,
	"timed_out" boolean DEFAULT false NOT NULL,
	"timeout_ms" integer,
	"source" text,
	"message_ts" bigint,
	"started_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "mcp_server" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "mcp_config" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "user_intent" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "group_id" integer;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "arm" text;--> statement-breakpoint
ALTER TABLE "mcp_connection_events" ADD CONSTRAINT "mcp_connection_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_connection_events" ADD CONSTRAINT "mcp_connection_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_resource_events" ADD CONSTRAINT "mcp_resource_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_resource_events" ADD CONSTRAINT "mcp_resource_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_retrieval_benchmarks" ADD CONSTRAINT "mcp_retrieval_benchmarks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_retrieval_benchmarks" ADD CONSTRAINT "mcp_retrieval_benchmarks_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_retrieval_calls" ADD CONSTRAINT "mcp_retrieval_calls_benchmark_id_mcp_retrieval_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."mcp_retrieval_benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mcp_connection_events_run_id_idx" ON "mcp_connection_events" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "mcp_connection_events_task_id_idx" ON "mcp_connection_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "mcp_resource_events_run_id_idx" ON "mcp_resource_events" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "mcp_resource_events_task_id_idx" ON "mcp_resource_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "mcp_retrieval_benchmarks_run_id_idx" ON "mcp_retrieval_benchmarks" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "mcp_retrieval_calls_benchmark_id_idx" ON "mcp_retrieval_calls" USING btree ("benchmark_id");