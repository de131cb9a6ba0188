/**
 * Standard error of a pass rate whose tasks come in clusters (the iterations of one exercise).
 * Iterations of the same exercise are not independent draws, an easy exercise passes every time,
 * so treating them as independent understates the uncertainty. This is the cluster-robust
 * ("sandwich") estimate with the G/(G−1) small-sample factor:
 *   SE² = G/(G−1) · Σ_g (Σ_{i∈g} (y_i − ȳ))² / N²
 * With equal cluster sizes it equals the standard error of the mean of the per-exercise rates.
 * Undefined (null) with fewer than two clusters.
 */
export function clusteredStandardError(clusters: readonly (readonly number[])[]): number | null {
	const nonEmpty = clusters.filter((cluster) => cluster.length > 0);
	const g = nonEmpty.length;
	if (g < 2) return null;
	let total = 0;
	let n = 0;
	for (const cluster of nonEmpty) {
		for (const value of cluster) {
			total += value;
			n++;
		}
	}
	const overall = total / n;
	let sum = 0;
	for (const cluster of nonEmpty) {
		let deviation = 0;
		for (const value of cluster) deviation += value - overall;
		sum += deviation * deviation;
	}
	return Math.sqrt(((g / (g - 1)) * sum) / (n * n));
}

/** The binomial standard error √(p(1−p)/n) of a rate over independent tasks; null without tasks. */
export function binomialStandardError(successes: number, trials: number): number | null {
	if (trials === 0) return null;
	const p = successes / trials;
	return Math.sqrt((p * (1 - p)) / trials);
}
