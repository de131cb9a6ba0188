import path from "node:path";
import { buildExercise, readPrompts, sortExercises, warner } from "./exercise.js";
import { listFiles, subdirectories } from "./files.js";
import type { SuiteLayout } from "./layout.js";
import { type Exercise, isLanguage, type Suite } from "./types.js";

/**
 * Roo-Code-Evals: `<root>/<language>/<exercise>/` like ours but without `.meta/`, so files are
 * known only by naming convention and there is no reference solution. Prompts live in
 * `<root>/prompts/<language>.md`. It is the fallback: any folder of language folders holding
 * exercise folders is one.
 */
export const rooCodeEvalsLayout: SuiteLayout = {
	name: "roo-code-evals",

	async detect(root) {
		for (const language of (await subdirectories(root)).filter(isLanguage)) {
			for (const name of await subdirectories(path.join(root, language))) {
				if ((await listFiles(path.join(root, language, name))).length > 0) return true;
			}
		}
		return false;
	},

	async load(root) {
		const warnings: string[] = [];
		const exercises: Exercise[] = [];
		for (const language of (await subdirectories(root)).filter(isLanguage)) {
			for (const name of await subdirectories(path.join(root, language))) {
				if (name.startsWith(".")) continue;
				const warn = warner(warnings, language, name);
				const exercise = await buildExercise({
					language,
					name,
					dir: path.join(root, language, name),
					layout: "roo-code-evals",
					hiddenPaths: [],
					config: undefined,
					warn,
				});
				if (exercise) exercises.push(exercise);
			}
		}
		return {
			root,
			layout: "roo-code-evals",
			exercises: sortExercises(exercises),
			prompts: await readPrompts(root),
			warnings,
			// Roo's suite has no .meta/, so nothing marks an exercise as not gradable.
			ungradable: [],
		} satisfies Suite;
	},
};
