import path from "node:path";
import { conventionalFiles } from "./conventions.js";
import { isDirectory, isFile, listFiles, readTextIfExists } from "./files.js";
import type { MetaConfig } from "./metadata.js";
import { protectionFor } from "./protection.js";
import { mapExamples } from "./reference.js";
import { type Exercise, LANGUAGES, type Language, type LayoutName, type ReferenceFile } from "./types.js";

export interface ExerciseInput {
	language: Language;
	name: string;
	dir: string;
	layout: LayoutName;
	hiddenPaths: string[];
	/** Parsed `.meta/config.json`; undefined means "use naming conventions". */
	config: MetaConfig | undefined;
	/** Collects warnings about this exercise (the caller prefixes them). */
	warn: (message: string) => void;
	difficulty?: string;
	/** Ours: when config.json lists no examples, everything under `.meta/solution/` is the reference. */
	solutionFolderFallback?: boolean;
}

const INSTRUCTION_DOCS = ["introduction.md", "instructions.md", "instructions.append.md"];

/**
 * Turns one exercise folder plus whatever metadata it has into an `Exercise`, or undefined when
 * it has no tests (nothing could grade it). Metadata wins over conventions wherever it is usable.
 */
export async function buildExercise(input: ExerciseInput): Promise<Exercise | undefined> {
	const { config, dir, warn } = input;
	let conventions: { testFiles: string[]; solutionFiles: string[] } | undefined;
	const byConvention = async () => {
		conventions ??= await conventionalFiles(input.language, dir);
		return conventions;
	};

	let testFiles: string[];
	if (config?.test !== undefined && config.test.length > 0) {
		const listed = [...config.test, ...(config.editor ?? [])];
		const present: string[] = [];
		for (const file of listed) {
			if (await isFile(path.join(dir, file))) present.push(file);
			else warn(`test file ${file} listed in config.json does not exist; ignored`);
		}
		testFiles = present;
		if (present.length === 0) {
			testFiles = (await byConvention()).testFiles;
			if (testFiles.length > 0) warn("no listed test file exists; using naming conventions");
		}
	} else {
		if (config !== undefined) warn("config.json lists no test files; using naming conventions");
		testFiles = (await byConvention()).testFiles;
	}
	if (testFiles.length === 0) {
		warn("no test files found; exercise skipped");
		return undefined;
	}
	// Every test file grades, not only the listed ones: a second *Test.java or an unlisted
	// cases_test.go must be restored and un-skipped like the first.
	testFiles = [...new Set([...testFiles, ...(await byConvention()).testFiles])].sort();

	const solutionFiles =
		config?.solution !== undefined && config.solution.length > 0
			? [...config.solution]
			: (await byConvention()).solutionFiles.filter((file) => !testFiles.includes(file));

	const instructions = await instructionFiles(dir, warn);
	const exercise: Exercise = {
		language: input.language,
		name: input.name,
		dir,
		layout: input.layout,
		solutionFiles,
		testFiles,
		configFiles: await configFiles(input, testFiles),
		refactoring: await isRefactoring(dir, instructions),
		instructionFiles: instructions,
		reference: await referenceFiles(input, solutionFiles),
		hiddenPaths: input.hiddenPaths,
	};
	const difficulty = config?.difficulty ?? input.difficulty;
	if (difficulty !== undefined) exercise.difficulty = difficulty;
	return exercise;
}

async function referenceFiles(input: ExerciseInput, solutionFiles: string[]): Promise<ReferenceFile[]> {
	const { config, dir, warn } = input;
	let examples = config?.example;
	if ((examples === undefined || examples.length === 0) && input.solutionFolderFallback) {
		const folder = path.join(dir, ".meta", "solution");
		if (await isDirectory(folder)) {
			examples = (await listFiles(folder, { includeHidden: true })).map((file) => `.meta/solution/${file}`);
		}
	}
	if (examples === undefined || examples.length === 0) {
		if (config !== undefined) warn("no reference solution (config.json lists no example files)");
		return [];
	}
	const mapping = mapExamples(examples, solutionFiles);
	if (!mapping.ok) {
		warn(`no reference solution: ${mapping.problem}`);
		return [];
	}
	const reference: ReferenceFile[] = [];
	for (const pair of mapping.pairs) {
		const from = path.join(dir, pair.from);
		if (await isFile(from)) reference.push({ from, to: pair.to });
		else warn(`reference file ${pair.from} does not exist; ignored`);
	}
	// Exercism's Rust track keeps the manifest its example needs (its crates) beside the example.
	const cargoExample = path.join(dir, ".meta", "Cargo-example.toml");
	if (
		input.language === "rust" &&
		!reference.some((file) => file.to === "Cargo.toml") &&
		(await isFile(cargoExample))
	) {
		reference.push({ from: cargoExample, to: "Cargo.toml" });
	}
	return reference;
}

/** The exercise's build and test configuration: what the language counts as such, and what config.json declares. */
async function configFiles(input: ExerciseInput, testFiles: string[]): Promise<string[]> {
	const protection = protectionFor(input.language);
	const hidden = (file: string) => input.hiddenPaths.some((path) => file === path || file.startsWith(`${path}/`));
	const found = (await listFiles(input.dir, { includeHidden: true })).filter(
		(file) => !hidden(file) && !testFiles.includes(file) && protection.isConfig(file),
	);
	for (const file of input.config?.invalidator ?? []) {
		if (!hidden(file) && !testFiles.includes(file) && (await isFile(path.join(input.dir, file)))) found.push(file);
	}
	return [...new Set(found)].sort();
}

/**
 * Exercism's refactoring exercises say so in their instructions ("Refactor a ledger printer.",
 * "… is a refactoring exercise."); their stub already passes the tests.
 */
async function isRefactoring(dir: string, instructions: string[]): Promise<boolean> {
	for (const file of instructions) {
		if (file.endsWith("instructions.append.md")) continue;
		const text = (await readTextIfExists(path.join(dir, file))) ?? "";
		if (/^Refactor\b/m.test(text) || /\bis a refactoring exercise\b/i.test(text)) return true;
	}
	return false;
}

/** Why the track says tests cannot grade this exercise, or undefined when they can. */
export async function ungradableReason(dir: string): Promise<string | undefined> {
	if (await isFile(path.join(dir, ".meta", ".skip_tests"))) {
		return "the track marks it as not test-gradable (.meta/.skip_tests)";
	}
	return undefined;
}

async function instructionFiles(dir: string, warn: (message: string) => void): Promise<string[]> {
	const found: string[] = [];
	for (const folder of [".docs", "docs"]) {
		for (const doc of INSTRUCTION_DOCS) {
			const relative = `${folder}/${doc}`;
			if (await isFile(path.join(dir, relative))) found.push(relative);
		}
	}
	if (found.length === 0 && (await isFile(path.join(dir, "README.md")))) found.push("README.md");
	if (found.length === 0) warn("no instructions (docs/instructions.md)");
	return found;
}

/** `prompts/<language>.md` of a suite, for every language that has one. */
export async function readPrompts(root: string): Promise<Partial<Record<Language, string>>> {
	const prompts: Partial<Record<Language, string>> = {};
	for (const language of LANGUAGES) {
		const text = await readTextIfExists(path.join(root, "prompts", `${language}.md`));
		if (text !== undefined) prompts[language] = text;
	}
	return prompts;
}

export function sortExercises(exercises: Exercise[]): Exercise[] {
	return exercises.sort((a, b) =>
		a.language === b.language ? compare(a.name, b.name) : compare(a.language, b.language),
	);
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Collects warnings for a suite with the exercise's `language/name` in front. */
export function warner(warnings: string[], language: Language, name: string): (message: string) => void {
	return (message) => warnings.push(`${language}/${name}: ${message}`);
}
