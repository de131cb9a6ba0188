import { listFiles } from "./files.js";
import type { Language } from "./types.js";

interface Convention {
	isTest(file: string): boolean;
	isSolution(file: string): boolean;
}

// jest also runs every script under a __tests__ folder.
const JS_TEST = /\.(spec|test)\.[cm]?[jt]sx?$|(^|\/)__tests__\/.+\.[cm]?[jt]sx?$/;
// Tool configuration that sits beside the code (babel.config.js, jest.config.ts, .eslintrc.cjs).
const JS_CONFIG = /(^|\/)([^/]*\.config\.[cm]?[jt]s|\.[^/]*rc\.[cm]?js)$/;

/**
 * How an exercise without metadata (Roo-Code-Evals, or a broken config.json) names its files.
 * Roo's suite is Exercism's with `.meta/` removed, so these follow the Exercism tracks.
 */
const CONVENTIONS: Record<Language, Convention> = {
	python: {
		isTest: (file) => /(^|\/)([^/]+_test|test_[^/]+)\.py$/.test(file),
		isSolution: (file) => file.endsWith(".py") && !/(^|\/)(conftest|setup)\.py$/.test(file),
	},
	go: {
		isTest: (file) => file.endsWith("_test.go"),
		isSolution: (file) => file.endsWith(".go"),
	},
	rust: {
		isTest: (file) => /^tests\/.+\.rs$/.test(file),
		isSolution: (file) => /^src\/.+\.rs$/.test(file),
	},
	javascript: {
		isTest: (file) => JS_TEST.test(file),
		isSolution: (file) => /\.[cm]?jsx?$/.test(file) && !JS_CONFIG.test(file),
	},
	typescript: {
		isTest: (file) => JS_TEST.test(file),
		isSolution: (file) => /\.[cm]?tsx?$/.test(file) && !file.endsWith(".d.ts") && !JS_CONFIG.test(file),
	},
	java: {
		isTest: (file) => /^src\/test\/java\/.+\.java$/.test(file),
		isSolution: (file) => /^src\/main\/java\/.+\.java$/.test(file),
	},
	cpp: {
		isTest: (file) => /(^|\/)[^/]+_test\.(cpp|cc|cxx)$/.test(file) || file.startsWith("test/"),
		isSolution: (file) => /\.(cpp|cc|cxx|h|hpp|hh)$/.test(file),
	},
};

export function isConventionalTest(language: Language, file: string): boolean {
	return CONVENTIONS[language].isTest(file);
}

/** Test and solution files of an exercise folder, found by its language's naming convention. */
export async function conventionalFiles(
	language: Language,
	dir: string,
): Promise<{ testFiles: string[]; solutionFiles: string[] }> {
	const convention = CONVENTIONS[language];
	const files = await listFiles(dir);
	const testFiles = files.filter((file) => convention.isTest(file));
	const solutionFiles = files.filter((file) => !convention.isTest(file) && convention.isSolution(file));
	return { testFiles, solutionFiles };
}
