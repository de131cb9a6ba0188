import type { Finding } from "../finding.js";
import { round } from "../robust.js";
import type { ObservedTask } from "../snapshot.js";
import type { Detector } from "./detector.js";

/*
 * Flaky exercise: the same exercise both passes and fails among this run's iterations, or its
 * verdicts with this model flip back and forth (`flaky.minFlips` changes, pass → fail → pass
 * being two) across the last `historyRuns` runs and this one. Only real verdicts count: an infra
 * failure or a cancelled task says nothing about the exercise.
 */

const hasVerdict = (task: Pick<ObservedTask, "status" | "failureKind">) =>
	(task.status === "passed" || task.status === "failed") &&
	task.failureKind !== "infra" &&
	task.failureKind !== "cancelled";

/** How often a sequence of verdicts changes from one to the next. */
export function flips(verdicts: readonly boolean[]): number {
	let count = 0;
	for (let i = 1; i < verdicts.length; i++) if (verdicts[i] !== verdicts[i - 1]) count++;
	return count;
}

export const flakyExercise: Detector = {
	name: "flaky_exercise",
	detect(snapshot, config) {
		const exercises = new Map<string, ObservedTask[]>();
		for (const task of snapshot.tasks.filter(hasVerdict)) {
			const key = `${task.language}/${task.exercise}`;
			exercises.set(key, [...(exercises.get(key) ?? []), task]);
		}
		const findings: Finding[] = [];
		for (const [exercise, tasks] of exercises) {
			const ordered = [...tasks].sort((a, b) => a.iteration - b.iteration);
			const here = ordered.map((task) => task.status === "passed");
			const passes = here.filter(Boolean).length;
			const mixedHere = passes > 0 && passes < here.length;
			const past = snapshot.history
				.filter((h) => `${h.language}/${h.exercise}` === exercise && h.failureKind !== "infra" && h.passed !== null)
				.map((h) => ({ runId: h.runId, passed: h.passed === true }));
			const sequence = [...past.map((p) => p.passed), ...here];
			const acrossRuns = flips(sequence);
			const flaky = mixedHere || (past.length > 0 && acrossRuns >= config.flaky.minFlips);
			if (!flaky) continue;
			const detected = mixedHere ? flips(here) : acrossRuns;
			const threshold = mixedHere ? 1 : config.flaky.minFlips;
			const rate = sequence.filter(Boolean).length / sequence.length;
			findings.push({
				detector: "flaky_exercise",
				key: `flaky_exercise:${exercise}`,
				type: "pattern",
				severity: "warning",
				title: mixedHere
					? `Flaky exercise ${exercise}: ${passes} of ${here.length} iterations passed`
					: `Flaky exercise ${exercise}: the verdict changed ${acrossRuns} times over ${new Set(past.map((p) => p.runId)).size + 1} runs`,
				description: `${exercise} ${mixedHere ? `passed ${passes} and failed ${here.length - passes} of its iterations in this run` : `flipped between passing and failing ${acrossRuns} times across recent runs of ${snapshot.model}`}: a single verdict of it is not to be trusted.`,
				// Balanced outcomes over many verdicts are the surest sign; one flip in two is a hint.
				confidence: round(Math.min(1, 2 * Math.min(rate, 1 - rate)) * (1 - 1 / sequence.length), 4),
				detectedValue: detected,
				expectedValue: 0,
				threshold,
				unit: "flips",
				suggestedAction: "Run more iterations of it, and check its tests for timing or order dependence.",
				taskIds: ordered.map((task) => task.id),
				evidence: {
					exercise,
					iterations: ordered.map((task) => ({
						taskId: task.id,
						iteration: task.iteration,
						passed: task.status === "passed",
					})),
					history: past,
					flipsHere: flips(here),
					flipsAcrossRuns: acrossRuns,
					passRate: round(rate, 4),
				},
				active: true,
				insight: {
					category: "quality",
					title: `${exercise} gives different verdicts for the same model`,
					description: `Passed ${Math.round(rate * 100)}% of ${sequence.length} times: its verdict depends on chance as much as on the model.`,
					recommendations: ["Report pass@k over several iterations for it rather than one verdict."],
				},
			});
		}
		return findings;
	},
};
