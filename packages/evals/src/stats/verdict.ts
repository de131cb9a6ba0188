import type { Interval } from "./types.js";

export interface VerdictInput {
	labels: { a: string; b: string };
	exercises: number;
	passRate: { difference: number; interval: Interval };
	pValue: number;
	fixed: number;
	broke: number;
	significant: boolean;
	tooSmall: string | null;
}

/**
 * The comparison in one line a person can act on: who is better (or that nobody can tell), by
 * how many percentage points with the interval, the p-value and the fixed/broke counts behind it.
 */
export function comparisonVerdict(input: VerdictInput): string {
	if (input.exercises === 0) return `Nothing to compare: ${input.labels.a} and ${input.labels.b} share no exercise`;
	const details = `${formatPoints(input.passRate.difference, true)} pp [${formatPoints(input.passRate.interval.low)}, ${formatPoints(input.passRate.interval.high)}], ${formatPValue(input.pValue)}, ${input.fixed} fixed / ${input.broke} broke`;
	if (input.tooSmall !== null) return `Too small to tell: ${details}`;
	if (!input.significant) return `No clear difference: ${details}`;
	const direction = input.passRate.difference > 0 ? "better" : "worse";
	return `${input.labels.b} is ${direction}: ${details}`;
}

/** A fraction as percentage points with one decimal ("+6.0", "-2.5"). */
export function formatPoints(fraction: number, signed = false): string {
	const points = Math.round(fraction * 1000) / 10;
	const text = (Object.is(points, -0) ? 0 : points).toFixed(1);
	return signed && points >= 0 ? `+${text}` : text;
}

/** "p = 0.62", "p = 0.004", "p < 0.001". */
export function formatPValue(p: number): string {
	if (p < 0.001) return "p < 0.001";
	return `p = ${p.toFixed(p < 0.01 ? 3 : 2)}`;
}
