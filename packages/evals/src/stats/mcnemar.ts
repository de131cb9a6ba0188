/**
 * McNemar's exact test on paired pass/fail outcomes: only the discordant pairs carry information
 * (`fixed`: failed in A, passed in B; `broke`: the reverse). Under "no difference" each discordant
 * pair goes either way with probability ½, so the two-sided p-value is twice the binomial tail of
 * the smaller count, capped at 1. Exact, because eval comparisons often have a handful of
 * discordant pairs, where the chi-squared approximation is poor.
 */
export function mcnemarExact(fixed: number, broke: number): number {
	if (![fixed, broke].every((count) => Number.isInteger(count) && count >= 0)) {
		throw new RangeError(`mcnemarExact: counts must be non-negative integers, got ${fixed} and ${broke}`);
	}
	const n = fixed + broke;
	if (n === 0) return 1;
	return Math.min(1, 2 * binomialHalfTail(n, Math.min(fixed, broke)));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, ½), summed in log space: 2⁻ⁿ underflows a double past n = 1074
 * while the tail itself may still be far from zero.
 */
function binomialHalfTail(n: number, k: number): number {
	const logHalfPowN = -n * Math.LN2;
	const terms: number[] = [];
	let logChoose = 0; // log C(n, 0)
	for (let i = 0; i <= k; i++) {
		if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
		terms.push(logChoose + logHalfPowN);
	}
	const largest = Math.max(...terms);
	let sum = 0;
	for (const term of terms) sum += Math.exp(term - largest);
	return Math.exp(largest + Math.log(sum));
}

/**
 * The fewest discordant pairs that could ever reach p < alpha (all of them going one way):
 * below it no outcome of the comparison can show a difference.
 */
export function minimumDiscordantPairs(alpha: number): number {
	let n = 1;
	while (mcnemarExact(n, 0) >= alpha) n++;
	return n;
}
