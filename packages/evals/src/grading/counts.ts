import type { Verdict } from "./runner.js";

export interface TestCounts {
	passed: number;
	/** Failures and errors alike. */
	failed: number;
	/** Skipped, ignored, pending: tests that did not run count against a pass. */
	skipped: number;
}

export const NO_TESTS = "no tests ran";

export function emptyCounts(): TestCounts {
	return { passed: 0, failed: 0, skipped: 0 };
}

export function addCounts(a: TestCounts, b: TestCounts): TestCounts {
	return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

export function totalTests(counts: TestCounts): number {
	return counts.passed + counts.failed + counts.skipped;
}

/** "12 passed, 1 failed, 2 skipped", leaving out zero failed/skipped counts. */
export function formatCounts(counts: TestCounts): string {
	const parts = [`${counts.passed} passed`];
	if (counts.failed > 0) parts.push(`${counts.failed} failed`);
	if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
	return parts.join(", ");
}

/**
 * The verdict that test counts and the test command's success imply. Skipped tests fail the work:
 * a skipped test proves nothing, and the tests were unskipped before running.
 */
export function judgeCounts(counts: TestCounts, commandSucceeded: boolean): { verdict: Verdict; summary: string } {
	if (totalTests(counts) === 0) return { verdict: "failed", summary: NO_TESTS };
	const summary = formatCounts(counts);
	if (counts.failed > 0 || !commandSucceeded) return { verdict: "failed", summary };
	if (counts.skipped > 0) return { verdict: "failed", summary: `${summary} (skipped tests count as failures)` };
	return { verdict: "passed", summary };
}

/** Every `<number> <word>` pair in a summary line, by word. */
export function numbersByWord(line: string): Map<string, number> {
	const found = new Map<string, number>();
	for (const match of line.matchAll(/(\d+)\s+([a-zA-Z]+)/g)) {
		const word = match[2]?.toLowerCase();
		if (word !== undefined) found.set(word, (found.get(word) ?? 0) + Number(match[1]));
	}
	return found;
}
