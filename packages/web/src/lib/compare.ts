import type { RunSummary, TaskSummary } from "../api/types.js";

export type CellOutcome = "pass" | "fail" | "partial" | "running" | "pending" | "cancelled" | "missing";
/** How a cell relates to the same exercise in the first (baseline) run. */
export type CellChange = "base" | "same" | "improved" | "regressed" | "changed";

export interface CompareCell {
	outcome: CellOutcome;
	passed: number;
	failed: number;
	/** Tasks of this exercise in the run (one per iteration). */
	total: number;
	/** passed / (passed + failed); null without a verdict. */
	score: number | null;
	cost: number;
	durationMs: number | null;
	costDelta: number | null;
	durationDelta: number | null;
	change: CellChange;
	taskIds: number[];
}

export interface CompareRow {
	key: string;
	language: string;
	exercise: string;
	cells: CompareCell[];
	changed: boolean;
}

export interface CompareColumn {
	run: RunSummary;
	passRateDelta: number | null;
	costDelta: number | null;
	durationDelta: number | null;
	improved: number;
	regressed: number;
}

export interface Comparison {
	columns: CompareColumn[];
	rows: CompareRow[];
	changedRows: number;
}

export interface CompareInput {
	run: RunSummary;
	tasks: TaskSummary[];
}

function cellFor(tasks: TaskSummary[]): Omit<CompareCell, "costDelta" | "durationDelta" | "change"> {
	let passed = 0;
	let failed = 0;
	let running = 0;
	let cancelled = 0;
	let cost = 0;
	let duration = 0;
	let timed = 0;
	for (const task of tasks) {
		if (task.status === "passed") passed++;
		else if (task.status === "failed") failed++;
		else if (task.status === "running") running++;
		else if (task.status === "cancelled") cancelled++;
		cost += task.cost ?? 0;
		if (task.durationMs !== null && task.durationMs !== undefined) {
			duration += task.durationMs;
			timed++;
		}
	}
	const verdicts = passed + failed;
	let outcome: CellOutcome;
	if (tasks.length === 0) outcome = "missing";
	else if (verdicts === 0) outcome = running > 0 ? "running" : cancelled === tasks.length ? "cancelled" : "pending";
	else if (failed === 0) outcome = "pass";
	else if (passed === 0) outcome = "fail";
	else outcome = "partial";
	return {
		outcome,
		passed,
		failed,
		total: tasks.length,
		score: verdicts > 0 ? passed / verdicts : null,
		cost,
		durationMs: timed > 0 ? duration : null,
		taskIds: tasks.map((task) => task.id),
	};
}

function changeBetween(
	base: CompareCell,
	cell: Omit<CompareCell, "change" | "costDelta" | "durationDelta">,
): CellChange {
	if (base.score !== null && cell.score !== null) {
		if (cell.score > base.score) return "improved";
		if (cell.score < base.score) return "regressed";
		return "same";
	}
	// Without two verdicts only presence can differ (an exercise one run did not include).
	return (base.outcome === "missing") !== (cell.outcome === "missing") ? "changed" : "same";
}

function delta(value: number | null | undefined, base: number | null | undefined): number | null {
	if (value === null || value === undefined || base === null || base === undefined) return null;
	return value - base;
}

/**
 * Lines up runs per exercise (rows = language/exercise, columns = runs in the given order) and
 * marks each cell against the first run, the baseline. Iterations of one exercise fold into
 * one cell with a fractional score.
 */
export function buildComparison(inputs: CompareInput[]): Comparison {
	const keys = new Map<string, { language: string; exercise: string }>();
	const perRun = inputs.map(({ tasks }) => {
		const byKey = new Map<string, TaskSummary[]>();
		for (const task of tasks) {
			const key = `${task.language}/${task.exercise}`;
			keys.set(key, { language: task.language, exercise: task.exercise });
			const list = byKey.get(key) ?? [];
			list.push(task);
			byKey.set(key, list);
		}
		return byKey;
	});

	const columns: CompareColumn[] = inputs.map(({ run }, index) => {
		const base = inputs[0]?.run;
		const isBase = index === 0 || !base;
		return {
			run,
			passRateDelta: isBase ? null : delta(run.passRate, base.passRate),
			costDelta: isBase ? null : delta(run.cost, base.cost),
			durationDelta: isBase ? null : delta(run.durationMs, base.durationMs),
			improved: 0,
			regressed: 0,
		};
	});

	const sortedKeys = [...keys.entries()].sort(
		([, a], [, b]) => a.language.localeCompare(b.language) || a.exercise.localeCompare(b.exercise),
	);
	let changedRows = 0;
	const rows: CompareRow[] = sortedKeys.map(([key, { language, exercise }]) => {
		const cells: CompareCell[] = [];
		for (const [index, byKey] of perRun.entries()) {
			const raw = cellFor(byKey.get(key) ?? []);
			const base = cells[0];
			if (index === 0 || !base) {
				cells.push({ ...raw, change: "base", costDelta: null, durationDelta: null });
				continue;
			}
			const present = raw.outcome !== "missing" && base.outcome !== "missing";
			const change = changeBetween(base, raw);
			const column = columns[index];
			if (column && change === "improved") column.improved++;
			if (column && change === "regressed") column.regressed++;
			cells.push({
				...raw,
				change,
				costDelta: present ? raw.cost - base.cost : null,
				durationDelta: present ? delta(raw.durationMs, base.durationMs) : null,
			});
		}
		const changed = cells.some((cell) => cell.change !== "base" && cell.change !== "same");
		if (changed) changedRows++;
		return { key, language, exercise, cells, changed };
	});
	return { columns, rows, changedRows };
}

/** `?runs=3,1,2` → [3, 1, 2]: order kept (the first is the baseline), junk and repeats dropped. */
export function parseRunIds(value: string | null | undefined): number[] {
	if (!value) return [];
	const ids: number[] = [];
	for (const part of value.split(",")) {
		const id = Number(part.trim());
		if (Number.isInteger(id) && id > 0 && !ids.includes(id)) ids.push(id);
	}
	return ids;
}
