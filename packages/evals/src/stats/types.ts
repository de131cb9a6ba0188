/**
 * One graded task as the statistics see it: plain values, so the CLI, the API and the dashboard
 * can all build it from whatever rows they hold.
 */
export interface TaskResult {
	/** `language/exercise`, e.g. "go/spiral-matrix". */
	exercise: string;
	/** 1-based attempt number of this exercise within its run. */
	iteration: number;
	passed: boolean;
	/** Dollars. */
	cost: number;
	durationMs: number;
	/** Other per-task measures to compare (tokens, turns, MCP calls), by name. */
	measures?: Record<string, number>;
}

/** A two-sided interval, in the unit of the value it brackets. */
export interface Interval {
	low: number;
	high: number;
}

/** The input cannot be summarised (a malformed exercise key, the same task twice). */
export class StatsInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StatsInputError";
	}
}

/** The language part of an exercise key ("go/spiral-matrix" → "go"). */
export function languageOf(exercise: string): string {
	const slash = exercise.indexOf("/");
	if (slash <= 0 || slash === exercise.length - 1) {
		throw new StatsInputError(`exercise key "${exercise}" is not language/exercise`);
	}
	return exercise.slice(0, slash);
}

/**
 * Tasks grouped by exercise key, in first-seen order. The same (exercise, iteration) twice would
 * be counted twice and would make pairing ambiguous, so it is refused.
 */
export function groupByExercise(tasks: readonly TaskResult[]): Map<string, TaskResult[]> {
	const groups = new Map<string, TaskResult[]>();
	for (const task of tasks) {
		languageOf(task.exercise);
		const group = groups.get(task.exercise) ?? [];
		if (group.some((other) => other.iteration === task.iteration)) {
			throw new StatsInputError(`${task.exercise} iteration ${task.iteration} appears twice`);
		}
		group.push(task);
		groups.set(task.exercise, group);
	}
	return groups;
}

export function mean(values: readonly number[]): number {
	if (values.length === 0) return 0;
	let sum = 0;
	for (const value of values) sum += value;
	return sum / values.length;
}
