import type { TaskSummary } from "@agent-evals/types";
import type { Store } from "../db/store.js";
import { table, taskLabel } from "./format.js";

/** An exercise whose verdict flips for one model: across iterations of a run or across runs. */
export interface FlakyExercise {
	exercise: string;
	passed: number;
	failed: number;
	/** The runs it passed and failed in. */
	runs: number[];
}

export interface FlakyReport {
	model: string;
	/** The runs looked at, newest first. */
	runs: number[];
	flaky: FlakyExercise[];
}

/** Exercises with both outcomes among the given tasks (pending and cancelled ones have none). */
export function flakyExercises(tasks: readonly TaskSummary[]): FlakyExercise[] {
	const byExercise = new Map<string, { passed: number; failed: number; runs: Set<number> }>();
	for (const task of tasks) {
		if (task.status !== "passed" && task.status !== "failed") continue;
		const key = taskLabel({ ...task, iteration: 1 });
		const entry = byExercise.get(key) ?? { passed: 0, failed: 0, runs: new Set<number>() };
		if (task.status === "passed") entry.passed++;
		else entry.failed++;
		entry.runs.add(task.runId);
		byExercise.set(key, entry);
	}
	return (
		[...byExercise]
			.filter(([, entry]) => entry.passed > 0 && entry.failed > 0)
			.map(([exercise, entry]) => ({
				exercise,
				passed: entry.passed,
				failed: entry.failed,
				runs: [...entry.runs].sort((a, b) => a - b),
			}))
			// The most evenly split first: those are the least trustworthy.
			.sort(
				(a, b) => Math.min(b.passed, b.failed) - Math.min(a.passed, a.failed) || a.exercise.localeCompare(b.exercise),
			)
	);
}

/** Per model (or only `model`), its last `runsPerModel` finished runs and the exercises that flip in them. */
export async function findFlaky(
	store: Store,
	options: { model?: string; runsPerModel: number },
): Promise<FlakyReport[]> {
	const runs = await store.runs.list({ status: ["completed", "cancelled"], model: options.model, limit: 1000 });
	const byModel = new Map<string, number[]>();
	for (const run of runs) {
		const ids = byModel.get(run.model) ?? [];
		if (ids.length < options.runsPerModel) ids.push(run.id);
		byModel.set(run.model, ids);
	}
	const reports: FlakyReport[] = [];
	for (const [model, ids] of byModel) {
		const tasks = (await Promise.all(ids.map(async (id) => (await store.tasks.summaries(id)).tasks))).flat();
		reports.push({ model, runs: ids, flaky: flakyExercises(tasks) });
	}
	return reports.sort((a, b) => a.model.localeCompare(b.model));
}

export function flakyText(reports: readonly FlakyReport[]): string {
	const rows = reports.flatMap((report) =>
		report.flaky.map((entry) => [
			report.model,
			entry.exercise,
			`${entry.passed}/${entry.passed + entry.failed}`,
			entry.runs.map((id) => `#${id}`).join(" "),
		]),
	);
	const looked = reports.map(
		(report) => `${report.model} (${report.runs.length} run${report.runs.length === 1 ? "" : "s"})`,
	);
	if (rows.length === 0)
		return `No exercise flips between pass and fail in ${looked.join(", ") || "any finished run"}.`;
	return `${table(["model", "exercise", "passed", "runs"], rows)}\n\nLooked at: ${looked.join(", ")}.`;
}
