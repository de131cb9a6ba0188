import {
	type CompareResponse,
	type RunComparison,
	type RunDetail,
	runSummarySchema,
	type TaskSummary,
} from "@agent-evals/types";
import type { Store } from "../db/store.js";
import { environmentDifferences } from "../run/environment.js";
import { comparePaired, type PairedMeasure } from "../stats/index.js";
import { formatPoints } from "../stats/verdict.js";
import { seconds, table, usd } from "./format.js";
import { taskResults } from "./run-stats.js";

/** A run to compare could not be read: the caller's mistake (an unknown id). */
export class CompareInputError extends Error {
	override readonly name = "CompareInputError";
}

/**
 * Every later run against the first (A), each paired over the exercises both ran, with the
 * outcome flips by exercise and what differs in how the runs were made.
 */
export async function compareRuns(store: Store, runIds: readonly number[]): Promise<CompareResponse> {
	if (runIds.length < 2) throw new CompareInputError("Name at least two runs to compare, e.g. evals compare 12 13.");
	const loaded = await Promise.all(
		runIds.map(async (id) => {
			const detail = await store.runs.detail(id);
			if (!detail) throw new CompareInputError(`There is no run ${id}. List runs with: evals runs`);
			return { run: detail.run, tasks: (await store.tasks.summaries(id)).tasks };
		}),
	);
	const [first, ...rest] = loaded;
	if (!first) throw new CompareInputError("Name at least two runs to compare.");
	const comparisons = rest.map((other) => compareTwo(first, other));
	// The summaries only: a run's settings (a scripted model's whole script) would swamp the answer.
	return { runs: loaded.map((entry) => runSummarySchema.parse(entry.run)), comparisons };
}

/**
 * The runs `evals compare <id>` means when given one run: its group (an MCP A/B), baseline first.
 * Undefined when the run has no group.
 */
export async function groupToCompare(store: Store, runId: number): Promise<number[] | undefined> {
	const group = await store.runs.group(runId);
	if (group.length < 2) return undefined;
	return [...group].sort((a, b) => Number(b.arm === "baseline") - Number(a.arm === "baseline")).map((run) => run.id);
}

function compareTwo(
	a: { run: RunDetail; tasks: TaskSummary[] },
	b: { run: RunDetail; tasks: TaskSummary[] },
): RunComparison {
	const labelA = `run ${a.run.id}`;
	const labelB = `run ${b.run.id}`;
	const result = comparePaired(taskResults(a.tasks), taskResults(b.tasks), { labels: { a: labelA, b: labelB } });
	const measures: Record<string, PairedMeasure> = {
		cost: result.cost,
		durationMs: result.durationMs,
		...result.measures,
	};
	return {
		a: a.run.id,
		b: b.run.id,
		exercises: result.exercises,
		onlyA: result.onlyA,
		onlyB: result.onlyB,
		passRate: result.passRate,
		measures,
		pairs: result.pairs,
		fixed: result.fixed,
		broke: result.broke,
		pValue: result.pValue,
		significant: result.significant,
		tooSmall: result.tooSmall,
		verdict: result.verdict,
		flips: flips(a.tasks, b.tasks),
		warnings: environmentDifferences(a.run.environment, b.run.environment),
	};
}

/** Exercises whose outcome changed, by (exercise, iteration) pair. */
function flips(a: readonly TaskSummary[], b: readonly TaskSummary[]): RunComparison["flips"] {
	const outcome = (tasks: readonly TaskSummary[]) =>
		new Map(
			tasks
				.filter((task) => task.status === "passed" || task.status === "failed")
				.map((task) => [`${task.language}/${task.exercise}#${task.iteration}`, task.status === "passed"]),
		);
	const before = outcome(a);
	const fixed = new Set<string>();
	const broke = new Set<string>();
	for (const [key, passed] of outcome(b)) {
		const was = before.get(key);
		if (was === undefined || was === passed) continue;
		(passed ? fixed : broke).add(key.slice(0, key.lastIndexOf("#")));
	}
	return { fixed: [...fixed].sort(), broke: [...broke].sort() };
}

/** Whether any later run is significantly worse than the first: `--fail-if-worse`. */
export function anyWorse(response: CompareResponse): boolean {
	return response.comparisons.some((c) => c.significant && c.passRate.difference < 0);
}

/** `evals compare` as text: a table per comparison, the verdict, the flips, the warnings. */
export function compareText(response: CompareResponse): string {
	const byId = new Map(response.runs.map((run) => [run.id, run]));
	const describe = (id: number) => {
		const run = byId.get(id);
		if (!run) return `run ${id}`;
		const extras = [run.agent, run.mcpServer ? `MCP ${run.mcpServer}` : run.arm === "baseline" ? "no MCP" : null];
		return `run ${id} (${run.model}, ${extras.filter(Boolean).join(", ")})`;
	};
	const blocks = response.comparisons.map((c) => {
		const rows: string[][] = [
			[
				"pass rate",
				`${formatPoints(c.passRate.a)}%`,
				`${formatPoints(c.passRate.b)}%`,
				`${formatPoints(c.passRate.difference, true)} pp [${formatPoints(c.passRate.interval.low)}, ${formatPoints(c.passRate.interval.high)}]`,
			],
		];
		const show: Array<[string, string, (value: number, signed?: boolean) => string]> = [
			["cost / task", "cost", (v, signed) => signedText(usd(Math.abs(v)), v, signed)],
			["duration / task", "durationMs", (v, signed) => signedText(seconds(Math.abs(v)), v, signed)],
			["tokens in / task", "tokensIn", (v, signed) => signedText(Math.abs(v).toFixed(0), v, signed)],
			["tokens out / task", "tokensOut", (v, signed) => signedText(Math.abs(v).toFixed(0), v, signed)],
			["turns / task", "turns", (v, signed) => signedText(Math.abs(v).toFixed(1), v, signed)],
			["MCP calls / task", "mcpCalls", (v, signed) => signedText(Math.abs(v).toFixed(1), v, signed)],
		];
		for (const [label, key, format] of show) {
			const m = c.measures[key];
			if (!m) continue;
			rows.push([
				label,
				format(m.a),
				format(m.b),
				`${format(m.difference, true)} [${format(m.interval.low, true)}, ${format(m.interval.high, true)}]`,
			]);
		}
		const lines = [
			`A: ${describe(c.a)}`,
			`B: ${describe(c.b)}`,
			`over ${c.exercises} exercise${c.exercises === 1 ? "" : "s"} both ran (${c.pairs} pairs)`,
			"",
			table(["", "A", "B", "B − A [95% interval]"], rows),
			"",
			`McNemar exact test on the flips: ${c.fixed} fixed, ${c.broke} broke, p = ${c.pValue.toPrecision(2)}`,
			`Verdict: ${c.verdict}`,
		];
		if (c.flips.fixed.length > 0) lines.push(`Fixed in B: ${c.flips.fixed.join(", ")}`);
		if (c.flips.broke.length > 0) lines.push(`Broke in B: ${c.flips.broke.join(", ")}`);
		if (c.onlyA.length + c.onlyB.length > 0) {
			lines.push(`Not compared (only one run has them): ${[...c.onlyA, ...c.onlyB].join(", ")}`);
		}
		for (const warning of c.warnings) lines.push(`Warning: the runs differ: ${warning}`);
		return lines.join("\n");
	});
	return blocks.join("\n\n");
}

function signedText(text: string, value: number, signed = false): string {
	if (!signed) return value < 0 ? `-${text}` : text;
	return `${value < 0 ? "−" : "+"}${text}`;
}
