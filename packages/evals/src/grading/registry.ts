import { LANGUAGES, type Language } from "../exercises/types.js";
import { CppRunner } from "./cpp.js";
import { GoRunner } from "./go.js";
import { JavaRunner } from "./java.js";
import { JavaScriptRunner } from "./javascript.js";
import { PythonRunner } from "./python.js";
import type { LanguageRunner, RunnerOptions } from "./runner.js";
import { RustRunner } from "./rust.js";

type RunnerFactory = (options: RunnerOptions) => LanguageRunner;

/*
 * The grader of each language. The built-in ones register below; `registerRunner` replaces one
 * (a different build tool, a test double) without editing this file.
 */
const factories = new Map<Language, RunnerFactory>();

/** Sets the grader of `language`; returns a function that puts the previous one back. */
export function registerRunner(language: Language, factory: RunnerFactory): () => void {
	const previous = factories.get(language);
	factories.set(language, factory);
	return () => {
		if (factories.get(language) !== factory) return;
		if (previous) factories.set(language, previous);
		else factories.delete(language);
	};
}

export function runnerLanguages(): Language[] {
	return LANGUAGES.filter((language) => factories.has(language));
}

/** The runner for a language; `options.env` (e.g. a PATH) applies to every command it runs. */
export function getRunner(language: Language, options: RunnerOptions = {}): LanguageRunner {
	const factory = factories.get(language);
	if (!factory) throw new Error(`No grader is registered for ${language}.`);
	return factory(options);
}

registerRunner("cpp", (options) => new CppRunner(options));
registerRunner("go", (options) => new GoRunner(options));
registerRunner("java", (options) => new JavaRunner(options));
registerRunner("javascript", (options) => new JavaScriptRunner("javascript", options));
registerRunner("python", (options) => new PythonRunner(options));
registerRunner("rust", (options) => new RustRunner(options));
registerRunner("typescript", (options) => new JavaScriptRunner("typescript", options));
