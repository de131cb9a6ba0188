import type { RunDetail, RunReport, RunStatsView, RunSummary, TaskSummary } from "@agent-evals/types";
import { finishedTaskStatuses } from "@agent-evals/types";
import { runOptionEntries } from "@agent-evals/types/run-options";
import type { Store } from "../db/store.js";
import { percent, seconds, table, taskLabel, taskVerdict, usd } from "./format.js";
import { runStatsOf } from "./run-stats.js";

/** What a run's report is built from: the same shapes the API serves. */
export interface RunReportData {
	run: RunSummary | RunDetail;
	tasks: TaskSummary[];
	/** The end of the test output of failed tasks, by task id (for `--details`). */
	testOutput?: Map<number, string | null>;
}

/** Reads a run's report data from the store; undefined when there is no such run. */
export async function loadRunReport(
	store: Store,
	runId: number,
	options: { details?: boolean } = {},
): Promise<RunReportData | undefined> {
	const detail = await store.runs.detail(runId);
	if (!detail) return undefined;
	const { tasks } = await store.tasks.summaries(runId);
	const data: RunReportData = { run: detail.run, tasks };
	if (options.details) {
		const failed = tasks.filter((task) => task.status === "failed");
		const details = await Promise.all(failed.map((task) => store.tasks.detail(task.id)));
		data.testOutput = new Map(details.flatMap((d) => (d ? [[d.id, d.testOutput] as const] : [])));
	}
	return data;
}

/** The reports of runs that just finished (they cannot vanish in between: that would be a bug). */
export async function loadRunReports(store: Store, runs: Array<{ id: number }>): Promise<RunReportData[]> {
	const reports: RunReportData[] = [];
	for (const run of runs) {
		const report = await loadRunReport(store, run.id);
		if (!report) throw new Error(`Run ${run.id} vanished before its report was read.`);
		reports.push(report);
	}
	return reports;
}

/**
 * The JSON of `evals run --json`, `evals show --json` and the `json` export. `run --json` is a
 * contract scripts parse key by key, so the statistics are only added where asked for (show, export).
 */
export function runReportJson({ run, tasks }: RunReportData, options: { stats?: boolean } = {}): RunReport {
	return {
		runId: run.id,
		passed: tasks.filter((task) => task.passed === true).length,
		failed: tasks.filter((task) => task.passed === false).length,
		total: tasks.length,
		tasks: tasks.map((task) => ({
			language: task.language,
			exercise: task.exercise,
			iteration: task.iteration,
			passed: task.passed,
			failureKind: task.failureKind,
			durationMs: (finishedTaskStatuses as readonly string[]).includes(task.status) ? task.durationMs : null,
			tokensIn: task.tokensIn,
			tokensOut: task.tokensOut,
			cost: task.cost,
		})),
		...(options.stats ? { stats: runStatsOf(tasks) } : {}),
	};
}

/** The human report printed after a run, by `evals show` and as the `text` export. */
export function runReportText({ run, tasks, testOutput }: RunReportData): string {
	const rows = tasks.map((task) => [
		taskLabel(task),
		taskVerdict(task),
		seconds(task.durationMs),
		String(task.tokensIn),
		String(task.tokensOut),
		usd(task.cost),
	]);
	const lines = [
		`Run ${run.id}: ${run.model} with the ${run.agent} agent — ${run.status}`,
		"",
		table(["task", "verdict", "time", "tokens in", "tokens out", "cost"], rows),
		"",
		`${run.passed} passed, ${run.failed} failed of ${run.total} (${percent(run.passed, run.failed)}) · cost ${usd(run.cost)} · wall time ${seconds(run.finishedAt ? run.durationMs : null)}`,
	];
	lines.push(...statsLines(runStatsOf(tasks)));
	if ("settings" in run) lines.push(...runOptionsLines(run));
	const notes = "notes" in run ? run.notes : [];
	if (notes.length > 0)
		lines.push("", "Notes (problems of the platform, not of the agent):", ...notes.map((note) => `- ${note}`));
	if (testOutput) {
		for (const task of tasks.filter((t) => t.status === "failed")) {
			lines.push(
				"",
				`--- ${taskLabel(task)}: ${task.failureKind}`,
				task.error ?? "",
				(testOutput.get(task.id) ?? "").slice(-2_000),
			);
		}
	}
	return lines.join("\n");
}

/** What the run changed from the defaults, under the numbers. */
function runOptionsLines(run: RunDetail): string[] {
	const entries = runOptionEntries(run);
	if (entries.length === 0) return [];
	return [
		"",
		"Run options (changed from the defaults):",
		...entries.map(({ label, value }) => `  ${label} = ${value}`),
	];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/**
 * The run's numbers with their uncertainty: pass rate with its 95 % Wilson interval, pass@k when
 * exercises ran several times (with the standard error clustered by exercise), and per language
 * when there are several.
 */
export function statsLines(stats: RunStatsView): string[] {
	const { overall } = stats;
	if (overall.tasks === 0) return [];
	const line = (label: string, summary: RunStatsView["overall"]) => {
		const parts = [
			`${label} ${pct(summary.passRate)} [95% CI ${pct(summary.interval.low)}, ${pct(summary.interval.high)}]`,
		];
		if (summary.iterations > 1) {
			const ks = Object.entries(summary.passAtK).map(([k, value]) => `pass@${k} ${pct(value)}`);
			parts.push(ks.join(", "));
		}
		if (summary.standardError !== null) {
			parts.push(
				`SE ${(summary.standardError * 100).toFixed(1)} pp${summary.standardErrorKind === "clustered" ? " (clustered by exercise)" : ""}`,
			);
		}
		return parts.join(" · ");
	};
	const lines = [line("pass rate", overall)];
	if (stats.passRateByTry.length > 0) {
		lines.push(stats.passRateByTry.map((rate, i) => `pass@try${i + 1} ${pct(rate)}`).join(" · "));
	}
	const languages = Object.entries(stats.byLanguage);
	if (languages.length > 1) for (const [language, summary] of languages) lines.push(`  ${line(language, summary)}`);
	return lines;
}

/** `evals show --env`: what the run was made with. */
export function environmentText(run: RunSummary | RunDetail): string {
	const environment = "environment" in run ? run.environment : null;
	if (!environment) return "No environment record (the run was made before agent-evals recorded it).";
	const rows = [
		[
			"agent-evals",
			`${environment.agentEvals.version}${environment.agentEvals.gitRevision ? ` (${environment.agentEvals.gitRevision})` : ""}`,
		],
		[
			"exercises (sha256)",
			`${environment.suiteHash} (${plural(Object.keys(environment.exerciseHashes).length, "exercise")})`,
		],
		...Object.entries(environment.toolchains).map(([name, version]) => [name, version ?? "not found"]),
		[
			"machine",
			`${environment.machine.os} ${environment.machine.arch}, ${environment.machine.cpus} CPUs, ${environment.machine.memoryGb} GiB, node ${environment.machine.node}`,
		],
		["model", run.model],
		["settings", JSON.stringify("settings" in run ? run.settings : {})],
	];
	return table(["", ""], rows);
}
