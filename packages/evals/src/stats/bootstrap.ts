import { seededRandom } from "./prng.js";
import type { Interval } from "./types.js";

export interface BootstrapOptions {
	/** Resamples drawn; default 10 000. */
	resamples?: number;
	/** PRNG seed; the same seed gives the same interval. Default 1. */
	seed?: number;
	/** Two-sided coverage; default 0.95. */
	confidence?: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_SEED = 1;

/**
 * Percentile-bootstrap intervals for the means of several paired measures at once. `rows[i]` holds
 * one unit's values (one exercise: its pass-rate, cost and duration differences); each resample
 * draws units with replacement and averages every column, so all columns see the same draws and a
 * unit's iterations stay together. Returns one interval per column.
 */
export function pairedBootstrap(rows: readonly (readonly number[])[], options: BootstrapOptions = {}): Interval[] {
	const columns = rows[0]?.length ?? 0;
	if (rows.length === 0) return [];
	const resamples = options.resamples ?? DEFAULT_RESAMPLES;
	const confidence = options.confidence ?? 0.95;
	if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError("pairedBootstrap: resamples must be ≥ 1");
	if (!(confidence > 0 && confidence < 1)) throw new RangeError("pairedBootstrap: confidence must be in (0, 1)");
	const random = seededRandom(options.seed ?? DEFAULT_SEED);
	const means = Array.from({ length: columns }, () => new Float64Array(resamples));
	const sums = new Float64Array(columns);
	for (let r = 0; r < resamples; r++) {
		sums.fill(0);
		for (let draw = 0; draw < rows.length; draw++) {
			const row = rows[Math.floor(random() * rows.length)] ?? [];
			for (let column = 0; column < columns; column++) sums[column] = (sums[column] ?? 0) + (row[column] ?? 0);
		}
		for (let column = 0; column < columns; column++) {
			const target = means[column];
			if (target) target[r] = (sums[column] ?? 0) / rows.length;
		}
	}
	const tail = (1 - confidence) / 2;
	return means.map((values) => {
		values.sort();
		return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
	});
}

/** The q-quantile of sorted values, interpolating linearly between order statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
	const n = sorted.length;
	if (n === 0) return Number.NaN;
	const position = (n - 1) * q;
	const below = Math.floor(position);
	const above = Math.min(n - 1, below + 1);
	const lower = sorted[below] ?? 0;
	const upper = sorted[above] ?? 0;
	return lower + (upper - lower) * (position - below);
}
