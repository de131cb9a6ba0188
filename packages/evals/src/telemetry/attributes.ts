import type { Attributes } from "@opentelemetry/api";
import type { Score } from "../grading/score.js";

/*
 * The attributes of the runner's spans. `eval.run_id`, `eval.task_id` and `eval.mcp_server` are
 * on every span of a task (the agent puts the same three on its own), so any one span found in a
 * trace viewer says which run and task it belongs to.
 */

export const EVAL_RUN_ID = "eval.run_id";
export const EVAL_TASK_ID = "eval.task_id";
export const EVAL_MCP_SERVER = "eval.mcp_server";

/** What the run spans need to know of a run. */
export interface TracedRun {
	id: number;
	model: string;
	agent: string;
	mcpServer: string | null;
	arm: string | null;
}

/** What the task spans need to know of a task. */
export interface TracedTask {
	id: number;
	language: string;
	exercise: string;
	iteration: number;
}

export function runAttributes(run: TracedRun): Attributes {
	return {
		[EVAL_RUN_ID]: run.id,
		...(run.mcpServer ? { [EVAL_MCP_SERVER]: run.mcpServer } : {}),
		"eval.model": run.model,
		"eval.agent": run.agent,
		...(run.arm ? { "eval.arm": run.arm } : {}),
	};
}

/** The three every span of a task carries. */
export function taskBaseAttributes(run: TracedRun, taskId: number): Attributes {
	return {
		[EVAL_RUN_ID]: run.id,
		[EVAL_TASK_ID]: taskId,
		...(run.mcpServer ? { [EVAL_MCP_SERVER]: run.mcpServer } : {}),
	};
}

export function taskAttributes(run: TracedRun, task: TracedTask, attempt: number): Attributes {
	return {
		...taskBaseAttributes(run, task.id),
		"eval.language": task.language,
		"eval.exercise": task.exercise,
		"eval.iteration": task.iteration,
		"eval.attempt": attempt,
	};
}

export function outcomeAttributes(outcome: Score): Attributes {
	return {
		"eval.passed": outcome.passed,
		...(outcome.failureKind ? { "eval.failure_kind": outcome.failureKind } : {}),
	};
}

export function runEndAttributes(run: { status: string; passed: number; failed: number }): Attributes {
	return { "eval.status": run.status, "eval.passed_count": run.passed, "eval.failed_count": run.failed };
}
