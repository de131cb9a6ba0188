import { passAtK } from "./pass-at-k.js";
import { binomialStandardError, clusteredStandardError } from "./standard-error.js";
import { groupByExercise, type Interval, languageOf, mean, type TaskResult } from "./types.js";
import { wilsonInterval } from "./wilson.js";

export interface PassRateSummary {
	tasks: number;
	passed: number;
	exercises: number;
	/** The fewest iterations any exercise has: pass@k is defined for k up to it. */
	iterations: number;
	/** passed / tasks. */
	passRate: number;
	/** 95% Wilson interval of `passRate` (all of [0, 1] without tasks). */
	interval: Interval;
	/** Mean over exercises of each exercise's share of passing iterations. */
	passAt1: number;
	/** Unbiased pass@k averaged over exercises, for k = 1 … `iterations` (key: k). */
	passAtK: Record<number, number>;
	/**
	 * Of `passRate`: binomial when every exercise ran once; clustered by exercise when any ran
	 * more often (see `clusteredStandardError`). Null when it cannot be estimated.
	 */
	standardError: number | null;
	standardErrorKind: "binomial" | "clustered";
}

export interface RunStats {
	overall: PassRateSummary;
	/** One entry per language that has tasks, by language name. */
	byLanguage: Record<string, PassRateSummary>;
}

/** Pass rates, intervals and pass@k of one run, overall and per language. */
export function runStats(tasks: readonly TaskResult[]): RunStats {
	const groups = groupByExercise(tasks);
	const byLanguage: Record<string, PassRateSummary> = {};
	const languages = [...new Set([...groups.keys()].map(languageOf))].sort();
	for (const language of languages) {
		const own = [...groups.entries()].filter(([exercise]) => languageOf(exercise) === language);
		byLanguage[language] = summarise(own.map(([, group]) => group));
	}
	return { overall: summarise([...groups.values()]), byLanguage };
}

function summarise(exercises: readonly TaskResult[][]): PassRateSummary {
	const tasks = exercises.reduce((sum, group) => sum + group.length, 0);
	const passed = exercises.reduce((sum, group) => sum + group.filter((task) => task.passed).length, 0);
	const iterations = exercises.length === 0 ? 0 : Math.min(...exercises.map((group) => group.length));
	const passAtKValues: Record<number, number> = {};
	for (let k = 1; k <= iterations; k++) {
		passAtKValues[k] = mean(
			exercises.map((group) => passAtK(group.length, group.filter((task) => task.passed).length, k)),
		);
	}
	const clustered = exercises.some((group) => group.length > 1);
	return {
		tasks,
		passed,
		exercises: exercises.length,
		iterations,
		passRate: tasks === 0 ? 0 : passed / tasks,
		interval: wilsonInterval(passed, tasks),
		passAt1: mean(exercises.map((group) => group.filter((task) => task.passed).length / group.length)),
		passAtK: passAtKValues,
		standardError: clustered
			? clusteredStandardError(exercises.map((group) => group.map((task) => (task.passed ? 1 : 0))))
			: binomialStandardError(passed, tasks),
		standardErrorKind: clustered ? "clustered" : "binomial",
	};
}
