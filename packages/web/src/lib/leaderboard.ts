import type { RunSummary, TaskSummary } from "../api/types.js";

export interface LanguageScore {
	passed: number;
	failed: number;
	/** passed / (passed + failed); null while the language has no verdict. */
	rate: number | null;
}

export function languageScores(tasks: TaskSummary[]): Record<string, LanguageScore> {
	const scores: Record<string, LanguageScore> = {};
	for (const task of tasks) {
		const score = scores[task.language] ?? { passed: 0, failed: 0, rate: null };
		if (task.status === "passed") score.passed++;
		else if (task.status === "failed") score.failed++;
		scores[task.language] = score;
	}
	for (const score of Object.values(scores)) {
		const verdicts = score.passed + score.failed;
		score.rate = verdicts > 0 ? score.passed / verdicts : null;
	}
	return scores;
}

export interface LeaderboardEntry {
	run: RunSummary;
	languages: Record<string, LanguageScore>;
}

/** Best pass rate first; at equal rates the cheaper run, then the larger sample, ranks higher. */
export function rankEntries<T extends { run: RunSummary }>(entries: T[]): T[] {
	return [...entries].sort((a, b) => {
		const ra = a.run.passRate ?? -1;
		const rb = b.run.passRate ?? -1;
		if (ra !== rb) return rb - ra;
		if (a.run.cost !== b.run.cost) return a.run.cost - b.run.cost;
		const va = a.run.passed + a.run.failed;
		const vb = b.run.passed + b.run.failed;
		if (va !== vb) return vb - va;
		return b.run.id - a.run.id;
	});
}

/** Only each model's best run (by the ranking above), for "which model" rather than "which run". */
export function bestPerModel<T extends { run: RunSummary }>(entries: T[]): T[] {
	const seen = new Set<string>();
	return rankEntries(entries).filter((entry) => {
		const key = `${entry.run.model}\u0000${entry.run.agent}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Offline stand-ins (the oracle applies reference solutions, "scripted" replays a script): they
 * check the harness, not a model, and at zero cost they would top every value ranking.
 */
export function isReferenceModel(model: string): boolean {
	const name = model.trim();
	return name === "oracle" || name === "scripted" || name.startsWith("oracle:") || name.startsWith("scripted:");
}

/** Languages present in any entry, sorted, for the leaderboard's columns. */
export function languagesOf(entries: LeaderboardEntry[]): string[] {
	const all = new Set<string>();
	for (const entry of entries) for (const language of Object.keys(entry.languages)) all.add(language);
	return [...all].sort();
}

export interface CostScorePoint {
	id: number;
	cost: number;
	score: number;
}

/**
 * Runs no other run beats on both axes (at most the cost and at least the score, better on one):
 * the best value for the money. Returned by increasing cost, which is also increasing score.
 */
export function paretoFrontier<T extends CostScorePoint>(points: T[]): T[] {
	const sorted = [...points].sort((a, b) => a.cost - b.cost || b.score - a.score);
	const frontier: T[] = [];
	let best = Number.NEGATIVE_INFINITY;
	for (const point of sorted) {
		if (point.score > best) {
			frontier.push(point);
			best = point.score;
		}
	}
	return frontier;
}
