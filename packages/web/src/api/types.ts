/*
 * The HTTP contract, as declared once in @agent-evals/types (api.ts). Only types are imported:
 * importing values from there would pull zod into the bundle, so the few value lists the UI
 * needs are repeated below, checked against the shared types at compile time.
 */
import type {
	ApiIssue,
	ClineMessage,
	ExerciseListResponse,
	FailureKindValue,
	HealthResponse,
	RunConfigInput,
	RunDetail,
	RunDetailResponse,
	RunListResponse,
	RunStatusValue,
	RunSummary,
	TaskDetail,
	TaskEvent,
	TaskListResponse,
	TaskStatusValue,
	TaskSummary,
	ToolUsage,
} from "@agent-evals/types";

export type { ApiIssue, ClineMessage, RunDetail, RunSummary, TaskDetail, TaskEvent, TaskSummary, ToolUsage };

export type RunStatus = RunStatusValue;
export type TaskStatus = TaskStatusValue;
export type FailureKind = FailureKindValue;
export type RunResponse = RunDetailResponse;
export type RunList = RunListResponse;
export type TaskList = TaskListResponse;
export type ExercisesResponse = ExerciseListResponse;
export type ExerciseInfo = ExerciseListResponse["exercises"][number];
export type ToolError = TaskDetail["toolErrors"][number];
export type PhaseTimings = NonNullable<TaskDetail["phaseTimings"]>;
/** The server answers 503/500 with the error shape when unhealthy, so `ok` is the only sure field. */
export type Health = Partial<HealthResponse> & { ok: boolean };

export const runStatuses = [
	"pending",
	"running",
	"completed",
	"cancelled",
	"failed",
] as const satisfies readonly RunStatusValue[];

export type RunSortKey = "created" | "passRate" | "cost" | "duration" | "model";
export type SortOrder = "asc" | "desc";

/** Query of GET /api/runs as the client sends it (the server's schema parses strings). */
export interface RunListQuery {
	model?: string;
	provider?: string;
	status?: RunStatus;
	since?: string;
	sort?: RunSortKey;
	order?: SortOrder;
	limit?: number;
	offset?: number;
}

/** Body of POST /api/runs: the run config `evals run` takes, minus agent settings the form does not offer. */
export type NewRunRequest = Pick<
	RunConfigInput,
	| "model"
	| "agent"
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
>;

export interface CreateRunResult {
	id: number;
	total?: number;
}

export type ExportFormat = "csv" | "json" | "junit";
