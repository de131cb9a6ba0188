import { restoreTests } from "../exercises/restore.js";
import type { Exercise } from "../exercises/types.js";
import { unskipTests } from "../exercises/unskip.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { getRunner } from "./registry.js";
import type { GradeOptions, GradeResult, LanguageRunner } from "./runner.js";

export interface GradeReport extends GradeResult {
	/**
	 * Every file the agent had changed, deleted or added among those that decide how the tests run
	 * (tests and build configuration): `restored` and `removed` together.
	 */
	tampered: string[];
	/** Test and configuration files put back to the exercise's copy. */
	restored: string[];
	/** Test and configuration files the exercise does not have, deleted before grading. */
	removed: string[];
	/** Test files whose skip markers were removed before grading. */
	unskipped: string[];
	/** What a reader of the verdict should know (a refactoring exercise, files restored). */
	notes: string[];
}

export const REFACTORING_NOTE =
	"refactoring exercise: its stub already passes, so passing tests show nothing broke, not that the code was restructured; tests alone cannot judge it";

/**
 * The whole grading step of a task: make the workspace use the exercise's own tests and build
 * configuration (reporting what the agent had changed, added or deleted), remove skip markers,
 * run the language's tests in the sandbox. Only a failure to restore the tests (the suite itself
 * unreadable) throws; everything else is a verdict.
 */
export async function gradeExercise(
	exercise: Exercise,
	workspace: string,
	sandbox: Sandbox,
	options: GradeOptions & { runner?: LanguageRunner } = {},
): Promise<GradeReport> {
	const { tampered: restored, removed } = await restoreTests(exercise, workspace);
	const unskipped = await unskipTests(exercise.language, workspace, exercise.testFiles);
	const runner = options.runner ?? getRunner(exercise.language);
	const result = await runner.grade(workspace, exercise, sandbox, options);
	const notes: string[] = [];
	if (restored.length > 0) notes.push(`restored from the exercise (changed by the agent): ${restored.join(", ")}`);
	if (removed.length > 0) notes.push(`removed (not part of the exercise): ${removed.join(", ")}`);
	if (exercise.refactoring) notes.push(REFACTORING_NOTE);
	// The notes lead the stored test output, so whoever reads a task's output sees them first.
	const output = notes.length > 0 ? `${notes.map((note) => `# ${note}\n`).join("")}${result.output}` : result.output;
	const tampered = [...new Set([...restored, ...removed])].sort();
	return { ...result, output, tampered, restored, removed, unskipped, notes };
}
