import type { RunSummary, TaskSummary } from "../src/api/types.js";

let nextTaskId = 1;

export function task(overrides: Partial<TaskSummary> = {}): TaskSummary {
	return {
		id: nextTaskId++,
		runId: 1,
		language: "python",
		exercise: "roman-numerals",
		iteration: 1,
		status: "pending",
		passed: null,
		failureKind: null,
		attempt: 1,
		startedAt: null,
		finishedAt: null,
		durationMs: null,
		agentMs: 0,
		queueWaitMs: null,
		tokensIn: 0,
		tokensOut: 0,
		tokensContext: 0,
		cacheWrites: 0,
		cacheReads: 0,
		cost: 0,
		toolUsage: {},
		testsTampered: false,
		error: null,
		traceId: null,
		...overrides,
	};
}

export function run(overrides: Partial<RunSummary> = {}): RunSummary {
	return {
		id: 1,
		name: null,
		description: null,
		model: "anthropic:claude-sonnet-4-5",
		provider: "anthropic",
		agent: "builtin",
		sandbox: "local",
		mcpServer: null,
		groupId: null,
		arm: null,
		suite: "/suite",
		status: "completed",
		concurrency: 2,
		timeoutMinutes: 5,
		iterations: 1,
		createdAt: "2025-01-01T10:00:00.000Z",
		startedAt: "2025-01-01T10:00:01.000Z",
		finishedAt: "2025-01-01T10:10:00.000Z",
		passed: 0,
		failed: 0,
		total: 0,
		running: 0,
		pending: 0,
		cancelled: 0,
		passRate: null,
		tokensIn: 0,
		tokensOut: 0,
		cost: 0,
		durationMs: 600_000,
		toolUsage: {},
		...overrides,
	};
}
