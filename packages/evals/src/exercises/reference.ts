import path from "node:path";

export interface ReferencePair {
	/** Relative to the exercise folder (inside `.meta/`). */
	from: string;
	/** Relative to the workspace. */
	to: string;
}

export type ReferenceMapping = { ok: true; pairs: ReferencePair[] } | { ok: false; problem: string };

const OURS = ".meta/solution/";
const JAVA_REFERENCE = ".meta/src/reference/java/";

/**
 * Where each example (reference-solution) file goes in a workspace. Exercism lists examples and
 * solution files in two parallel arrays, usually in the same order (`.meta/example.py` ↔
 * `bowling.py`); ours and Exercism's Java track mirror the workspace tree instead. In order of
 * trust: a mirrored tree; same count with matching extensions pairwise; a match by file name and
 * then by unique extension; same count in order. Anything else has no usable mapping.
 */
export function mapExamples(examples: string[], solutions: string[]): ReferenceMapping {
	if (examples.length === 0) return { ok: false, problem: "no example files listed" };
	if (examples.every((file) => file.startsWith(OURS))) {
		return { ok: true, pairs: examples.map((from) => ({ from, to: from.slice(OURS.length) })) };
	}
	if (examples.every((file) => file.startsWith(JAVA_REFERENCE))) {
		return {
			ok: true,
			pairs: examples.map((from) => ({ from, to: `src/main/java/${from.slice(JAVA_REFERENCE.length)}` })),
		};
	}
	const inOrder = () => examples.map((from, index) => ({ from, to: solutions[index] ?? "" }));
	const ext = (file: string) => path.posix.extname(file);
	if (
		examples.length === solutions.length &&
		examples.every((file, index) => ext(file) === ext(solutions[index] ?? ""))
	) {
		return { ok: true, pairs: inOrder() };
	}
	const matched = matchByName(examples, solutions);
	if (matched) return { ok: true, pairs: matched };
	if (examples.length === solutions.length) return { ok: true, pairs: inOrder() };
	return {
		ok: false,
		problem: `cannot tell which of ${solutions.length} solution file(s) each of ${examples.length} example file(s) replaces`,
	};
}

function matchByName(examples: string[], solutions: string[]): ReferencePair[] | undefined {
	const free = new Set(solutions);
	const pairs: ReferencePair[] = [];
	const pending: string[] = [];
	for (const from of examples) {
		const target = [...free].find((file) => path.posix.basename(file) === path.posix.basename(from));
		if (target === undefined) {
			pending.push(from);
			continue;
		}
		free.delete(target);
		pairs.push({ from, to: target });
	}
	for (const from of pending) {
		const candidates = [...free].filter((file) => path.posix.extname(file) === path.posix.extname(from));
		const only = candidates.length === 1 ? candidates[0] : undefined;
		if (only === undefined) return undefined;
		free.delete(only);
		pairs.push({ from, to: only });
	}
	return pairs.sort((a, b) => examples.indexOf(a.from) - examples.indexOf(b.from));
}
