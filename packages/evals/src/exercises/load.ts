import path from "node:path";
import { agentEvalsLayout } from "./agent-evals.js";
import { exercismLayout } from "./exercism.js";
import { isDirectory } from "./files.js";
import type { SuiteLayout } from "./layout.js";
import { rooCodeEvalsLayout } from "./roo-code-evals.js";
import { type LayoutName, type Suite, SuiteLoadError } from "./types.js";

/*
 * Detection order matters: Exercism's `exercises/practice/` nesting is unmistakable; ours is a
 * Roo-style tree plus `.meta/config.json`, so it must be asked before Roo's, which takes any tree
 * of language folders.
 */
const layouts: readonly SuiteLayout[] = [exercismLayout, agentEvalsLayout, rooCodeEvalsLayout];

export function suiteLayouts(): readonly SuiteLayout[] {
	return layouts;
}

export function getSuiteLayout(name: LayoutName): SuiteLayout {
	const layout = layouts.find((candidate) => candidate.name === name);
	if (!layout) throw new Error(`no suite layout named ${name}`);
	return layout;
}

/** Which layout `root` is in; throws `SuiteLoadError` when it is none of them. */
export async function detectLayout(root: string): Promise<LayoutName> {
	const absolute = path.resolve(root);
	if (!(await isDirectory(absolute))) throw new SuiteLoadError(absolute, `suite folder ${absolute} does not exist`);
	for (const layout of layouts) {
		if (await layout.detect(absolute)) return layout.name;
	}
	throw new SuiteLoadError(
		absolute,
		`${absolute} holds no exercises: expected <language>/<exercise>/ folders (ours, Roo-Code-Evals) or <language>/exercises/practice/<exercise>/ (Exercism)`,
	);
}

/**
 * Loads a suite, detecting its layout unless one is given. Malformed exercise metadata never
 * fails the load: see `Suite.warnings`.
 */
export async function loadSuite(root: string, options: { layout?: LayoutName } = {}): Promise<Suite> {
	const absolute = path.resolve(root);
	const name = options.layout ?? (await detectLayout(absolute));
	if (options.layout !== undefined && !(await isDirectory(absolute))) {
		throw new SuiteLoadError(absolute, `suite folder ${absolute} does not exist`);
	}
	return getSuiteLayout(name).load(absolute);
}
