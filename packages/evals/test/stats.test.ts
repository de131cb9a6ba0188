import { describe, expect, it } from "vitest";
import {
	clusteredStandardError,
	comparePaired,
	formatPValue,
	mcnemarExact,
	minimumDiscordantPairs,
	pairedBootstrap,
	passAtK,
	quantile,
	runStats,
	StatsInputError,
	seededRandom,
	type TaskResult,
	wilsonInterval,
} from "../src/stats/index.js";

/*
 * Where the expected numbers come from. Unless a row says otherwise they were computed outside this
 * code base with Python 3.11, scipy 1.17 and statsmodels (in a throwaway virtualenv):
 *   Wilson:         scipy.stats.binomtest(k, n).proportion_ci(method="wilson")
 *   pass@k:         1 - Fraction(comb(n - c, k), comb(n, k)), exact rational arithmetic
 *   McNemar:        scipy.stats.binomtest(min(fixed, broke), fixed + broke, 0.5).pvalue
 *   clustered SE:   statsmodels OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g}).bse
 *   bootstrap:      a separate Python implementation of the same seeded generator and resampling,
 *                   with numpy.quantile (linear) for the percentiles
 */

const CLOSE = 12; // decimal places for values that went through floating point on both sides

function task(exercise: string, iteration: number, passed: boolean, cost = 0, durationMs = 0): TaskResult {
	return { exercise, iteration, passed, cost, durationMs };
}

describe("wilsonInterval", () => {
	it.each([
		[8, 10, 0.4901624715366418, 0.9433178485456248],
		[0, 10, 0, 0.27753279986288926],
		[10, 10, 0.7224672001371109, 1],
		[1, 1, 0.20654931437723745, 1],
		[45, 50, 0.7863976856252034, 0.9565242350681095],
		[120, 200, 0.5308367203926201, 0.6653942143319267],
	])("%i of %i → [%f, %f] (scipy)", (k, n, low, high) => {
		const interval = wilsonInterval(k, n);
		expect(interval.low).toBeCloseTo(low, CLOSE);
		expect(interval.high).toBeCloseTo(high, CLOSE);
	});

	it("is all of [0, 1] without trials and refuses impossible counts", () => {
		expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
		expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
		expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
		expect(() => wilsonInterval(0.5, 2)).toThrow(RangeError);
	});
});

describe("passAtK", () => {
	it.each([
		[5, 2, 1, 0.4],
		[5, 2, 2, 0.7],
		[5, 2, 3, 0.9],
		[5, 2, 4, 1],
		[10, 3, 5, 0.9166666666666666],
		[10, 0, 3, 0],
		[10, 10, 1, 1],
		[4, 1, 4, 1],
		[200, 7, 10, 0.3055988116177335],
	])("n=%i c=%i k=%i → %f (exact fractions)", (n, c, k, expected) => {
		expect(passAtK(n, c, k)).toBeCloseTo(expected, CLOSE);
	});

	it("is only defined for 1 ≤ k ≤ n and 0 ≤ c ≤ n", () => {
		expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
		expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
		expect(() => passAtK(3, 1, 0)).toThrow(RangeError);
	});
});

describe("mcnemarExact", () => {
	it.each([
		[14, 4, 0.0308837890625],
		[4, 14, 0.0308837890625],
		[10, 0, 0.001953125],
		[5, 0, 0.0625],
		[6, 0, 0.03125],
		[3, 3, 1],
		[1, 0, 1],
		[0, 0, 1],
		// Large counts: 2^-n underflows past n = 1074, so these check the log-space sum.
		[600, 520, 0.018207019279300136],
		[1050, 950, 0.026824146240280546],
	])("%i fixed, %i broke → p = %f (scipy binomtest)", (fixed, broke, p) => {
		// (0, 0) has no discordant pair: p = 1 by definition, not from scipy.
		expect(mcnemarExact(fixed, broke)).toBeCloseTo(p, CLOSE);
	});

	it("needs 6 discordant pairs before p < 0.05 is possible (2·0.5^5 = 0.0625, 2·0.5^6 = 0.03125)", () => {
		expect(minimumDiscordantPairs(0.05)).toBe(6);
		// 2·0.5^7 = 0.0156 ≥ 0.01 > 2·0.5^8 = 0.0078; 2·0.5^10 = 0.00195 ≥ 0.001 > 2·0.5^11 = 0.00098.
		expect(minimumDiscordantPairs(0.01)).toBe(8);
		expect(minimumDiscordantPairs(0.001)).toBe(11);
	});
});

describe("clusteredStandardError", () => {
	it("matches statsmodels' cluster-robust standard error of a mean", () => {
		const clusters = [[1, 1, 1], [0, 1], [0, 0, 0, 0], [1], [1, 0, 1]];
		expect(clusteredStandardError(clusters)).toBeCloseTo(0.22628784823636638, CLOSE);
	});

	it("equals the standard error of the per-exercise means when clusters are equal in size", () => {
		// statistics.stdev([2/3, 0, 1, 1/3]) / sqrt(4)
		expect(
			clusteredStandardError([
				[1, 1, 0],
				[0, 0, 0],
				[1, 1, 1],
				[1, 0, 0],
			]),
		).toBeCloseTo(0.2151657414559676, CLOSE);
	});

	it("is undefined with one cluster", () => {
		expect(clusteredStandardError([[1, 0, 1]])).toBeNull();
		expect(clusteredStandardError([])).toBeNull();
	});
});

describe("seededRandom and the bootstrap", () => {
	it("gives the same sequence for a seed, in [0, 1)", () => {
		// The Python implementation's first three draws for seeds 1 and 42.
		const one = seededRandom(1);
		expect([one(), one(), one()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
		const other = seededRandom(42);
		expect([other(), other(), other()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
		const random = seededRandom(7);
		for (let index = 0; index < 10_000; index++) {
			const value = random();
			expect(value >= 0 && value < 1).toBe(true);
		}
	});

	it("percentile interval: deterministic per seed, degenerate for constant rows, near the normal interval", () => {
		const rows = Array.from({ length: 400 }, (_, index) => [index % 5 === 0 ? 1 : 0]);
		const first = pairedBootstrap(rows, { seed: 3 });
		expect(pairedBootstrap(rows, { seed: 3 })).toEqual(first);
		expect(pairedBootstrap(rows, { seed: 4 })).not.toEqual(first);
		// Mean 0.2, SE = sqrt(0.2·0.8/400) = 0.02 (by hand): the 95% normal interval is 0.2 ± 0.0392.
		expect(first[0]?.low).toBeCloseTo(0.2 - 0.0392, 2);
		expect(first[0]?.high).toBeCloseTo(0.2 + 0.0392, 2);
		expect(pairedBootstrap([[2], [2], [2]])).toEqual([{ low: 2, high: 2 }]);
		expect(pairedBootstrap([])).toEqual([]);
	});

	it("quantile interpolates linearly between order statistics (numpy's default)", () => {
		// numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 1]) = [1, 1.75, 2.5, 4]
		expect([0, 0.25, 0.5, 1].map((q) => quantile([1, 2, 3, 4], q))).toEqual([1, 1.75, 2.5, 4]);
	});
});

describe("runStats", () => {
	const outcomes: Record<string, boolean[]> = {
		"python/a": [true, true, false],
		"python/b": [false, false, false],
		"go/c": [true, true, true],
		"go/d": [true, false, true],
		"rust/e": [false, true, false],
		"rust/f": [true, false],
	};
	const tasks = Object.entries(outcomes).flatMap(([exercise, passes]) =>
		passes.map((passed, index) => task(exercise, index + 1, passed)),
	);

	it("overall: rate with Wilson interval, pass@k up to the fewest iterations, clustered SE", () => {
		const { overall } = runStats(tasks);
		expect(overall).toMatchObject({
			tasks: 17,
			passed: 9,
			exercises: 6,
			iterations: 2,
			standardErrorKind: "clustered",
		});
		expect(overall.passRate).toBeCloseTo(0.5294117647058824, CLOSE);
		expect(overall.interval.low).toBeCloseTo(0.30963235060004424, CLOSE);
		expect(overall.interval.high).toBeCloseTo(0.7383489355759056, CLOSE);
		// pass@1 averages per-exercise rates, so rust/f's two iterations weigh as much as three.
		expect(overall.passAt1).toBeCloseTo(0.5277777777777778, CLOSE);
		expect(Object.keys(overall.passAtK)).toEqual(["1", "2"]);
		expect(overall.passAtK[1]).toBeCloseTo(0.5277777777777778, CLOSE);
		expect(overall.passAtK[2]).toBeCloseTo(0.7777777777777777, CLOSE);
		expect(overall.standardError).toBeCloseTo(0.1469997846073551, CLOSE);
	});

	it("per language", () => {
		const { byLanguage } = runStats(tasks);
		expect(Object.keys(byLanguage)).toEqual(["go", "python", "rust"]);
		const { go, python, rust } = byLanguage;
		expect(go?.passAtK).toEqual({ 1: expect.closeTo(0.8333333333333333, CLOSE), 2: 1, 3: 1 });
		expect(go?.interval.low).toBeCloseTo(0.43649717781352976, CLOSE);
		expect(go?.standardError).toBeCloseTo(0.16666666666666677, CLOSE);
		expect(python?.passAtK[2]).toBeCloseTo(0.5, CLOSE);
		expect(python?.interval.high).toBeCloseTo(0.700006684861608, CLOSE);
		expect(python?.standardError).toBeCloseTo(0.33333333333333354, CLOSE);
		expect(rust).toMatchObject({ tasks: 5, passed: 2, iterations: 2 });
		expect(rust?.passAt1).toBeCloseTo(0.41666666666666663, CLOSE);
		expect(rust?.passAtK[2]).toBeCloseTo(0.8333333333333333, CLOSE);
		expect(rust?.standardError).toBeCloseTo(0.07999999999999993, CLOSE);
	});

	it("one iteration each: binomial standard error √(p(1−p)/n)", () => {
		const single = Array.from({ length: 10 }, (_, index) => task(`python/e${index}`, 1, index < 7));
		const { overall } = runStats(single);
		expect(overall).toMatchObject({ tasks: 10, passed: 7, iterations: 1, standardErrorKind: "binomial" });
		expect(overall.standardError).toBeCloseTo(0.14491376746189438, CLOSE);
		expect(overall.interval.low).toBeCloseTo(0.39677814746114526, CLOSE);
		expect(overall.passAtK).toEqual({ 1: expect.closeTo(0.7, CLOSE) });
	});

	it("an empty run has no information rather than a number that looks like one", () => {
		expect(runStats([]).overall).toEqual({
			tasks: 0,
			passed: 0,
			exercises: 0,
			iterations: 0,
			passRate: 0,
			interval: { low: 0, high: 1 },
			passAt1: 0,
			passAtK: {},
			standardError: null,
			standardErrorKind: "binomial",
		});
	});

	it("refuses malformed keys and the same task twice", () => {
		expect(() => runStats([task("spiral-matrix", 1, true)])).toThrow(StatsInputError);
		expect(() => runStats([task("go/x", 1, true), task("go/x", 1, false)])).toThrow(/go\/x iteration 1 appears twice/);
	});
});

describe("comparePaired", () => {
	/** 100 exercises; A passes 1–50, B breaks 1–4 and fixes 51–64; costs and durations differ a little. */
	function scenario(): { a: TaskResult[]; b: TaskResult[] } {
		const a: TaskResult[] = [];
		const b: TaskResult[] = [];
		for (let i = 1; i <= 100; i++) {
			const exercise = `${i % 2 ? "python" : "go"}/ex${String(i).padStart(3, "0")}`;
			const costA = 0.02 + (i % 5) * 0.01;
			const durationA = 10_000 + (i % 7) * 1000;
			a.push(task(exercise, 1, i <= 50, costA, durationA));
			b.push(
				task(
					exercise,
					1,
					(i > 4 && i <= 50) || (i > 50 && i <= 64),
					costA - 0.005 * (i % 3),
					durationA + 500 * (i % 4) - 600,
				),
			);
		}
		return { a, b };
	}

	it("difference with a seeded paired-bootstrap interval, McNemar's p and the verdict", () => {
		const { a, b } = scenario();
		const result = comparePaired(a, b);
		expect(result).toMatchObject({ exercises: 100, pairs: 100, fixed: 14, broke: 4, onlyA: [], onlyB: [] });
		expect(result.pValue).toBeCloseTo(0.0308837890625, CLOSE);
		expect(result.passRate.a).toBeCloseTo(0.5, CLOSE);
		expect(result.passRate.b).toBeCloseTo(0.6, CLOSE);
		expect(result.passRate.difference).toBeCloseTo(0.1, CLOSE);
		expect(result.passRate.interval.low).toBeCloseTo(0.02, CLOSE);
		expect(result.passRate.interval.high).toBeCloseTo(0.18, CLOSE);
		expect(result.cost.a).toBeCloseTo(0.04, CLOSE);
		expect(result.cost.b).toBeCloseTo(0.035, CLOSE);
		expect(result.cost.difference).toBeCloseTo(-0.005, CLOSE);
		expect(result.cost.interval.low).toBeCloseTo(-0.0058, CLOSE);
		expect(result.cost.interval.high).toBeCloseTo(-0.0042, CLOSE);
		expect(result.durationMs).toMatchObject({ a: 12_970, b: 13_120 });
		expect(result.durationMs.difference).toBeCloseTo(150, 9);
		expect(result.durationMs.interval.low).toBeCloseTo(40, 9);
		expect(result.durationMs.interval.high).toBeCloseTo(260, 9);
		expect(result.significant).toBe(true);
		expect(result.tooSmall).toBeNull();
		expect(result.verdict).toBe("B is better: +10.0 pp [2.0, 18.0], p = 0.03, 14 fixed / 4 broke");
		// Deterministic: the same call gives the same interval.
		expect(comparePaired(a, b)).toEqual(result);
	});

	it("names the worse run with its labels, and swapping the runs mirrors the numbers", () => {
		const { a, b } = scenario();
		const result = comparePaired(b, a, { labels: { a: "claude", b: "gpt" } });
		expect(result).toMatchObject({ fixed: 4, broke: 14 });
		expect(result.verdict).toMatch(/^gpt is worse: -10\.0 pp \[-\d+\.\d, -\d+\.\d\], p = 0\.03, 4 fixed \/ 14 broke$/);
	});

	it("says there is no clear difference when the test cannot reject it", () => {
		const a = Array.from({ length: 40 }, (_, i) => task(`go/e${i}`, 1, i < 20));
		// 5 fixed (20–24), 4 broke (0–3): p = 1 (scipy binomtest(4, 9)).
		const b = Array.from({ length: 40 }, (_, i) => task(`go/e${i}`, 1, (i >= 4 && i < 20) || (i >= 20 && i < 25)));
		const result = comparePaired(a, b);
		expect(result).toMatchObject({ fixed: 5, broke: 4, pValue: 1, significant: false, tooSmall: null });
		expect(result.verdict).toMatch(
			/^No clear difference: \+2\.5 pp \[-?\d+\.\d, \d+\.\d\], p = 1\.00, 5 fixed \/ 4 broke$/,
		);
	});

	it("warns that the sample is too small to tell when too few outcomes differ", () => {
		const a = Array.from({ length: 10 }, (_, i) => task(`rust/e${i}`, 1, i < 3));
		const b = Array.from({ length: 10 }, (_, i) => task(`rust/e${i}`, 1, i < 8));
		const result = comparePaired(a, b);
		// All 5 changes go B's way, and still p = 2·0.5^5 = 0.0625.
		expect(result).toMatchObject({ fixed: 5, broke: 0, significant: false });
		expect(result.pValue).toBeCloseTo(0.0625, CLOSE);
		expect(result.tooSmall).toBe(
			"too small to tell: 5 outcomes differ between the runs; at least 6 must differ for p < 0.05 even if all go the same way",
		);
		expect(result.verdict).toMatch(/^Too small to tell: \+50\.0 pp \[.*\], p = 0\.06, 5 fixed \/ 0 broke$/);
	});

	it("compares only the exercises both ran and pairs iterations by number", () => {
		const a = [task("go/x", 1, false), task("go/x", 2, true), task("go/y", 1, true), task("go/only-a", 1, true)];
		const b = [
			task("go/x", 1, true),
			task("go/x", 2, true),
			task("go/x", 3, true),
			task("go/y", 1, true),
			task("go/z", 1, false),
		];
		const result = comparePaired(a, b);
		expect(result).toMatchObject({ exercises: 2, pairs: 3, fixed: 1, broke: 0, onlyA: ["go/only-a"], onlyB: ["go/z"] });
		// go/x: 0.5 → 1, go/y: 1 → 1; the mean of per-exercise rates goes 0.75 → 1.
		expect(result.passRate).toMatchObject({ a: 0.75, b: 1, difference: 0.25 });
	});

	it("has nothing to say about runs without a shared exercise", () => {
		const result = comparePaired([task("go/x", 1, true)], [task("go/y", 1, true)]);
		expect(result).toMatchObject({ exercises: 0, pValue: 1, significant: false });
		expect(result.tooSmall).toBe("too small to tell: no exercise ran in both runs");
		expect(result.verdict).toBe("Nothing to compare: A and B share no exercise");
	});

	it("formats p-values for people", () => {
		expect([0.62, 0.0308, 0.0049, 0.0004].map(formatPValue)).toEqual([
			"p = 0.62",
			"p = 0.03",
			"p = 0.005",
			"p < 0.001",
		]);
	});
});

describe("comparePaired: extra per-task measures", () => {
	const task = (
		exercise: string,
		passed: boolean,
		tokensIn: number,
		extra: Record<string, number> = {},
	): TaskResult => ({
		exercise,
		iteration: 1,
		passed,
		cost: 0,
		durationMs: 1000,
		measures: { tokensIn, ...extra },
	});

	it("compares every measure both runs carry, with a bootstrap interval around the difference", () => {
		const a = ["go/a", "go/b", "go/c", "go/d"].map((key, i) => task(key, i % 2 === 0, 100, { mcpCalls: 0 }));
		const b = ["go/a", "go/b", "go/c", "go/d"].map((key, i) => task(key, true, 100 + 50 * (i + 1)));
		const result = comparePaired(a, b);
		// mcpCalls is only in A: not comparable, so not compared.
		expect(Object.keys(result.measures)).toEqual(["tokensIn"]);
		const tokens = result.measures.tokensIn;
		// A: 100 each; B: 150, 200, 250, 300 → means 100 and 225.
		expect(tokens).toMatchObject({ a: 100, b: 225, difference: 125 });
		expect(tokens?.interval.low).toBeGreaterThanOrEqual(50);
		expect(tokens?.interval.high).toBeLessThanOrEqual(200);
		expect(tokens?.interval.low).toBeLessThanOrEqual(125);
		expect(tokens?.interval.high).toBeGreaterThanOrEqual(125);
	});

	it("has no extra measures when the tasks carry none", () => {
		const plain = (passed: boolean): TaskResult => ({ exercise: "go/a", iteration: 1, passed, cost: 0, durationMs: 1 });
		expect(comparePaired([plain(true)], [plain(false)]).measures).toEqual({});
	});
});
