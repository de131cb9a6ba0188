import type { Exercise } from "../exercises/types.js";
import { unskipTests } from "../exercises/unskip.js";
import { restoreTests } from "../exercises/workspace.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { getRunner } from "./registry.js";
import type { GradeOptions, GradeResult, LanguageRunner } from "./runner.js";

export interface GradeReport extends GradeResult {
	/** Test files the agent changed or deleted (restored before grading). */
	tampered: string[];
	/** Test files whose skip markers were removed before grading. */
	unskipped: string[];
}

/**
 * The whole grading step of a task: put the pristine tests back (reporting what the agent had
 * changed), remove skip markers, run the language's tests in the sandbox. Only a failure to
 * restore the tests (the suite itself unreadable) throws; everything else is a verdict.
 */
export async function gradeExercise(
	exercise: Exercise,
	workspace: string,
	sandbox: Sandbox,
	options: GradeOptions & { runner?: LanguageRunner } = {},
): Promise<GradeReport> {
	const { tampered } = await restoreTests(exercise, workspace);
	const unskipped = await unskipTests(exercise.language, workspace, exercise.testFiles);
	const runner = options.runner ?? getRunner(exercise.language);
	const result = await runner.grade(workspace, exercise, sandbox, options);
	return { ...result, tampered, unskipped };
}
