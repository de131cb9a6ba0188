import type { ObserverConfig } from "@agent-evals/types";
import type { HistoryTask } from "../../db/queries/observer.js";
import type { Finding } from "../finding.js";
import { confidenceFromExcess, escalate, type RobustBaseline, robustBaseline, round } from "../robust.js";
import { type ObservedTask, type RunSnapshot, taskLabel } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Runaway task: tokens, cost, model requests or agent time far above what the run's other tasks
 * needed (median + k·MAD, leaving the task itself out), and above the history of the same
 * exercise with the same model when there is any. A running runaway can be cancelled; that is
 * one of the actions `auto` steering takes by itself.
 */

interface Metric {
	name: "tokens" | "cost" | "turns" | "duration";
	unit: string;
	of(task: ObservedTask): number | null;
	/** The same measure in an earlier run; absent where history does not record it. */
	ofHistory?: (task: HistoryTask) => number;
	minExcess(config: ObserverConfig["runaway"]): number;
}

const METRICS: Metric[] = [
	{
		name: "tokens",
		unit: "tokens",
		of: (t) => t.tokens,
		ofHistory: (h) => h.tokens,
		minExcess: (c) => c.minExcessTokens,
	},
	{ name: "cost", unit: "USD", of: (t) => t.cost, ofHistory: (h) => h.cost, minExcess: (c) => c.minExcessCostUsd },
	{ name: "turns", unit: "requests", of: (t) => t.turns, minExcess: (c) => c.minExcessTurns },
	{
		name: "duration",
		unit: "s",
		of: (t) => (t.durationMs === null ? null : t.durationMs / 1000),
		ofHistory: (h) => h.durationMs / 1000,
		minExcess: (c) => c.minExcessSeconds,
	},
];

interface Exceeded {
	metric: Metric["name"];
	unit: string;
	value: number;
	run: RobustBaseline | null;
	history: RobustBaseline | null;
	/** The higher of the two thresholds it passed. */
	threshold: number;
	expected: number;
}

/** Tasks the agent worked on normally: their numbers make the baseline. */
const isBaseline = (task: ObservedTask) =>
	(task.status === "passed" || task.status === "failed") && task.failureKind !== "infra";

/** Tasks that may be runaways: any the agent worked on in its current attempt. */
const isCandidate = (task: ObservedTask) =>
	task.startedAt !== null && task.failureKind !== "infra" && task.status !== "pending";

export const runawayTask: Detector = {
	name: "runaway_task",
	detect(snapshot, config) {
		const options = config.runaway;
		const baseline = snapshot.tasks.filter(isBaseline);
		const findings: Finding[] = [];
		for (const task of snapshot.tasks.filter(isCandidate)) {
			const others = baseline.filter((other) => other.id !== task.id);
			const history = snapshot.history.filter(
				(past) => past.language === task.language && past.exercise === task.exercise,
			);
			const exceeded: Exceeded[] = [];
			for (const metric of METRICS) {
				const value = metric.of(task);
				if (value === null) continue;
				const hit = judge(metric, value, others, history, options);
				if (hit) exceeded.push(hit);
			}
			const worst = exceeded.sort((a, b) => b.value / b.threshold - a.value / a.threshold)[0];
			if (worst) findings.push(finding(task, worst, exceeded, snapshot, others.length));
		}
		return findings;
	},
};

function judge(
	metric: Metric,
	value: number,
	others: ObservedTask[],
	history: HistoryTask[],
	options: ObserverConfig["runaway"],
): Exceeded | null {
	const baselineOptions = { k: options.k, minRatio: options.minRatio, minExcess: metric.minExcess(options) };
	const runValues = others.map(metric.of).filter((v): v is number => v !== null);
	const run = runValues.length >= options.minBaselineTasks ? robustBaseline(runValues, baselineOptions) : null;
	const pastValues = metric.ofHistory ? history.map(metric.ofHistory) : [];
	const past = pastValues.length > 0 ? robustBaseline(pastValues, baselineOptions) : null;
	// With too few finished tasks in the run, enough history can stand in for the run's baseline.
	if (!run && (!past || past.n < options.minBaselineTasks)) return null;
	if (run && value <= run.threshold) return null;
	if (past && value <= past.threshold) return null;
	const threshold = Math.max(run?.threshold ?? 0, past?.threshold ?? 0);
	return {
		metric: metric.name,
		unit: metric.unit,
		value,
		run,
		history: past,
		threshold,
		expected: run?.median ?? past?.median ?? 0,
	};
}

function finding(
	task: ObservedTask,
	worst: Exceeded,
	all: Exceeded[],
	snapshot: RunSnapshot,
	baselineTasks: number,
): Finding {
	const running = task.status === "running";
	const label = taskLabel(task);
	const digits = worst.unit === "USD" ? 4 : 1;
	const show = (value: number) => (worst.unit === "USD" ? `$${round(value, 4)}` : `${round(value, 1)} ${worst.unit}`);
	const history = worst.history
		? `; ${worst.history.n} earlier task(s) of this exercise had a median of ${show(worst.history.median)}`
		: "";
	const samples = baselineTasks + (worst.history?.n ?? 0);
	return {
		detector: "runaway_task",
		key: `runaway_task:${task.id}`,
		type: worst.metric === "tokens" || worst.metric === "cost" ? "resource" : "performance",
		severity: escalate(worst.value, worst.threshold, "warning", "error"),
		title: `Runaway task ${label}: ${show(worst.value)} (threshold ${show(worst.threshold)})`,
		description: `Task ${task.id} (${label}) ${running ? "has used" : "used"} ${show(worst.value)}, far above the run's median of ${show(worst.expected)} over ${baselineTasks} task(s)${history}.`,
		confidence: confidenceFromExcess(worst.value, worst.threshold) * (1 - 1 / (samples + 1)),
		detectedValue: round(worst.value, digits),
		expectedValue: round(worst.expected, digits),
		threshold: round(worst.threshold, digits),
		unit: worst.unit,
		suggestedAction: running ? "Cancel the task: it is unlikely to finish within a normal budget." : null,
		taskIds: [task.id],
		evidence: {
			task: label,
			metrics: all.map((hit) => ({
				metric: hit.metric,
				unit: hit.unit,
				value: round(hit.value, 4),
				threshold: round(hit.threshold, 4),
				runMedian: hit.run ? round(hit.run.median, 4) : null,
				runMad: hit.run ? round(hit.run.mad, 4) : null,
				historyMedian: hit.history ? round(hit.history.median, 4) : null,
				historyTasks: hit.history?.n ?? 0,
			})),
			baselineTasks,
			running,
			runStatus: snapshot.runStatus,
		},
		active: running,
		recommendation: running
			? {
					type: "cancel_task",
					priority: "high",
					description: `Cancel task ${task.id} (${label}): ${show(worst.value)} against a typical ${show(worst.expected)}.`,
					expectedImpact: `Stops further spending on a task far outside the run's baseline; the task ends as cancelled, with this reason.`,
					parameters: {
						taskId: task.id,
						reason: `cancelled by the observer: runaway (${show(worst.value)}, threshold ${show(worst.threshold)})`,
					},
					autoSafe: true,
				}
			: undefined,
	};
}
