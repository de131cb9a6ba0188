/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
export function levenshtein(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
			current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
		}
		previous = current;
	}
	return previous[b.length] ?? 0;
}

/** The candidate closest to `word` (case ignored), when it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
	const wanted = word.toLowerCase();
	let best: { candidate: string; distance: number } | undefined;
	for (const candidate of candidates) {
		const distance = levenshtein(wanted, candidate.toLowerCase());
		if (distance <= Math.max(2, Math.floor(word.length / 4)) && (!best || distance < best.distance)) {
			best = { candidate, distance };
		}
	}
	return best?.candidate;
}
