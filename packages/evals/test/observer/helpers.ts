import type { AnomalyView, DetectorName, ObserverView, RunConfigInput } from "@agent-evals/types";
import { harness } from "../helpers/runner.js";

/*
 * Observed runs for the observer's tests: a real controller, agent processes and grading on an
 * in-memory store of its own (so one scenario's history never leaks into another's), and the
 * bookkeeping of precision and recall over the problems a scenario injected.
 */

export const ADDER = "def add(a, b):\n    return a + b\n";
export const write = (path: string, content: string) => ({ name: "write_to_file", input: { path, content } });
export const done = { name: "attempt_completion", input: { result: "done" } };
/** One model turn that solves the runner suite's python/adder and finishes. */
export const solve = { toolCalls: [write("adder.py", ADDER), done] };

/** Fast looks and short limits, so problems show within a test's seconds. */
export const quickConfig = {
	intervalSeconds: 0.5,
	stuck: { seconds: 5 },
};

export interface ObservedRun {
	runId: number;
	status: string;
	view: ObserverView;
	tasks: Array<{ id: number; status: string; iteration: number; error: string | null; attempt: number }>;
}

/** Creates a run on a fresh store, executes it with its observer, and returns what was found. */
export async function observedRun(
	input: RunConfigInput,
	options: {
		env?: NodeJS.ProcessEnv;
		/** Looks at the store once the run has finished, before it is closed. */
		after?: (h: Awaited<ReturnType<typeof harness>>, runId: number) => Promise<void>;
	} = {},
): Promise<ObservedRun> {
	const started = Date.now();
	const h = await harness({
		env: options.env,
		log: process.env.EVALS_DEBUG ? (message) => console.log(`${Date.now() - started} ms ${message}`) : undefined,
	});
	try {
		const { run } = await h.createRun(h.config(input));
		const finished = await h.controller.execute(run.id);
		await options.after?.(h, run.id);
		const tasks = await h.store.tasks.list(run.id);
		return {
			runId: run.id,
			status: finished.status,
			view: await h.store.observer.view(run.id),
			tasks: tasks.map(({ id, status, iteration, error, attempt }) => ({ id, status, iteration, error, attempt })),
		};
	} finally {
		await h.close();
	}
}

/** A problem a scenario put there on purpose: which detector should see it, about which tasks. */
export interface Injected {
	scenario: string;
	detector: DetectorName;
	/** The finding must name at least one of these tasks; absent: any finding of the detector. */
	taskIds?: number[];
	/** Or its key must contain this (an MCP server, an exercise). */
	subject?: string;
}

export interface Tally {
	scenario: string;
	injected: Injected[];
	findings: AnomalyView[];
}

function matches(finding: AnomalyView, problem: Injected): boolean {
	if (finding.detector !== problem.detector) return false;
	if (problem.taskIds && !finding.taskIds.some((id) => problem.taskIds?.includes(id))) return false;
	if (problem.subject && !JSON.stringify(finding.evidence).includes(problem.subject)) return false;
	return true;
}

/**
 * Precision: findings that match an injected problem / all findings. Recall: injected problems
 * some finding matches / all injected problems. Clean scenarios inject nothing: any finding
 * there lowers precision.
 */
export function score(tallies: readonly Tally[]) {
	let truePositives = 0;
	let findings = 0;
	let found = 0;
	let injected = 0;
	const rows = tallies.map((tally) => {
		const tp = tally.findings.filter((finding) => tally.injected.some((problem) => matches(finding, problem))).length;
		const hit = tally.injected.filter((problem) => tally.findings.some((finding) => matches(finding, problem))).length;
		truePositives += tp;
		findings += tally.findings.length;
		found += hit;
		injected += tally.injected.length;
		return {
			scenario: tally.scenario,
			injected: tally.injected.map((problem) => problem.detector).join(", ") || "(clean)",
			found: `${hit}/${tally.injected.length}`,
			findings:
				tally.findings
					.map((finding) => `${finding.detector}${matches1(finding, tally.injected) ? "" : " (false)"}`)
					.join(", ") || "-",
		};
	});
	return {
		rows,
		precision: findings === 0 ? 1 : truePositives / findings,
		recall: injected === 0 ? 1 : found / injected,
		falsePositives: findings - truePositives,
		missed: injected - found,
	};
}

function matches1(finding: AnomalyView, injected: Injected[]): boolean {
	return injected.some((problem) => matches(finding, problem));
}

export function printScore(result: ReturnType<typeof score>): void {
	const lines = [
		"Observer detectors over injected problems:",
		...result.rows.map(
			(row) =>
				`  ${row.scenario.padEnd(22)} injected: ${row.injected.padEnd(40)} found ${row.found.padEnd(5)} findings: ${row.findings}`,
		),
		`  precision ${(result.precision * 100).toFixed(1)}% · recall ${(result.recall * 100).toFixed(1)}% · ${result.falsePositives} false positive(s) · ${result.missed} missed`,
	];
	console.log(lines.join("\n"));
}
