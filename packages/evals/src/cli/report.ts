import type { Run } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { percent, seconds, table, taskDuration, taskVerdict, usd } from "./format.js";
import { label } from "./progress.js";

export interface TaskReport {
	language: string;
	exercise: string;
	iteration: number;
	passed: boolean | null;
	failureKind: string | null;
	durationMs: number | null;
	tokensIn: number;
	tokensOut: number;
	cost: number;
}

/** The tasks of a run with their metrics, as `--json` prints them. */
export async function taskReports(store: Store, runId: number): Promise<TaskReport[]> {
	const tasks = await store.listTasks(runId);
	return Promise.all(
		tasks.map(async (task) => {
			const metrics = task.taskMetricsId ? await store.getTaskMetrics(task.taskMetricsId) : undefined;
			return {
				language: task.language,
				exercise: task.exercise,
				iteration: task.iteration,
				passed: task.passed,
				failureKind: task.failureKind,
				durationMs: taskDuration(task),
				tokensIn: metrics?.tokensIn ?? 0,
				tokensOut: metrics?.tokensOut ?? 0,
				cost: metrics?.cost ?? 0,
			};
		}),
	);
}

export async function runJson(store: Store, run: Run) {
	const tasks = await taskReports(store, run.id);
	return {
		runId: run.id,
		passed: tasks.filter((task) => task.passed === true).length,
		failed: tasks.filter((task) => task.passed === false).length,
		total: tasks.length,
		tasks,
	};
}

/** The human report printed after a run and by `evals show`. */
export async function runText(store: Store, run: Run, options: { details?: boolean } = {}): Promise<string> {
	const tasks = await store.listTasks(run.id);
	const reports = await taskReports(store, run.id);
	const rows = tasks.map((task, i) => {
		const report = reports[i];
		return [
			label(task),
			taskVerdict(task),
			seconds(taskDuration(task)),
			String(report?.tokensIn ?? 0),
			String(report?.tokensOut ?? 0),
			usd(report?.cost ?? 0),
		];
	});
	const passed = tasks.filter((task) => task.status === "passed").length;
	const failed = tasks.filter((task) => task.status === "failed").length;
	const cost = reports.reduce((sum, report) => sum + report.cost, 0);
	const wall = run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null;
	const lines = [
		`Run ${run.id}: ${run.model} with the ${run.agent} agent — ${run.status}`,
		"",
		table(["task", "verdict", "time", "tokens in", "tokens out", "cost"], rows),
		"",
		`${passed} passed, ${failed} failed of ${tasks.length} (${percent(passed, failed)}) · cost ${usd(cost)} · wall time ${seconds(wall)}`,
	];
	if (options.details) {
		for (const task of tasks.filter((t) => t.status === "failed")) {
			lines.push(
				"",
				`--- ${label(task)}: ${task.failureKind}`,
				task.error ?? "",
				(task.testOutput ?? "").slice(-2_000),
			);
		}
	}
	return lines.join("\n");
}
