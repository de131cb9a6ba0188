import path from "node:path";
import { z } from "zod";
import { buildExercise, readPrompts, sortExercises, ungradableReason, warner } from "./exercise.js";
import { isDirectory, isFile, readTextIfExists, subdirectories } from "./files.js";
import type { SuiteLayout } from "./layout.js";
import { readMetaConfig } from "./metadata.js";
import { type Exercise, isLanguage, type Language, type Suite, type UngradableExercise } from "./types.js";

const PRACTICE = path.join("exercises", "practice");

// The track's own config.json rates each exercise; optional, and only this much of it is read.
const trackConfigSchema = z.object({
	exercises: z.object({
		practice: z.array(z.object({ slug: z.string(), difficulty: z.union([z.number(), z.string()]).optional() })),
	}),
});

async function trackDifficulties(root: string, language: Language): Promise<Map<string, string>> {
	const text = await readTextIfExists(path.join(root, language, "config.json"));
	const difficulties = new Map<string, string>();
	if (text === undefined) return difficulties;
	try {
		const parsed = trackConfigSchema.safeParse(JSON.parse(text));
		if (!parsed.success) return difficulties;
		for (const { slug, difficulty } of parsed.data.exercises.practice) {
			if (difficulty !== undefined) difficulties.set(slug, String(difficulty));
		}
	} catch {
		// A broken track config only costs the difficulty ratings.
	}
	return difficulties;
}

/**
 * Exercism tracks as checked out by Aider's polyglot-benchmark:
 * `<root>/<language>/exercises/practice/<exercise>/` with `.docs/` (kept: it is the exercise's
 * text) and `.meta/` (hidden: config.json, the example solution, test generators). Example files
 * are mapped onto the solution files they replace (see `mapExamples`).
 */
export const exercismLayout: SuiteLayout = {
	name: "exercism",

	async detect(root) {
		for (const folder of await subdirectories(root)) {
			if (await isDirectory(path.join(root, folder, PRACTICE))) return true;
		}
		return false;
	},

	async load(root) {
		const warnings: string[] = [];
		const exercises: Exercise[] = [];
		const ungradable: UngradableExercise[] = [];
		for (const folder of await subdirectories(root)) {
			const practice = path.join(root, folder, PRACTICE);
			if (!(await isDirectory(practice))) continue;
			if (!isLanguage(folder)) {
				warnings.push(`${folder}: not a supported language; its exercises are not loaded`);
				continue;
			}
			const language = folder;
			const difficulties = await trackDifficulties(root, language);
			for (const name of await subdirectories(practice)) {
				if (name.startsWith(".")) continue;
				const dir = path.join(practice, name);
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
				const difficulty = difficulties.get(name);
				const exercise = await buildExercise({
					language,
					name,
					dir,
					layout: "exercism",
					hiddenPaths: [".meta"],
					config,
					warn,
					...(difficulty !== undefined ? { difficulty } : {}),
				});
				if (exercise) exercises.push(exercise);
			}
		}
		return {
			root,
			layout: "exercism",
			exercises: sortExercises(exercises),
			prompts: await readPrompts(root),
			warnings,
			ungradable,
		} satisfies Suite;
	},
};
