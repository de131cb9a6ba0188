import {
	type AgentProcesses,
	type AnomalyType,
	type AppliedBy,
	type DetectorName,
	type FailureKind,
	failureKinds,
	type InsightCategory,
	type InsightsMode,
	type ModelUsage,
	type ObserverConfig,
	type ObserverLevel,
	type ObserverSessionStatus,
	type OtelMode,
	type RecommendationPriority,
	type RecommendationStatus,
	type RecommendationType,
	type RunEnvironment,
	type RunPrompts,
	type RunStatus,
	runDefaults,
	runStatuses,
	type Severity,
	type SteeringMode,
	type TaskEvent,
	type TaskStatus,
	type TaskTry,
	type ToolUsage,
	taskStatuses,
} from "@agent-evals/types";
import { sql } from "drizzle-orm";
import {
	bigint,
	bigserial,
	boolean,
	check,
	index,
	integer,
	jsonb,
	pgTable,
	real,
	serial,
	text,
	timestamp,
	unique,
} from "drizzle-orm/pg-core";

// The one definition of the tables for both PGlite and PostgreSQL. Changing anything here needs
// `npm run db:generate -w @agent-evals/evals` and the generated migration committed with it.

export type { FailureKind, RunStatus, TaskStatus };

/** Milliseconds spent in each phase of a task; the runner may add phases. */
export type PhaseTimings = {
	workspaceMs?: number;
	agentStartMs?: number;
	agentMs?: number;
	gradeMs?: number;
	[phase: string]: number | undefined;
};

/** Settings as the runner stored them: already redacted, so never holds API keys. */
export type StoredSettings = Record<string, unknown>;

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });
// A run of a few thousand long tasks can pass 2^31 tokens once summed (cache reads above all),
// so counters are bigint; "number" mode keeps them plain JS numbers (exact up to 2^53).
const tokenCount = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

export const taskMetrics = pgTable("task_metrics", {
	id: serial("id").primaryKey(),
	tokensIn: tokenCount("tokens_in"),
	tokensOut: tokenCount("tokens_out"),
	tokensContext: tokenCount("tokens_context"),
	cacheWrites: tokenCount("cache_writes"),
	cacheReads: tokenCount("cache_reads"),
	/** USD. */
	cost: real("cost").notNull().default(0),
	/** Milliseconds: agent time for a task, wall time for a run. */
	duration: integer("duration").notNull().default(0),
	toolUsage: jsonb("tool_usage").$type<ToolUsage>().notNull().default({}),
	/** Tokens and cost by `provider:model` (a task that moved to its fallback model has two). */
	modelUsage: jsonb("model_usage").$type<ModelUsage>().notNull().default({}),
	createdAt: createdAt(),
});

export const runs = pgTable(
	"runs",
	{
		id: serial("id").primaryKey(),
		taskMetricsId: integer("task_metrics_id").references(() => taskMetrics.id, { onDelete: "set null" }),
		/** `provider:model` as given, e.g. "anthropic:claude-sonnet-4", or "oracle". */
		model: text("model").notNull(),
		provider: text("provider"),
		name: text("name"),
		description: text("description"),
		agent: text("agent").notNull().default(runDefaults.agent),
		/**
		 * The sandbox the task commands ran in ("local", "bwrap", …): always the one chosen, never
		 * "auto". The default only fills rows from before the column (the migrations say "local").
		 */
		sandbox: text("sandbox").notNull().default("local"),
		/**
		 * How its tasks got their agent: "warm" (one process per slot, reused) or "fresh" (one per
		 * task). The default fills rows from before the column, when every task had a fresh one.
		 */
		agentProcesses: text("agent_processes").$type<AgentProcesses>().notNull().default("fresh"),
		/** Suite path or name. */
		suite: text("suite").notNull(),
		settings: jsonb("settings").$type<StoredSettings>().notNull().default({}),
		/** The MCP servers the agent is given, comma-separated (upstream's column); null: none. */
		mcpServer: text("mcp_server"),
		/** Their configs (`mcpServers` of an mcp.json), secrets masked; `${env:NAME}` kept as written. */
		mcpConfig: jsonb("mcp_config").$type<Record<string, unknown>>(),
		/** What the MCP server is supposed to help with, in the user's words. */
		userIntent: text("user_intent"),
		/** Runs made together to be compared (an MCP A/B): the id of the group's first run. */
		groupId: integer("group_id"),
		/** This run's arm in its group: "mcp" or "baseline". */
		arm: text("arm"),
		contextWindow: integer("context_window"),
		/** USD per million tokens. */
		inputPrice: real("input_price"),
		outputPrice: real("output_price"),
		cacheWritesPrice: real("cache_writes_price"),
		cacheReadsPrice: real("cache_reads_price"),
		concurrency: integer("concurrency").notNull().default(runDefaults.concurrency),
		/** Per-task timeout in minutes (fractions allowed: short limits are useful in tests). */
		timeout: real("timeout").notNull().default(runDefaults.timeoutMinutes),
		/** Limit of each grading command, seconds. */
		commandTimeout: integer("command_timeout").notNull().default(runDefaults.commandTimeoutSeconds),
		iterations: integer("iterations").notNull().default(runDefaults.iterations),
		/** Tries per task (a failed try is followed by one with the test output). */
		tries: integer("tries").notNull().default(runDefaults.tries),
		/** What the agent was told besides the suite: extra system instructions, task prompts by language. */
		prompts: jsonb("prompts").$type<RunPrompts>(),
		status: text("status").$type<RunStatus>().notNull().default("pending"),
		passed: integer("passed").notNull().default(0),
		failed: integer("failed").notNull().default(0),
		/** Where its OpenTelemetry spans go (off, otlp, jaeger, console); never endpoints or headers. */
		otel: text("otel").$type<OtelMode>().notNull().default("off"),
		/** What the run was made with: agent-evals build, exercises' hash, toolchains, machine. */
		environment: jsonb("environment").$type<RunEnvironment>(),
		/** Problems of the platform while the run executed (a store write that failed, …); never secrets. */
		notes: jsonb("notes").$type<string[]>().notNull().default([]),
		controllerPid: integer("controller_pid"),
		/** Host of the controller, so a dead local controller can be told from a live remote one. */
		controllerHost: text("controller_host"),
		heartbeatAt: at("heartbeat_at"),
		createdAt: createdAt(),
		startedAt: at("started_at"),
		finishedAt: at("finished_at"),
	},
	(t) => [
		check("runs_status_check", sql`${t.status} in (${inList(runStatuses)})`),
		// The run list is read newest first, usually filtered by status.
		index("runs_created_at_idx").on(t.createdAt),
	],
);

export const tasks = pgTable(
	"tasks",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskMetricsId: integer("task_metrics_id").references(() => taskMetrics.id, { onDelete: "set null" }),
		// Not null (unlike upstream) so the unique key below really is one: NULLs never conflict.
		language: text("language").notNull(),
		exercise: text("exercise").notNull(),
		iteration: integer("iteration").notNull().default(1),
		status: text("status").$type<TaskStatus>().notNull().default("pending"),
		/** null = no verdict yet (or none possible, e.g. an infra failure). */
		passed: boolean("passed"),
		failureKind: text("failure_kind").$type<FailureKind>(),
		attempt: integer("attempt").notNull().default(0),
		/** The `evals worker` that claimed the task's current attempt; null when a controller ran it. */
		worker: text("worker"),
		/** The agent's own task id (Roo Code's taskId), needed to resume it. */
		agentTaskId: text("agent_task_id"),
		queueWaitMs: integer("queue_wait_ms"),
		phaseTimings: jsonb("phase_timings").$type<PhaseTimings>(),
		testOutput: text("test_output"),
		workspaceDiff: text("workspace_diff"),
		testsTampered: boolean("tests_tampered").notNull().default(false),
		error: text("error"),
		/** The OpenTelemetry trace of the last attempt (32 hex digits); null when not traced. */
		traceId: text("trace_id"),
		/** Model requests the agent made (its `api_req_started` messages): the task's steps. */
		turns: integer("turns").notNull().default(0),
		/** Each try's verdict, time and cost, in order (one unless the run gives more tries). */
		tries: jsonb("tries").$type<TaskTry[]>().notNull().default([]),
		startedAt: at("started_at"),
		finishedAt: at("finished_at"),
		createdAt: createdAt(),
	},
	(t) => [
		unique("tasks_run_exercise_iteration_unique").on(t.runId, t.language, t.exercise, t.iteration),
		index("tasks_run_status_idx").on(t.runId, t.status),
		check("tasks_status_check", sql`${t.status} in (${inList(taskStatuses)})`),
		check("tasks_failure_kind_check", sql`${t.failureKind} is null or ${t.failureKind} in (${inList(failureKinds)})`),
	],
);

export const toolErrors = pgTable(
	"tool_errors",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskId: integer("task_id").references(() => tasks.id, { onDelete: "cascade" }),
		toolName: text("tool_name").notNull(),
		error: text("error").notNull(),
		createdAt: createdAt(),
	},
	// Cascading deletes look rows up by each foreign key; without these they scan the table.
	(t) => [index("tool_errors_run_id_idx").on(t.runId), index("tool_errors_task_id_idx").on(t.taskId)],
);

export const taskEvents = pgTable(
	"task_events",
	{
		/** Global and increasing: the SSE `id:` a client replays from with Last-Event-ID. */
		id: bigserial("id", { mode: "number" }).primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskId: integer("task_id").references(() => tasks.id, { onDelete: "cascade" }),
		eventName: text("event_name").notNull(),
		/** The whole TaskEvent, its `taskId` set to the database task id. */
		event: jsonb("event").$type<TaskEvent>().notNull(),
		createdAt: createdAt(),
	},
	(t) => [index("task_events_run_id_id_idx").on(t.runId, t.id), index("task_events_task_id_idx").on(t.taskId)],
);

// ------------------------------------------------------------------------------------------ MCP
// What the agent did with MCP servers, recorded by the runner from the agent's events (any
// server, any agent that speaks the protocol). Upstream's table and column names, plus ours.

export const mcpConnectionEventTypes = ["start", "established", "error"] as const;
export const mcpCallEventTypes = ["start", "success", "error"] as const;

export const mcpConnectionEvents = pgTable(
	"mcp_connection_events",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskId: integer("task_id").references(() => tasks.id, { onDelete: "cascade" }),
		serverName: text("server_name").notNull(),
		eventType: text("event_type").$type<(typeof mcpConnectionEventTypes)[number]>().notNull(),
		/** Where the server's config came from: global, project or settings. */
		source: text("source"),
		transport: text("transport"),
		/** Connection attempt since the last established one (1 = first try). */
		attempt: integer("attempt"),
		durationMs: integer("duration_ms"),
		errorMessage: text("error_message"),
		/** When it happened (the agent's clock). */
		occurredAt: at("occurred_at").notNull(),
		createdAt: createdAt(),
	},
	(t) => [
		index("mcp_connection_events_run_id_idx").on(t.runId),
		index("mcp_connection_events_task_id_idx").on(t.taskId),
	],
);

export const mcpResourceEvents = pgTable(
	"mcp_resource_events",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskId: integer("task_id").references(() => tasks.id, { onDelete: "cascade" }),
		serverName: text("server_name").notNull(),
		uri: text("uri").notNull(),
		eventType: text("event_type").$type<(typeof mcpCallEventTypes)[number]>().notNull(),
		durationMs: integer("duration_ms"),
		responseSize: integer("response_size"),
		errorMessage: text("error_message"),
		occurredAt: at("occurred_at").notNull(),
		createdAt: createdAt(),
	},
	(t) => [index("mcp_resource_events_run_id_idx").on(t.runId), index("mcp_resource_events_task_id_idx").on(t.taskId)],
);

/** One row per task of a run that had MCP servers: how the task used them, and whether it passed. */
export const mcpRetrievalBenchmarks = pgTable(
	"mcp_retrieval_benchmarks",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		taskId: integer("task_id")
			.notNull()
			.references(() => tasks.id, { onDelete: "cascade" }),
		/** The run's MCP servers, comma-separated (upstream: one server). */
		mcpServerName: text("mcp_server_name").notNull(),
		userIntent: text("user_intent"),
		/** Agent turns (model requests) of the task. */
		totalSteps: integer("total_steps").notNull().default(0),
		mcpCallCount: integer("mcp_call_count").notNull().default(0),
		/** Whether the final tests passed; null until the task has a verdict. */
		codeExecutionSuccess: boolean("code_execution_success"),
		errorCount: integer("error_count").notNull().default(0),
		createdAt: createdAt(),
	},
	(t) => [
		unique("mcp_retrieval_benchmarks_task_unique").on(t.taskId),
		index("mcp_retrieval_benchmarks_run_id_idx").on(t.runId),
	],
);

/** Every MCP call (tool or resource) of a task, in order. */
export const mcpRetrievalCalls = pgTable(
	"mcp_retrieval_calls",
	{
		id: serial("id").primaryKey(),
		benchmarkId: integer("benchmark_id")
			.notNull()
			.references(() => mcpRetrievalBenchmarks.id, { onDelete: "cascade" }),
		/** The agent turn during which the call was made (1 = the first model request). */
		stepNumber: integer("step_number").notNull(),
		serverName: text("server_name").notNull(),
		kind: text("kind").$type<"tool" | "resource">().notNull(),
		toolName: text("tool_name"),
		uri: text("uri"),
		/** The arguments (tool) or `{uri}` (resource), capped; the size is the full size. */
		request: jsonb("request").$type<unknown>(),
		requestSize: integer("request_size"),
		/** `{text}`: the result text as the agent saw it, capped; the size is the full size. */
		response: jsonb("response").$type<{ text: string }>(),
		responseSize: integer("response_size"),
		durationMs: integer("duration_ms"),
		errorMessage: text("error_message"),
		timedOut: boolean("timed_out").notNull().default(false),
		timeoutMs: integer("timeout_ms"),
		/** Where the server's config came from (global, project, settings). */
		source: text("source"),
		/** `ts` of the transcript message that carries the response (joins a call to the transcript). */
		messageTs: bigint("message_ts", { mode: "number" }),
		startedAt: at("started_at"),
		createdAt: createdAt(),
	},
	(t) => [index("mcp_retrieval_calls_benchmark_id_idx").on(t.benchmarkId)],
);

// ------------------------------------------------------------------------------------- observer
// What the observer found while a run worked (or when it was looked at afterwards), and what it
// recommended or did. Upstream's table and column names (REFERENCE.md §3), plus ours: each
// finding has a `key`, stable within its run, so a detector that sees the same problem again
// updates its row instead of adding one.

/** One per observed run: its options and running totals. */
export const aiObserverSessions = pgTable(
	"ai_observer_sessions",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		observerLevel: text("observer_level").$type<ObserverLevel>().notNull(),
		steeringMode: text("steering_mode").$type<SteeringMode>().notNull(),
		insightsConfig: text("insights_config").$type<InsightsMode>().notNull(),
		/** USD; null: no budget. */
		budgetUsd: real("budget_usd"),
		/** Every threshold, defaults filled in, as the detectors used them. */
		thresholds: jsonb("thresholds").$type<ObserverConfig>().notNull(),
		/** `provider:model` of the narrative summary, and its settings (never keys). */
		model: text("model"),
		modelSettings: jsonb("model_settings").$type<Record<string, unknown>>(),
		status: text("status").$type<ObserverSessionStatus>().notNull().default("active"),
		anomalyCount: integer("anomaly_count").notNull().default(0),
		insightCount: integer("insight_count").notNull().default(0),
		recommendationCount: integer("recommendation_count").notNull().default(0),
		appliedCount: integer("applied_count").notNull().default(0),
		spentUsd: real("spent_usd").notNull().default(0),
		projectedUsd: real("projected_usd"),
		projectedLowUsd: real("projected_low_usd"),
		projectedHighUsd: real("projected_high_usd"),
		/** What attempts stopped by a pause had cost: spent, though no verdict counts it. */
		discardedUsd: real("discarded_usd").notNull().default(0),
		/** The narrative summary, grounded in the stored findings and totals. */
		summary: text("summary"),
		summaryAt: at("summary_at"),
		/** Increases with every change, so a stream can tell cheaply that there is news. */
		revision: integer("revision").notNull().default(0),
		startedAt: at("started_at").notNull().defaultNow(),
		endedAt: at("ended_at"),
		createdAt: createdAt(),
	},
	(t) => [unique("ai_observer_sessions_run_unique").on(t.runId)],
);

export const aiAnomalies = pgTable(
	"ai_anomalies",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		sessionId: integer("session_id")
			.notNull()
			.references(() => aiObserverSessions.id, { onDelete: "cascade" }),
		/** The task it is about when there is one; the evidence lists every task concerned. */
		taskId: integer("task_id").references(() => tasks.id, { onDelete: "cascade" }),
		detector: text("detector").$type<DetectorName>().notNull(),
		key: text("key").notNull(),
		type: text("type").$type<AnomalyType>().notNull(),
		severity: text("severity").$type<Severity>().notNull(),
		title: text("title").notNull(),
		description: text("description").notNull(),
		confidence: real("confidence").notNull(),
		detectedValue: real("detected_value"),
		expectedValue: real("expected_value"),
		threshold: real("threshold"),
		unit: text("unit").notNull().default(""),
		suggestedAction: text("suggested_action"),
		evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull().default({}),
		taskIds: jsonb("task_ids").$type<number[]>().notNull().default([]),
		resolved: boolean("resolved").notNull().default(false),
		resolvedAt: at("resolved_at"),
		detectedAt: at("detected_at").notNull().defaultNow(),
		updatedAt: at("updated_at").notNull().defaultNow(),
	},
	(t) => [unique("ai_anomalies_run_key_unique").on(t.runId, t.key), index("ai_anomalies_task_id_idx").on(t.taskId)],
);

export const aiInsights = pgTable(
	"ai_insights",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		sessionId: integer("session_id")
			.notNull()
			.references(() => aiObserverSessions.id, { onDelete: "cascade" }),
		anomalyId: integer("anomaly_id").references(() => aiAnomalies.id, { onDelete: "set null" }),
		key: text("key").notNull(),
		category: text("category").$type<InsightCategory>().notNull(),
		title: text("title").notNull(),
		description: text("description").notNull(),
		confidence: real("confidence").notNull(),
		severity: text("severity").$type<Severity>().notNull(),
		evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull().default({}),
		recommendations: jsonb("recommendations").$type<string[]>().notNull().default([]),
		detectedAt: at("detected_at").notNull().defaultNow(),
		acknowledgedAt: at("acknowledged_at"),
	},
	(t) => [unique("ai_insights_run_key_unique").on(t.runId, t.key), index("ai_insights_anomaly_id_idx").on(t.anomalyId)],
);

export const aiSteeringRecommendations = pgTable(
	"ai_steering_recommendations",
	{
		id: serial("id").primaryKey(),
		runId: integer("run_id")
			.notNull()
			.references(() => runs.id, { onDelete: "cascade" }),
		sessionId: integer("session_id")
			.notNull()
			.references(() => aiObserverSessions.id, { onDelete: "cascade" }),
		anomalyId: integer("anomaly_id").references(() => aiAnomalies.id, { onDelete: "set null" }),
		key: text("key").notNull(),
		type: text("type").$type<RecommendationType>().notNull(),
		priority: text("priority").$type<RecommendationPriority>().notNull(),
		description: text("description").notNull(),
		expectedImpact: text("expected_impact").notNull(),
		confidence: real("confidence").notNull(),
		parameters: jsonb("parameters").$type<Record<string, unknown>>().notNull().default({}),
		/** Whether `auto` steering may apply it by itself. */
		autoSafe: boolean("auto_safe").notNull().default(false),
		status: text("status").$type<RecommendationStatus>().notNull().default("pending"),
		appliedAt: at("applied_at"),
		appliedBy: text("applied_by").$type<AppliedBy>(),
		/** What applying it changed, or why it failed. */
		outcome: text("outcome"),
		createdAt: createdAt(),
	},
	(t) => [
		unique("ai_steering_recommendations_run_key_unique").on(t.runId, t.key),
		index("ai_steering_recommendations_anomaly_id_idx").on(t.anomalyId),
	],
);

export const schema = {
	runs,
	tasks,
	taskMetrics,
	toolErrors,
	taskEvents,
	mcpConnectionEvents,
	mcpResourceEvents,
	mcpRetrievalBenchmarks,
	mcpRetrievalCalls,
	aiObserverSessions,
	aiAnomalies,
	aiInsights,
	aiSteeringRecommendations,
};
export type Schema = typeof schema;

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type Task = typeof tasks.$inferSelect;
export type NewTask = typeof tasks.$inferInsert;
export type TaskMetrics = typeof taskMetrics.$inferSelect;
export type NewTaskMetrics = typeof taskMetrics.$inferInsert;
export type ToolError = typeof toolErrors.$inferSelect;
export type NewToolError = typeof toolErrors.$inferInsert;
export type TaskEventRow = typeof taskEvents.$inferSelect;
export type McpConnectionEvent = typeof mcpConnectionEvents.$inferSelect;
export type NewMcpConnectionEvent = typeof mcpConnectionEvents.$inferInsert;
export type McpResourceEvent = typeof mcpResourceEvents.$inferSelect;
export type NewMcpResourceEvent = typeof mcpResourceEvents.$inferInsert;
export type McpRetrievalBenchmark = typeof mcpRetrievalBenchmarks.$inferSelect;
export type McpRetrievalCall = typeof mcpRetrievalCalls.$inferSelect;
export type NewMcpRetrievalCall = typeof mcpRetrievalCalls.$inferInsert;
export type NewTaskEventRow = typeof taskEvents.$inferInsert;
export type ObserverSession = typeof aiObserverSessions.$inferSelect;
export type NewObserverSession = typeof aiObserverSessions.$inferInsert;
export type Anomaly = typeof aiAnomalies.$inferSelect;
export type Insight = typeof aiInsights.$inferSelect;
export type Recommendation = typeof aiSteeringRecommendations.$inferSelect;
