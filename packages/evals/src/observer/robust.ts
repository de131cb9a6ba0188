import type { Severity } from "@agent-evals/types";

/*
 * The arithmetic the detectors share: robust baselines (median and MAD, which a few runaway
 * tasks cannot drag along the way a mean and standard deviation would), and the one way every
 * detector turns "how far past its threshold" into a confidence and a severity.
 */

/** Scales a MAD to the standard deviation of normally distributed data. */
export const MAD_SCALE = 1.4826;

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1
		? (sorted[middle] ?? Number.NaN)
		: ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
	const center = median(values);
	return median(values.map((value) => Math.abs(value - center)));
}

export interface RobustBaseline {
	n: number;
	median: number;
	mad: number;
	/** Above this, a value is far out. */
	threshold: number;
}

/**
 * Median + the largest of k scaled MADs, (minRatio − 1) medians and `minExcess`: identical
 * tasks have a MAD of 0, and a threshold of the median itself would flag any task a second
 * slower; tiny medians would make tiny excesses look huge.
 */
export function robustBaseline(
	values: readonly number[],
	options: { k: number; minRatio: number; minExcess: number },
): RobustBaseline {
	const center = median(values);
	const spread = mad(values);
	const margin = Math.max(options.k * MAD_SCALE * spread, (options.minRatio - 1) * center, options.minExcess);
	return { n: values.length, median: center, mad: spread, threshold: center + margin };
}

/**
 * 0.5 at the threshold, rising linearly to 1 at twice the threshold: a finding just over the
 * line is a coin toss, one twice past it is certain. For thresholds of 0 any positive value is 1.
 */
export function confidenceFromExcess(value: number, threshold: number): number {
	if (threshold <= 0) return value > 0 ? 1 : 0.5;
	return clamp(0.5 + 0.5 * ((value - threshold) / threshold), 0.5, 1);
}

/** `base`, or the next severity up when the value is at least twice the threshold. */
export function escalate(value: number, threshold: number, base: Severity, next: Severity): Severity {
	return threshold > 0 && value >= 2 * threshold ? next : base;
}

export function clamp(value: number, low: number, high: number): number {
	return Math.min(high, Math.max(low, value));
}

/** Rounds for display and storage: values are evidence, not measurements to 15 digits. */
export function round(value: number, digits = 2): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}
