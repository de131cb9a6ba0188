/*
 * Version numbers as agents print them ("2.1.197 (Claude Code)", "codex-cli 0.171.0") and the
 * one kind of range adapters declare (`>=min <below`). Small on purpose: pre-release tags and
 * npm's full range grammar are not needed to say whether an installed CLI is one we support.
 */

export interface VersionRange {
	min: string;
	below: string;
}

/** The first x.y.z in a text, or undefined. */
export function findVersion(text: string): string | undefined {
	return /\b(\d+\.\d+\.\d+)\b/.exec(text)?.[1];
}

export function compareVersions(a: string, b: string): number {
	const left = a.split(".").map(Number);
	const right = b.split(".").map(Number);
	for (let i = 0; i < 3; i++) {
		const difference = (left[i] ?? 0) - (right[i] ?? 0);
		if (difference !== 0) return Math.sign(difference);
	}
	return 0;
}

export function inRange(version: string, range: VersionRange): boolean {
	return compareVersions(version, range.min) >= 0 && compareVersions(version, range.below) < 0;
}

export function describeRange(range: VersionRange): string {
	return `>=${range.min} <${range.below}`;
}
