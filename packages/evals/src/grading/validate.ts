import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exercise, UngradableExercise } from "../exercises/types.js";
import { prepareReference, prepareWorkspace } from "../exercises/workspace.js";
import { getSandbox } from "../sandbox/registry.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { outputExcerpt } from "./excerpt.js";
import { gradeExercise } from "./grade.js";

/** `flaky`: graded several times (`--repeat`), the reference both passed and failed. */
export type ReferenceStatus = "pass" | "fail" | "missing" | "skipped" | "flaky";
export type StubStatus = "pass" | "fail" | "skipped";

/** How one variant (reference solution or untouched stub) of an exercise graded. */
export interface Variant {
	status: ReferenceStatus;
	/** The grading's one-line summary ("3 passed", "build failed", "cmake not found on PATH"). */
	reason: string;
	/** The first lines of the test output that explain the outcome. */
	output: string;
}

export interface ValidationRow {
	language: string;
	exercise: string;
	reference: ReferenceStatus;
	stub: StubStatus;
	/** Why the row is not healthy ("reference: build failed"), or a note; "" when all is well. */
	reason: string;
	/** A refactoring exercise: its stub is expected to pass (see `Exercise.refactoring`). */
	refactoring: boolean;
	/** The first lines of the test output behind `reason`; "" when there is nothing to show. */
	output: string;
}

export interface ValidationCounts {
	referencePass: number;
	referenceFail: number;
	/** Stubs that pass although they should fail: a grader or suite problem. */
	stubPass: number;
	stubFail: number;
	/** Exercises whose reference or stub could not be graded here (a toolchain or library missing). */
	skipped: number;
	/** Refactoring exercises whose stub passes, as it should. */
	refactoringStubPass: number;
	/** References whose repeated gradings disagreed: their tests are not deterministic. */
	flaky: number;
}

export interface ValidationSummary extends ValidationCounts {
	/** Exercises the suite marks as not gradable by tests (left out of the rows). */
	notGradable: number;
	byLanguage: Record<string, ValidationCounts>;
}

export const REFACTORING_REASON = "refactoring exercise: the stub already passes; tests alone cannot judge it";

/**
 * Grades one variant of an exercise in a scratch workspace: the reference solution copied over the
 * stub as the oracle agent does, or the stub as it is. A verdict of `infra` (a toolchain or system
 * library missing) is "skipped": it says nothing about the exercise.
 */
export async function gradeVariant(
	exercise: Exercise,
	variant: "reference" | "stub",
	options: { timeoutMs: number; sandbox?: Sandbox },
): Promise<Variant> {
	if (variant === "reference" && exercise.reference.length === 0) {
		return { status: "missing", reason: "no reference solution", output: "" };
	}
	const dir = await mkdtemp(join(tmpdir(), `evals-validate-${variant}-`));
	try {
		// Named after the exercise: Exercism's C++ CMakeLists.txt takes its target name from the folder.
		const workspace = join(dir, exercise.name);
		await prepareWorkspace(exercise, workspace);
		if (variant === "reference") {
			await prepareReference(exercise, join(dir, ".reference"));
			await cp(join(dir, ".reference"), workspace, { recursive: true, force: true });
		}
		const report = await gradeExercise(exercise, workspace, options.sandbox ?? getSandbox("local"), {
			timeoutMs: options.timeoutMs,
		});
		const status = report.verdict === "infra" ? "skipped" : report.verdict === "passed" ? "pass" : "fail";
		return { status, reason: report.summary, output: outputExcerpt(report.output) };
	} finally {
		await rm(dir, { recursive: true, force: true }).catch(() => undefined);
	}
}

/**
 * Grades a variant `times` times, one after the other: a reference whose tests pass one time and
 * fail another is `flaky` (its tests depend on timing, order or chance), which a single grading
 * cannot show. Stops early once both outcomes were seen.
 */
export async function gradeRepeatedly(
	exercise: Exercise,
	variant: "reference" | "stub",
	times: number,
	options: { timeoutMs: number; sandbox?: Sandbox },
): Promise<Variant> {
	const first = await gradeVariant(exercise, variant, options);
	if (times <= 1 || (first.status !== "pass" && first.status !== "fail")) return first;
	let passes = first.status === "pass" ? 1 : 0;
	let failed: Variant | undefined = first.status === "fail" ? first : undefined;
	let graded = 1;
	for (; graded < times; graded++) {
		const next = await gradeVariant(exercise, variant, options);
		if (next.status === "pass") passes++;
		else if (next.status === "fail") failed ??= next;
		if (passes > 0 && failed) {
			graded++;
			break;
		}
	}
	if (passes === 0 || !failed) return first;
	return {
		status: "flaky",
		reason: `passed ${passes} of ${graded} gradings: the tests are not deterministic (last failure: ${failed.reason})`,
		output: failed.output,
	};
}

/** One exercise's validation: what is wrong, if anything, and the output that shows it. */
export function validationRow(exercise: Exercise, reference: Variant, stub: Variant): ValidationRow {
	// A stub is graded once: "missing" and "flaky" cannot happen to it.
	const stubStatus: StubStatus = stub.status === "pass" || stub.status === "fail" ? stub.status : "skipped";
	const row = {
		language: exercise.language,
		exercise: exercise.name,
		reference: reference.status,
		stub: stubStatus,
		refactoring: exercise.refactoring,
	};
	if (reference.status !== "pass") {
		return { ...row, reason: `reference: ${reference.reason}`, output: reference.output };
	}
	if (stubStatus === "pass" && exercise.refactoring) return { ...row, reason: REFACTORING_REASON, output: "" };
	if (stubStatus === "pass" || stubStatus === "skipped") {
		return { ...row, reason: `stub: ${stub.reason}`, output: stub.output };
	}
	return { ...row, reason: "", output: "" };
}

function count(rows: readonly ValidationRow[]): ValidationCounts {
	const where = (test: (row: ValidationRow) => boolean) => rows.filter(test).length;
	return {
		referencePass: where((row) => row.reference === "pass"),
		referenceFail: where((row) => row.reference === "fail"),
		stubPass: where((row) => row.stub === "pass" && !row.refactoring),
		stubFail: where((row) => row.stub === "fail"),
		skipped: where((row) => row.reference === "skipped" || row.stub === "skipped"),
		refactoringStubPass: where((row) => row.stub === "pass" && row.refactoring),
		flaky: where((row) => row.reference === "flaky"),
	};
}

export function summariseValidation(
	rows: readonly ValidationRow[],
	notGradable: readonly UngradableExercise[],
): ValidationSummary {
	const byLanguage: Record<string, ValidationCounts> = {};
	for (const language of [...new Set(rows.map((row) => row.language))].sort()) {
		byLanguage[language] = count(rows.filter((row) => row.language === language));
	}
	return { ...count(rows), notGradable: notGradable.length, byLanguage };
}

/** Every reference passes (or could not be graded here) and no stub passes unless it should. */
export function validationHealthy(summary: ValidationCounts): boolean {
	return summary.referenceFail === 0 && summary.stubPass === 0 && summary.flaky === 0;
}
