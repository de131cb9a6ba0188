import { quantile } from "../../stats/bootstrap.js";
import { seededRandom } from "../../stats/prng.js";
import type { Finding } from "../finding.js";
import { round } from "../robust.js";
import type { ObservedTask, RunSnapshot } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Budget projection: what the run will have cost when every task is done, at the current rate.
 * Spent is every task's cost so far (running ones included) plus attempts a pause stopped; each
 * pending task adds the mean cost of a finished task, each running one at least that mean. The
 * interval comes from a seeded bootstrap of that mean, and the confidence of a warning or breach
 * is the share of resampled projections past its line. Warn at `budget.warnAt` of the budget,
 * breach at `breachAt`; a breach while tasks wait recommends pausing the run, which `auto`
 * steering does by itself.
 */

const RESAMPLES = 2000;
const SEED = 7;
const COVERAGE = 0.95;

export interface BudgetProjection {
	budgetUsd: number;
	spentUsd: number;
	/** Null until enough tasks finished to know what a task costs. */
	projectedUsd: number | null;
	lowUsd: number | null;
	highUsd: number | null;
	meanTaskUsd: number | null;
	finished: number;
	running: number;
	pending: number;
	/** Resampled projections, sorted: the confidence of a line is the share above it. */
	resampled: number[];
}

const isGraded = (task: ObservedTask) => task.status === "passed" || task.status === "failed";

export function projectBudget(snapshot: RunSnapshot, minFinishedTasks: number): BudgetProjection | null {
	if (snapshot.budgetUsd === null) return null;
	const finished = snapshot.tasks.filter(isGraded);
	const running = snapshot.tasks.filter((task) => task.status === "running");
	const pending = snapshot.tasks.filter((task) => task.status === "pending").length;
	const spent = snapshot.tasks.reduce((sum, task) => sum + task.cost, 0) + snapshot.discardedUsd;
	const base = {
		budgetUsd: snapshot.budgetUsd,
		spentUsd: spent,
		finished: finished.length,
		running: running.length,
		pending,
	};
	if (finished.length < minFinishedTasks) {
		return { ...base, projectedUsd: null, lowUsd: null, highUsd: null, meanTaskUsd: null, resampled: [] };
	}
	const costs = finished.map((task) => task.cost);
	const project = (mean: number) =>
		spent + running.reduce((sum, task) => sum + Math.max(0, mean - task.cost), 0) + mean * pending;
	const mean = costs.reduce((sum, cost) => sum + cost, 0) / costs.length;
	const random = seededRandom(SEED);
	const resampled: number[] = [];
	for (let r = 0; r < RESAMPLES; r++) {
		let sum = 0;
		for (let i = 0; i < costs.length; i++) sum += costs[Math.floor(random() * costs.length)] ?? 0;
		resampled.push(project(sum / costs.length));
	}
	resampled.sort((a, b) => a - b);
	const tail = (1 - COVERAGE) / 2;
	return {
		...base,
		projectedUsd: project(mean),
		lowUsd: quantile(resampled, tail),
		highUsd: quantile(resampled, 1 - tail),
		meanTaskUsd: mean,
		resampled,
	};
}

/** Share of resampled projections at or above `line` (1 when the money is already spent). */
function shareAbove(projection: BudgetProjection, line: number): number {
	if (projection.spentUsd >= line) return 1;
	if (projection.resampled.length === 0) return 0;
	return projection.resampled.filter((value) => value >= line).length / projection.resampled.length;
}

const usd = (value: number | null) => (value === null ? "?" : `$${value < 10 ? round(value, 4) : round(value, 2)}`);

export const budget: Detector = {
	name: "budget",
	detect(snapshot, config) {
		const projection = projectBudget(snapshot, config.budget.minFinishedTasks);
		if (!projection) return [];
		const { budgetUsd, spentUsd, projectedUsd } = projection;
		const reach = Math.max(spentUsd, projectedUsd ?? 0);
		const running = snapshot.runStatus === "running";
		const evidence = {
			budgetUsd,
			spentUsd: round(spentUsd, 6),
			projectedUsd: projectedUsd === null ? null : round(projectedUsd, 6),
			intervalUsd: projection.lowUsd === null ? null : [round(projection.lowUsd, 6), round(projection.highUsd ?? 0, 6)],
			meanTaskUsd: projection.meanTaskUsd === null ? null : round(projection.meanTaskUsd, 6),
			finishedTasks: projection.finished,
			runningTasks: projection.running,
			pendingTasks: projection.pending,
			discardedUsd: round(snapshot.discardedUsd, 6),
		};
		const interval =
			projection.lowUsd === null ? "" : ` (95% interval ${usd(projection.lowUsd)}–${usd(projection.highUsd)})`;
		const projected =
			projectedUsd === null
				? `spent ${usd(spentUsd)}`
				: `projected ${usd(projectedUsd)}${interval}, spent ${usd(spentUsd)}`;
		const findings: Finding[] = [];
		const breachLine = config.budget.breachAt * budgetUsd;
		const warnLine = config.budget.warnAt * budgetUsd;
		// The budget is part of the key: after a resume with a raised budget, a new breach is new.
		if (reach >= breachLine) {
			const spentAll = spentUsd >= budgetUsd;
			const canPause = running && projection.pending > 0;
			findings.push({
				detector: "budget",
				key: `budget:breach:${budgetUsd}`,
				type: "resource",
				severity: spentAll ? "critical" : "error",
				title: `Budget ${spentAll ? "spent" : "will be exceeded"}: ${projected} of ${usd(budgetUsd)}`,
				description: `At the current cost per task (${usd(projection.meanTaskUsd)}), the run reaches ${usd(reach)} against its budget of ${usd(budgetUsd)} (breach at ${Math.round(config.budget.breachAt * 100)}%); ${projection.finished} tasks finished, ${projection.running} running, ${projection.pending} waiting.`,
				confidence: shareAbove(projection, breachLine),
				detectedValue: round(reach, 6),
				expectedValue: budgetUsd,
				threshold: round(breachLine, 6),
				unit: "USD",
				suggestedAction: canPause ? "Pause the run; resume it with a larger budget if the results are worth it." : null,
				taskIds: [],
				evidence,
				active: running,
				insight: {
					category: "efficiency",
					title: "The run costs more than its budget allows",
					description: `Tasks cost ${usd(projection.meanTaskUsd)} each on average: the whole run would cost ${usd(reach)}.`,
					recommendations: [
						"Resume with a larger budget (evals resume <id> --budget USD), or evaluate fewer exercises.",
					],
				},
				recommendation: canPause
					? {
							type: "pause_run",
							priority: "critical",
							description: `Pause the run at ${usd(spentUsd)} spent: it is on course for ${usd(reach)} against a budget of ${usd(budgetUsd)}.`,
							expectedImpact: `No task starts; running ones stop and wait, with the ${projection.pending} pending, for "evals resume". Finished verdicts stay.`,
							parameters: {
								runId: snapshot.runId,
								budgetUsd,
								spentUsd: round(spentUsd, 6),
								projectedUsd: round(reach, 6),
							},
							autoSafe: true,
						}
					: undefined,
			});
		} else if (reach >= warnLine && (projectedUsd !== null || spentUsd >= warnLine)) {
			findings.push({
				detector: "budget",
				key: `budget:warn:${budgetUsd}`,
				type: "resource",
				severity: "warning",
				title: `Budget at ${Math.round((reach / budgetUsd) * 100)}%: ${projected} of ${usd(budgetUsd)}`,
				description: `The run is on course for ${usd(reach)}, ${Math.round((reach / budgetUsd) * 100)}% of its budget of ${usd(budgetUsd)} (warning at ${Math.round(config.budget.warnAt * 100)}%).`,
				confidence: shareAbove(projection, warnLine),
				detectedValue: round(reach, 6),
				expectedValue: budgetUsd,
				threshold: round(warnLine, 6),
				unit: "USD",
				suggestedAction: "Keep an eye on the cost per task; raise the budget if the run must finish.",
				taskIds: [],
				evidence,
				active: running,
				insight: {
					category: "efficiency",
					title: "The run is close to its budget",
					description: `At ${usd(projection.meanTaskUsd)} per task the run ends at about ${usd(reach)} of ${usd(budgetUsd)}.`,
					recommendations: ["Raise the budget before it is reached, or accept that the run may pause."],
				},
			});
		}
		return findings;
	},
};
