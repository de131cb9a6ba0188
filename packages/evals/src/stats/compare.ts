import { type BootstrapOptions, pairedBootstrap } from "./bootstrap.js";
import { mcnemarExact, minimumDiscordantPairs } from "./mcnemar.js";
import { groupByExercise, type Interval, mean, type TaskResult } from "./types.js";
import { comparisonVerdict } from "./verdict.js";

export interface CompareOptions extends BootstrapOptions {
	/** What to call the runs in the verdict; default "A" and "B". */
	labels?: { a: string; b: string };
	/** Significance level of the test and 1 − coverage of the intervals; default 0.05. */
	alpha?: number;
}

/** A measure of both runs over the exercises they share, and B − A with its bootstrap interval. */
export interface PairedMeasure {
	a: number;
	b: number;
	difference: number;
	interval: Interval;
}

export interface PairedComparison {
	labels: { a: string; b: string };
	/** Exercises both runs ran: the only ones compared. */
	exercises: number;
	/** Exercise keys only one run has, left out of every number below. */
	onlyA: string[];
	onlyB: string[];
	/** Mean over the shared exercises of each one's pass rate (a fraction; the difference too). */
	passRate: PairedMeasure;
	/** Mean cost per task in dollars. */
	cost: PairedMeasure;
	/** Mean duration per task in milliseconds. */
	durationMs: PairedMeasure;
	/** Every extra measure all tasks of both runs carry (`TaskResult.measures`), per task. */
	measures: Record<string, PairedMeasure>;
	/** (exercise, iteration) pairs present in both runs, which McNemar's test counts. */
	pairs: number;
	/** Pairs that failed in A and passed in B. */
	fixed: number;
	/** Pairs that passed in A and failed in B. */
	broke: number;
	/** McNemar's exact two-sided p-value over `fixed` and `broke`. */
	pValue: number;
	/** p < alpha and the pass-rate interval excludes zero. */
	significant: boolean;
	/** Set when no outcome of this sample could have shown a difference: says why. */
	tooSmall: string | null;
	/** One line in plain words, e.g. "B is better: +6.0 pp [1.2, 10.8], p = 0.01, 14 fixed / 4 broke". */
	verdict: string;
}

/**
 * Compares run B with run A over the exercises both ran, pairing each exercise with itself. The
 * pass-rate difference gets a percentile interval from a paired bootstrap over exercises (seeded,
 * so deterministic; an exercise's iterations are resampled together); McNemar's exact test counts
 * the (exercise, iteration) pairs whose outcome changed. With several iterations, pairs are matched
 * by iteration number and the test treats them as independent; the bootstrap interval is the one
 * that respects the clustering, which is why a difference is only called when both agree.
 */
export function comparePaired(
	a: readonly TaskResult[],
	b: readonly TaskResult[],
	options: CompareOptions = {},
): PairedComparison {
	const labels = options.labels ?? { a: "A", b: "B" };
	const alpha = options.alpha ?? 0.05;
	const groupsA = groupByExercise(a);
	const groupsB = groupByExercise(b);
	const shared = [...groupsA.keys()].filter((exercise) => groupsB.has(exercise)).sort();
	const onlyA = [...groupsA.keys()].filter((exercise) => !groupsB.has(exercise)).sort();
	const onlyB = [...groupsB.keys()].filter((exercise) => !groupsA.has(exercise)).sort();

	const perExercise = shared.map((exercise) => {
		const tasksA = groupsA.get(exercise) ?? [];
		const tasksB = groupsB.get(exercise) ?? [];
		return { a: measures(tasksA), b: measures(tasksB), tasksA, tasksB };
	});
	// Extra measures ride in the same resamples as extra columns.
	const extra = sharedMeasures([...a, ...b]);
	const rows = perExercise.map(({ a: ma, b: mb }) => [
		mb.rate - ma.rate,
		mb.cost - ma.cost,
		mb.duration - ma.duration,
		...extra.map((name) => (mb.extra[name] ?? 0) - (ma.extra[name] ?? 0)),
	]);
	const [rateInterval, costInterval, durationInterval, ...extraIntervals] = pairedBootstrap(rows, {
		...options,
		confidence: 1 - alpha,
	});

	let pairs = 0;
	let fixed = 0;
	let broke = 0;
	for (const { tasksA, tasksB } of perExercise) {
		for (const taskA of tasksA) {
			const taskB = tasksB.find((candidate) => candidate.iteration === taskA.iteration);
			if (taskB === undefined) continue;
			pairs++;
			if (!taskA.passed && taskB.passed) fixed++;
			if (taskA.passed && !taskB.passed) broke++;
		}
	}
	const pValue = mcnemarExact(fixed, broke);

	const measure = (pick: (m: Measures) => number, interval: Interval | undefined): PairedMeasure => {
		const valueA = mean(perExercise.map((entry) => pick(entry.a)));
		const valueB = mean(perExercise.map((entry) => pick(entry.b)));
		return { a: valueA, b: valueB, difference: valueB - valueA, interval: interval ?? { low: 0, high: 0 } };
	};
	const passRate = measure((m) => m.rate, rateInterval);
	const excludesZero = passRate.interval.low > 0 || passRate.interval.high < 0;
	const tooSmall = tooSmallReason(shared.length, fixed + broke, alpha);
	const significant = tooSmall === null && pValue < alpha && excludesZero;
	return {
		labels,
		exercises: shared.length,
		onlyA,
		onlyB,
		passRate,
		cost: measure((m) => m.cost, costInterval),
		durationMs: measure((m) => m.duration, durationInterval),
		measures: Object.fromEntries(
			extra.map((name, i) => [name, measure((m) => m.extra[name] ?? 0, extraIntervals[i])] as const),
		),
		pairs,
		fixed,
		broke,
		pValue,
		significant,
		tooSmall,
		verdict: comparisonVerdict({
			labels,
			exercises: shared.length,
			passRate,
			pValue,
			fixed,
			broke,
			significant,
			tooSmall,
		}),
	};
}

interface Measures {
	rate: number;
	cost: number;
	duration: number;
	extra: Record<string, number>;
}

function measures(tasks: readonly TaskResult[]): Measures {
	const names = sharedMeasures(tasks);
	return {
		rate: mean(tasks.map((task) => (task.passed ? 1 : 0))),
		cost: mean(tasks.map((task) => task.cost)),
		duration: mean(tasks.map((task) => task.durationMs)),
		extra: Object.fromEntries(names.map((name) => [name, mean(tasks.map((task) => task.measures?.[name] ?? 0))])),
	};
}

/** The extra measures every task carries, sorted. */
function sharedMeasures(tasks: readonly TaskResult[]): string[] {
	const [first, ...rest] = tasks;
	if (!first?.measures) return [];
	return Object.keys(first.measures)
		.filter((name) => rest.every((task) => task.measures !== undefined && name in task.measures))
		.sort();
}

/**
 * Why this sample cannot show a difference, or null when it can. McNemar's test can only reach
 * p < alpha with enough discordant pairs even if every one of them went the same way (6 for
 * alpha = 0.05), so fewer means the comparison is undecidable whatever the runs did.
 */
function tooSmallReason(exercises: number, discordant: number, alpha: number): string | null {
	if (exercises === 0) return "too small to tell: no exercise ran in both runs";
	const needed = minimumDiscordantPairs(alpha);
	if (discordant >= needed) return null;
	const changed = discordant === 1 ? "1 outcome differs" : `${discordant} outcomes differ`;
	return `too small to tell: ${changed} between the runs; at least ${needed} must differ for p < ${alpha} even if all go the same way`;
}
