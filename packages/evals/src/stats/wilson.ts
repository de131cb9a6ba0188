import type { Interval } from "./types.js";

/** The standard normal quantile for a two-sided 95% interval (Φ⁻¹(0.975)). */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion. Unlike the textbook p ± z·SE it stays inside
 * [0, 1] and keeps a sensible width at 0 or n successes, which small eval runs hit all the time.
 * With no trials there is no information, so the interval is all of [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
	if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
		throw new RangeError(`wilsonInterval: need 0 ≤ successes ≤ trials, got ${successes} of ${trials}`);
	}
	if (trials === 0) return { low: 0, high: 1 };
	const p = successes / trials;
	const z2 = z * z;
	const denominator = 1 + z2 / trials;
	const centre = (p + z2 / (2 * trials)) / denominator;
	const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
	// Rounding can push an end a hair past the boundary it should touch (0 of n, n of n).
	return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
