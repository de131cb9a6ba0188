import { type Language, languages } from "@agent-evals/types";

export type { Language };
export const LANGUAGES = languages;

export function isLanguage(value: string): value is Language {
	return (LANGUAGES as readonly string[]).includes(value);
}

export const LAYOUTS = ["agent-evals", "roo-code-evals", "exercism"] as const;
export type LayoutName = (typeof LAYOUTS)[number];

/** A reference-solution file: where it lives in the suite, and where it goes in a workspace. */
export interface ReferenceFile {
	/** Absolute path in the suite. */
	from: string;
	/** Path relative to the workspace root. */
	to: string;
}

export interface Exercise {
	language: Language;
	name: string;
	/** Absolute path of the pristine exercise folder; it is never written to. */
	dir: string;
	layout: LayoutName;
	difficulty?: string;
	/** Files the agent is expected to write, relative to `dir`. */
	solutionFiles: string[];
	/**
	 * Files that grade the work, relative to `dir`: the listed ones plus every file the language's
	 * naming convention calls a test (restored before grading, skip markers removed).
	 */
	testFiles: string[];
	/**
	 * Build and test configuration of the exercise, relative to `dir` (conftest.py, go.mod,
	 * Cargo.toml, package.json, pom.xml, CMakeLists.txt …; see protection.ts): restored before
	 * grading, so the tests run the way the exercise says.
	 */
	configFiles: string[];
	/**
	 * A refactoring exercise: its stub already works and the task is to restructure it, so passing
	 * tests show that nothing broke, not that the work was done. Tests alone cannot judge it.
	 */
	refactoring: boolean;
	/** Instruction documents in reading order, relative to `dir` (they are copied into the workspace). */
	instructionFiles: string[];
	/** The reference solution; empty when the suite has none. */
	reference: ReferenceFile[];
	/** Paths relative to `dir` that are never copied into a workspace (".meta"). */
	hiddenPaths: string[];
}

export interface Suite {
	root: string;
	layout: LayoutName;
	/** Sorted by language, then name. */
	exercises: Exercise[];
	/** Contents of `prompts/<language>.md`, for the languages that have one. */
	prompts: Partial<Record<Language, string>>;
	/** What was odd about the suite and how it was handled (never fatal). */
	warnings: string[];
	/** Exercises that tests cannot grade: never validated or run, listed so they can be explained. */
	ungradable: UngradableExercise[];
}

/** An exercise left out of validation and runs, and why. */
export interface UngradableExercise {
	language: Language;
	name: string;
	dir: string;
	reason: string;
}

/** The folder is not a suite in any layout we know (or does not exist). */
export class SuiteLoadError extends Error {
	constructor(
		readonly root: string,
		message: string,
	) {
		super(message);
		this.name = "SuiteLoadError";
	}
}

/** One or more requested exercise names do not exist in the suite. */
export class UnknownExerciseError extends Error {
	constructor(readonly unknown: { name: string; suggestions: string[] }[]) {
		super(
			unknown
				.map(({ name, suggestions }) =>
					suggestions.length > 0
						? `unknown exercise "${name}" (did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?)`
						: `unknown exercise "${name}"`,
				)
				.join("; "),
		);
		this.name = "UnknownExerciseError";
	}
}

/** Requested exercises exist but cannot be graded by tests (the track says so). */
export class UngradableExerciseError extends UnknownExerciseError {
	constructor(readonly ungradable: UngradableExercise[]) {
		super([]);
		this.message = ungradable
			.map((exercise) => `${exercise.language}/${exercise.name} cannot be graded: ${exercise.reason}`)
			.join("; ");
		this.name = "UngradableExerciseError";
	}
}
