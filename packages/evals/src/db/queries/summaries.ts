import type { McpCall, RunDetail, RunSummary, TaskSummary, ToolUsage } from "@agent-evals/types";
import { wilsonInterval } from "../../stats/wilson.js";
import type { McpRetrievalCall, Run, Task, TaskMetrics } from "../schema.js";
import type { RunTotals } from "./totals.js";

/*
 * Rows → the API's shapes: the one mapping the server, the CLI's reports and the exports share.
 * Dates become ISO strings; durations are computed against `now` so a list is consistent.
 */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** finished − started, or so far while unfinished; null before the start. */
export function wallTime(startedAt: Date | null, finishedAt: Date | null, now: number): number | null {
	if (!startedAt) return null;
	return Math.max(0, (finishedAt?.getTime() ?? now) - startedAt.getTime());
}

export function toRunSummary(run: Run, totals: RunTotals, toolUsage: ToolUsage | undefined, now: number): RunSummary {
	const decided = totals.passed + totals.failed;
	return {
		id: run.id,
		name: run.name,
		description: run.description,
		model: run.model,
		provider: run.provider,
		agent: run.agent,
		sandbox: run.sandbox,
		agentProcesses: run.agentProcesses,
		mcpServer: run.mcpServer,
		groupId: run.groupId,
		arm: run.arm,
		suite: run.suite,
		status: run.status,
		concurrency: run.concurrency,
		timeoutMinutes: run.timeout,
		iterations: run.iterations,
		createdAt: run.createdAt.toISOString(),
		startedAt: iso(run.startedAt),
		finishedAt: iso(run.finishedAt),
		passed: totals.passed,
		failed: totals.failed,
		total: totals.total,
		running: totals.running,
		pending: totals.pending,
		cancelled: totals.cancelled,
		passRate: decided === 0 ? null : totals.passed / decided,
		passRateInterval: decided === 0 ? null : wilsonInterval(totals.passed, decided),
		passRateFirstTry: run.tries > 1 && decided > 0 ? totals.passedFirstTry / decided : null,
		tokensIn: totals.tokensIn,
		tokensOut: totals.tokensOut,
		cost: totals.cost,
		durationMs: wallTime(run.startedAt, run.finishedAt, now),
		toolUsage: toolUsage ?? {},
	};
}

export function toRunDetail(run: Run, summary: RunSummary, group: readonly number[]): RunDetail {
	return {
		...summary,
		settings: run.settings,
		contextWindow: run.contextWindow,
		inputPrice: run.inputPrice,
		outputPrice: run.outputPrice,
		cacheWritesPrice: run.cacheWritesPrice,
		cacheReadsPrice: run.cacheReadsPrice,
		commandTimeoutSeconds: run.commandTimeout,
		notes: run.notes,
		mcpConfig: run.mcpConfig,
		userIntent: run.userIntent,
		group: [...group],
		environment: run.environment,
		tries: run.tries,
		prompts: run.prompts,
	};
}

export function toTaskSummary(task: Task, metrics: TaskMetrics | null, mcpCallCount: number, now: number): TaskSummary {
	return {
		id: task.id,
		runId: task.runId,
		language: task.language,
		exercise: task.exercise,
		iteration: task.iteration,
		status: task.status,
		passed: task.passed,
		failureKind: task.failureKind,
		attempt: task.attempt,
		startedAt: iso(task.startedAt),
		finishedAt: iso(task.finishedAt),
		durationMs: task.status === "pending" ? null : wallTime(task.startedAt, task.finishedAt, now),
		agentMs: metrics?.duration ?? 0,
		queueWaitMs: task.queueWaitMs,
		tokensIn: metrics?.tokensIn ?? 0,
		tokensOut: metrics?.tokensOut ?? 0,
		tokensContext: metrics?.tokensContext ?? 0,
		cacheWrites: metrics?.cacheWrites ?? 0,
		cacheReads: metrics?.cacheReads ?? 0,
		cost: metrics?.cost ?? 0,
		toolUsage: metrics?.toolUsage ?? {},
		testsTampered: task.testsTampered,
		error: task.error,
		traceId: task.traceId,
		turns: task.turns,
		mcpCallCount,
		passedAtTry: task.tries.find((entry) => entry.passed)?.try ?? (task.status === "passed" ? 1 : null),
		tries: task.tries,
		modelUsage: metrics?.modelUsage ?? {},
	};
}

export function toMcpCall(call: McpRetrievalCall): McpCall {
	return {
		stepNumber: call.stepNumber,
		server: call.serverName,
		kind: call.kind,
		name: call.toolName ?? call.uri ?? "?",
		request: call.request,
		requestSize: call.requestSize,
		response: call.response?.text ?? null,
		responseSize: call.responseSize,
		durationMs: call.durationMs,
		error: call.errorMessage,
		timedOut: call.timedOut,
		messageTs: call.messageTs,
	};
}
