/**
 * The unbiased pass@k estimate for one exercise attempted `n` times with `c` passes: the chance
 * that at least one of k attempts drawn without replacement passes, 1 − C(n−c, k) / C(n, k).
 * Computed as a product, 1 − Π_{i=n−c+1}^{n} (1 − k/i), so large n never overflows a binomial
 * coefficient.
 */
export function passAtK(n: number, c: number, k: number): number {
	if (![n, c, k].every(Number.isInteger) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
		throw new RangeError(`passAtK: need 0 ≤ c ≤ n and 1 ≤ k ≤ n, got n=${n} c=${c} k=${k}`);
	}
	if (n - c < k) return 1;
	let allFail = 1;
	for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
	return 1 - allFail;
}
