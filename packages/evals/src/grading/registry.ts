import { LANGUAGES, type Language } from "../exercises/types.js";
import { CppRunner } from "./cpp.js";
import { GoRunner } from "./go.js";
import { JavaRunner } from "./java.js";
import { JavaScriptRunner } from "./javascript.js";
import { PythonRunner } from "./python.js";
import type { LanguageRunner, RunnerOptions } from "./runner.js";
import { RustRunner } from "./rust.js";

const factories: Record<Language, (options: RunnerOptions) => LanguageRunner> = {
	cpp: (options) => new CppRunner(options),
	go: (options) => new GoRunner(options),
	java: (options) => new JavaRunner(options),
	javascript: (options) => new JavaScriptRunner("javascript", options),
	python: (options) => new PythonRunner(options),
	rust: (options) => new RustRunner(options),
	typescript: (options) => new JavaScriptRunner("typescript", options),
};

export function runnerLanguages(): Language[] {
	return [...LANGUAGES];
}

/** The runner for a language; `options.env` (e.g. a PATH) applies to every command it runs. */
export function getRunner(language: Language, options: RunnerOptions = {}): LanguageRunner {
	return factories[language](options);
}
