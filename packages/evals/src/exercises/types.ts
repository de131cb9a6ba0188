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
	/** Files that grade the work (restored before grading), relative to `dir`. */
	testFiles: string[];
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
