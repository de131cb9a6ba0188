import type { FailureKind, McpServerStatsView, RunStatus, TaskStatus, ToolUsage } from "@agent-evals/types";
import type { HistoryTask } from "../db/queries/observer.js";

/*
 * What the detectors look at: one run at one moment, as plain values. The live observer builds
 * it from the store every few seconds, `evals observe` builds it once from a finished run; the
 * detectors cannot tell the two apart, which is what makes a rerun find what the live run found.
 * Times are milliseconds since the epoch.
 */

export interface RunSnapshot {
	runId: number;
	/** The moment looked at: now for a live run, its end for a finished one. */
	now: number;
	runStatus: RunStatus;
	concurrency: number;
	model: string;
	/** The run's MCP servers (empty without). */
	mcpServers: string[];
	budgetUsd: number | null;
	/** Cost of attempts a pause stopped. */
	discardedUsd: number;
	tasks: ObservedTask[];
	/** Every infra failure seen, retried attempts included. */
	infraFailures: InfraFailure[];
	mcp: McpActivity;
	/** Finished tasks of earlier runs of the same model. */
	history: HistoryTask[];
}

export interface ObservedTask {
	id: number;
	language: string;
	exercise: string;
	iteration: number;
	status: TaskStatus;
	failureKind: FailureKind | null;
	error: string | null;
	attempt: number;
	/** Start of the current attempt. */
	startedAt: number | null;
	finishedAt: number | null;
	/** Tokens in + out: stored for a finished task, reported so far for a running one. */
	tokens: number;
	/** USD, likewise. */
	cost: number;
	/** Model requests of the current attempt. */
	turns: number;
	/** Agent time of a finished task; time since the start for a running one. */
	durationMs: number | null;
	toolUsage: ToolUsage;
	/** When the agent said it was done (grading follows); null while it works. */
	agentEndedAt: number | null;
	/** Grading time of a finished task. */
	gradeMs: number | null;
	/** When each of the current attempt's agent events was stored, ascending. */
	eventTimes: number[];
	/** Tool calls of the current attempt: what was called with what (the transcript's text). */
	calls: Array<{ signature: string; at: number }>;
	/** Errors the agent reported. */
	errors: Array<{ text: string; at: number }>;
	/** Model requests retried after a failed call. */
	retries: Array<{ at: number; text: string; rateLimited: boolean }>;
}

export interface InfraFailure {
	taskId: number;
	attempt: number;
	error: string;
	at: number;
}

export interface McpActivity {
	calls: Array<{
		server: string;
		taskId: number;
		startedAt: number | null;
		durationMs: number | null;
		error: string | null;
		timedOut: boolean;
		timeoutMs: number | null;
	}>;
	connections: Array<{
		server: string;
		taskId: number | null;
		type: "start" | "established" | "error";
		at: number;
		error: string | null;
	}>;
	stats: McpServerStatsView[];
}

export const taskLabel = (task: Pick<ObservedTask, "language" | "exercise" | "iteration">) =>
	`${task.language}/${task.exercise}${task.iteration > 1 ? ` #${task.iteration}` : ""}`;
