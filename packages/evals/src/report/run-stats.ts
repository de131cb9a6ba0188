import type { RunStatsView, TaskSummary } from "@agent-evals/types";
import { runStats, type TaskResult } from "../stats/index.js";

/**
 * A run's tasks as the statistics read them: the decided ones (passed or failed), each with the
 * measures a comparison reports beside pass rate. Pending and cancelled tasks have no outcome.
 */
export function taskResults(tasks: readonly TaskSummary[]): TaskResult[] {
	return tasks
		.filter((task) => task.status === "passed" || task.status === "failed")
		.map((task) => ({
			exercise: `${task.language}/${task.exercise}`,
			iteration: task.iteration,
			passed: task.status === "passed",
			cost: task.cost,
			durationMs: task.durationMs ?? 0,
			measures: {
				tokensIn: task.tokensIn,
				tokensOut: task.tokensOut,
				turns: task.turns,
				mcpCalls: task.mcpCallCount,
			},
		}));
}

/** Pass rate with its interval, pass@k and standard error, overall and per language, and by try. */
export function runStatsOf(tasks: readonly TaskSummary[]): RunStatsView {
	return { ...runStats(taskResults(tasks)), passRateByTry: passRateByTry(tasks) };
}

/**
 * Aider's pass_rate_1, pass_rate_2…: the share of decided tasks whose tests passed by try k.
 * Empty when no task had more than one try.
 */
export function passRateByTry(tasks: readonly TaskSummary[]): number[] {
	const decided = tasks.filter((task) => task.status === "passed" || task.status === "failed");
	const most = Math.max(0, ...decided.map((task) => task.tries.length));
	if (most < 2 || decided.length === 0) return [];
	return Array.from(
		{ length: most },
		(_, k) => decided.filter((task) => task.passedAtTry !== null && task.passedAtTry <= k + 1).length / decided.length,
	);
}
