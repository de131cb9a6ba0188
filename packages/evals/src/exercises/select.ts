import { levenshtein } from "../suggest.js";
import { type Exercise, type Language, type Suite, UngradableExerciseError, UnknownExerciseError } from "./types.js";

export interface ExerciseSelection {
	/** Only these languages (all when absent or empty). */
	include?: Language[];
	exclude?: Language[];
	/** Each `name` (every language that has it) or `language/name`. */
	names?: string[];
}

/**
 * The suite's exercises narrowed by language and name, in suite order. A name that matches no
 * exercise at all is an error (`UnknownExerciseError`, with close matches) rather than an empty
 * selection, so a typo cannot silently run nothing. Exercises the suite marks as not gradable are
 * never selected; naming one is an `UngradableExerciseError` saying why.
 */
export function selectExercises(suite: Suite, selection: ExerciseSelection = {}): Exercise[] {
	const include = selection.include?.length ? new Set(selection.include) : undefined;
	const exclude = new Set(selection.exclude ?? []);
	let chosen = suite.exercises.filter(
		(exercise) => (!include || include.has(exercise.language)) && !exclude.has(exercise.language),
	);
	const names = selection.names?.map((name) => name.trim()).filter((name) => name !== "");
	if (names && names.length > 0) {
		const unknown = names.filter((name) => !suite.exercises.some((exercise) => matches(exercise, name)));
		// Asked for by name but not gradable: say why instead of "unknown".
		const ungradable = suite.ungradable.filter((exercise) => unknown.some((name) => matches(exercise, name)));
		if (ungradable.length > 0 && unknown.every((name) => ungradable.some((exercise) => matches(exercise, name)))) {
			throw new UngradableExerciseError(ungradable);
		}
		if (unknown.length > 0) {
			throw new UnknownExerciseError(unknown.map((name) => ({ name, suggestions: closeMatches(suite, name) })));
		}
		chosen = chosen.filter((exercise) => names.some((name) => matches(exercise, name)));
	}
	return chosen;
}

function matches(exercise: Pick<Exercise, "language" | "name">, requested: string): boolean {
	return requested.includes("/") ? requested === `${exercise.language}/${exercise.name}` : requested === exercise.name;
}

function closeMatches(suite: Suite, requested: string, limit = 5): string[] {
	const qualified = requested.includes("/");
	const wanted = requested.toLowerCase();
	const bareName = wanted.slice(wanted.indexOf("/") + 1);
	const scored = new Map<string, number>();
	for (const exercise of suite.exercises) {
		const candidate = qualified ? `${exercise.language}/${exercise.name}` : exercise.name;
		const lower = candidate.toLowerCase();
		let distance = lower.includes(wanted) || wanted.includes(lower) ? 0 : levenshtein(wanted, lower);
		// "go/bowling" when only python has bowling: the name is right, the language is not.
		if (qualified) distance = Math.min(distance, levenshtein(bareName, exercise.name.toLowerCase()) + 1);
		if (distance <= Math.max(2, Math.floor(bareName.length / 3))) {
			scored.set(candidate, Math.min(distance, scored.get(candidate) ?? Number.POSITIVE_INFINITY));
		}
	}
	return [...scored.entries()]
		.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
		.slice(0, limit)
		.map(([candidate]) => candidate);
}
