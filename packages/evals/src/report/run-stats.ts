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

/** Pass rate with its interval, pass@k and standard error, overall and per language. */
export function runStatsOf(tasks: readonly TaskSummary[]): RunStatsView {
	return runStats(taskResults(tasks));
}
