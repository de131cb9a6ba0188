/*
 * The HTTP contract as the dashboard uses it, from @agent-evals/types (api.ts, values.ts). Only
 * types come from the main entry: its values would pull zod into the bundle; the few value lists
 * and helpers the UI needs come from the zod-free `@agent-evals/types/values` and `/tracing`.
 */
import type {
	ApiIssue,
	ClineMessage,
	CompareResponse,
	ExerciseListResponse,
	FailureKind,
	HealthResponse,
	McpCall,
	ObserverView,
	RecommendationView,
	RunConfigInput,
	RunDetail,
	RunDetailResponse,
	RunListParams,
	RunListResponse,
	RunMcpResponse,
	RunSortKey,
	RunStatus,
	RunSummary,
	TaskDetail,
	TaskEvent,
	TaskListResponse,
	TaskStatus,
	TaskSummary,
	ToolUsage,
} from "@agent-evals/types";

export { traceLink } from "@agent-evals/types/tracing";
export { runStatuses } from "@agent-evals/types/values";

export type {
	ApiIssue,
	ClineMessage,
	CompareResponse,
	FailureKind,
	McpCall,
	ObserverView,
	RecommendationView,
	RunDetail,
	RunMcpResponse,
	RunSortKey,
	RunStatus,
	RunSummary,
	TaskDetail,
	TaskEvent,
	TaskStatus,
	TaskSummary,
	ToolUsage,
};

export type RunResponse = RunDetailResponse;
export type RunList = RunListResponse;
export type TaskList = TaskListResponse;
export type ExercisesResponse = ExerciseListResponse;
export type ExerciseInfo = ExerciseListResponse["exercises"][number];
export type ToolError = TaskDetail["toolErrors"][number];
export type PhaseTimings = NonNullable<TaskDetail["phaseTimings"]>;
/** The server answers 503/500 with the error shape when unhealthy, so `ok` is the only sure field. */
export type Health = Partial<HealthResponse> & { ok: boolean };

export type SortOrder = NonNullable<RunListParams["order"]>;
/** Query of GET /api/runs as the client sends it (the server's schema parses strings). */
export type RunListQuery = RunListParams;

/** Body of POST /api/runs: the run config `evals run` takes, minus agent settings the form does not offer. */
export type NewRunRequest = Pick<
	RunConfigInput,
	| "model"
	| "agent"
	| "freshAgent"
	| "suite"
	| "include"
	| "exclude"
	| "exercises"
	| "all"
	| "concurrency"
	| "timeoutMinutes"
	| "iterations"
	| "commandTimeoutSeconds"
	| "name"
	| "description"
	| "mcp"
	| "settings"
	| "systemPrompt"
	| "prompts"
	| "tries"
	| "fallbackModel"
	| "observer"
>;

export type ExportFormat = "csv" | "json" | "junit";
