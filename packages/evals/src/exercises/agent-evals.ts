import path from "node:path";
import { buildExercise, readPrompts, sortExercises, ungradableReason, warner } from "./exercise.js";
import { isFile, subdirectories } from "./files.js";
import type { SuiteLayout } from "./layout.js";
import { readMetaConfig } from "./metadata.js";
import { type Exercise, isLanguage, type Suite, type UngradableExercise } from "./types.js";

/**
 * Ours: `<root>/<language>/<exercise>/` with `docs/instructions.md`, the stub, the tests and a
 * hidden `.meta/` holding `config.json` and the reference solution under `.meta/solution/<path>`.
 * An exercise without `.meta/config.json` still loads, by naming conventions, with a warning.
 */
export const agentEvalsLayout: SuiteLayout = {
	name: "agent-evals",

	async detect(root) {
		for (const language of (await subdirectories(root)).filter(isLanguage)) {
			for (const name of await subdirectories(path.join(root, language))) {
				if (await isFile(path.join(root, language, name, ".meta", "config.json"))) return true;
			}
		}
		return false;
	},

	async load(root) {
		const warnings: string[] = [];
		const exercises: Exercise[] = [];
		const ungradable: UngradableExercise[] = [];
		for (const language of (await subdirectories(root)).filter(isLanguage)) {
			for (const name of await subdirectories(path.join(root, language))) {
				if (name.startsWith(".")) continue;
				const dir = path.join(root, language, name);
				const warn = warner(warnings, language, name);
				const reason = await ungradableReason(dir);
				if (reason !== undefined) {
					ungradable.push({ language, name, dir, reason });
					warn(`not gradable: ${reason}; left out of validation and runs`);
					continue;
				}
				const configFile = path.join(dir, ".meta", "config.json");
				const config = await readMetaConfig(configFile, warn);
				if (config === undefined && !(await isFile(configFile))) {
					warn("no .meta/config.json; files found by naming convention");
				}
				const exercise = await buildExercise({
					language,
					name,
					dir,
					layout: "agent-evals",
					hiddenPaths: [".meta"],
					config,
					warn,
					solutionFolderFallback: true,
				});
				if (exercise) exercises.push(exercise);
			}
		}
		const suite: Suite = {
			root,
			layout: "agent-evals",
			exercises: sortExercises(exercises),
			prompts: await readPrompts(root),
			warnings,
			ungradable,
		};
		return suite;
	},
};
