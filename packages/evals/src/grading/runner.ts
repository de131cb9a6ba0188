import type { Exercise, Language } from "../exercises/types.js";
import type { Sandbox } from "../sandbox/sandbox.js";

/**
 * passed: every command succeeded and at least one test ran, none failed or was skipped.
 * failed: the work is wrong (failing, skipped or no tests, build errors).
 * infra: grading could not judge the work (toolchain missing, sandbox unavailable, cancelled,
 *   dependencies not downloadable); the agent is not to blame.
 * timeout: a command hit the per-command limit (its process tree was killed).
 */
export type Verdict = "passed" | "failed" | "infra" | "timeout";

export interface CommandRecord {
	command: string;
	exitCode: number | null;
	durationMs: number;
}

export interface GradeResult {
	verdict: Verdict;
	/** One line: "12 passed, 1 failed", "no tests ran", "go not found on PATH". */
	summary: string;
	/** Every command's output, each after a `$ command` line; capped (head and tail) at ~64 KB. */
	output: string;
	commands: CommandRecord[];
	durationMs: number;
}

export interface GradeOptions {
	/** Limit for each command, not for the whole grading. Default 120 s. */
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface RunnerOptions {
	/**
	 * Variables every grading command gets, over the sandbox's environment and the runner's own
	 * defaults. Setting PATH here also decides which tools count as installed.
	 */
	env?: Record<string, string>;
}

/**
 * Grades a workspace with its exercise's own tests, for one language. `grade` never throws:
 * whatever goes wrong is a verdict (infra when it is not the work's fault). It expects the test
 * files to have been restored and unskipped already (see `gradeExercise`).
 */
export interface LanguageRunner {
	readonly language: Language;
	/** Checked on the sandbox's PATH before anything runs; a missing one is verdict "infra". */
	readonly requiredTools: readonly string[];
	grade(workspace: string, exercise: Exercise, sandbox: Sandbox, options?: GradeOptions): Promise<GradeResult>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
export const GRADE_OUTPUT_MAX_BYTES = 64 * 1024;
