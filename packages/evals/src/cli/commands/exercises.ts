import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import PQueue from "p-queue";
import { loadSuite } from "../../exercises/load.js";
import { selectExercises } from "../../exercises/select.js";
import { type Exercise, type Language, SuiteLoadError, UnknownExerciseError } from "../../exercises/types.js";
import { prepareReference, prepareWorkspace } from "../../exercises/workspace.js";
import type { GradeReport } from "../../grading/grade.js";
import { gradeExercise } from "../../grading/grade.js";
import { table } from "../../report/format.js";
import { bundledSuitePath } from "../../run/defaults.js";
import { getSandbox } from "../../sandbox/registry.js";
import { UsageError } from "../errors.js";
import { collect, integer, language } from "../options.js";

async function suiteFrom(path: string | undefined) {
	try {
		return await loadSuite(path ? resolve(path) : bundledSuitePath());
	} catch (error) {
		if (error instanceof SuiteLoadError) throw new UsageError(error.message);
		throw error;
	}
}

function select(
	suite: Awaited<ReturnType<typeof loadSuite>>,
	flags: { include?: string[]; exclude?: string[]; exercise?: string[] },
) {
	try {
		return selectExercises(suite, {
			include: flags.include as Language[] | undefined,
			exclude: flags.exclude as Language[] | undefined,
			names: flags.exercise,
		});
	} catch (error) {
		if (error instanceof UnknownExerciseError) throw new UsageError(error.message);
		throw error;
	}
}

export function registerExercises(program: Command): void {
	program
		.command("exercises")
		.description("List the exercises of a suite")
		.option("-s, --suite <path>", "suite folder (default: the bundled exercises/)")
		.option("-i, --include <language>", "only these languages", language)
		.option("--json", "print JSON")
		.action(async (flags: { suite?: string; include?: string[]; json?: boolean }) => {
			const suite = await suiteFrom(flags.suite);
			const exercises = select(suite, flags);
			if (flags.json) {
				process.stdout.write(
					`${JSON.stringify(
						{
							suite: suite.root,
							layout: suite.layout,
							exercises: exercises.map((e) => ({
								language: e.language,
								exercise: e.name,
								difficulty: e.difficulty ?? null,
								reference: e.reference.length > 0,
							})),
							warnings: suite.warnings,
						},
						null,
						2,
					)}\n`,
				);
				return;
			}
			const rows = exercises.map((e) => [
				e.language,
				e.name,
				e.difficulty ?? "-",
				e.reference.length > 0 ? "yes" : "no",
			]);
			process.stdout.write(
				`${suite.root} (${suite.layout} layout)\n\n${table(["language", "exercise", "difficulty", "reference"], rows)}\n`,
			);
			for (const warning of suite.warnings) process.stderr.write(`warning: ${warning}\n`);
		});

	program
		.command("validate")
		.description("Check a suite: every reference solution must pass its tests and every untouched stub must fail")
		.option("-s, --suite <path>", "suite folder (default: the bundled exercises/)")
		.option("-i, --include <language>", "only these languages", language)
		.option("-e, --exclude <language>", "leave out these languages", language)
		.option("-x, --exercise <name>", "exercise name or language/name (repeatable)", collect)
		.option("-c, --concurrency <n>", "gradings at a time", integer(1, 25), 2)
		.option("--command-timeout <seconds>", "time limit of each grading command", integer(1, 3600), 120)
		.option("--json", "print JSON")
		.action(
			async (flags: {
				suite?: string;
				include?: string[];
				exclude?: string[];
				exercise?: string[];
				concurrency: number;
				commandTimeout: number;
				json?: boolean;
			}) => {
				const suite = await suiteFrom(flags.suite);
				const exercises = select(suite, flags);
				const queue = new PQueue({ concurrency: flags.concurrency });
				const timeoutMs = flags.commandTimeout * 1000;
				let done = 0;
				const results = await Promise.all(
					exercises.map(async (exercise) => {
						const [reference, stub] = await Promise.all([
							queue.add(() => gradeVariant(exercise, "reference", timeoutMs)),
							queue.add(() => gradeVariant(exercise, "stub", timeoutMs)),
						]);
						const row = validationRow(exercise, reference, stub);
						done++;
						if (!flags.json)
							process.stderr.write(
								`[${done}/${exercises.length}] ${exercise.language}/${exercise.name}: reference ${row.reference}, stub ${row.stub}${row.reason ? ` (${row.reason})` : ""}\n`,
							);
						return row;
					}),
				);
				const summary = {
					referencePass: results.filter((r) => r.reference === "pass").length,
					referenceFail: results.filter((r) => r.reference === "fail").length,
					stubPass: results.filter((r) => r.stub === "pass").length,
					stubFail: results.filter((r) => r.stub === "fail").length,
					skipped: results.filter((r) => r.reference === "skipped" || r.stub === "skipped").length,
				};
				if (flags.json) {
					process.stdout.write(`${JSON.stringify({ suite: suite.root, exercises: results, summary }, null, 2)}\n`);
				} else {
					const rows = results.map((r) => [r.language, r.exercise, r.reference, r.stub, r.reason]);
					process.stdout.write(`\n${table(["language", "exercise", "reference", "stub", "reason"], rows)}\n\n`);
					process.stdout.write(
						`references: ${summary.referencePass} pass, ${summary.referenceFail} fail · stubs: ${summary.stubFail} fail, ${summary.stubPass} pass · skipped: ${summary.skipped}\n`,
					);
				}
				const healthy = summary.referenceFail === 0 && summary.stubPass === 0;
				process.exitCode = healthy ? 0 : 1;
			},
		);
}

type Variant = { status: "pass" | "fail" | "missing" | "skipped"; reason: string };

async function gradeVariant(exercise: Exercise, variant: "reference" | "stub", timeoutMs: number): Promise<Variant> {
	if (variant === "reference" && exercise.reference.length === 0)
		return { status: "missing", reason: "no reference solution" };
	const dir = await mkdtemp(join(tmpdir(), `evals-validate-${variant}-`));
	try {
		const workspace = join(dir, "workspace");
		await prepareWorkspace(exercise, workspace);
		if (variant === "reference") {
			await prepareReference(exercise, join(dir, "reference"));
			await cp(join(dir, "reference"), workspace, { recursive: true, force: true });
		}
		const report: GradeReport = await gradeExercise(exercise, workspace, getSandbox("local"), { timeoutMs });
		if (report.verdict === "infra") return { status: "skipped", reason: report.summary };
		return { status: report.verdict === "passed" ? "pass" : "fail", reason: report.summary };
	} finally {
		await rm(dir, { recursive: true, force: true }).catch(() => undefined);
	}
}

function validationRow(exercise: Exercise, reference: Variant, stub: Variant) {
	const reason =
		reference.status === "fail" || reference.status === "skipped" || reference.status === "missing"
			? `reference: ${reference.reason}`
			: stub.status === "pass" || stub.status === "skipped"
				? `stub: ${stub.reason}`
				: "";
	return {
		language: exercise.language,
		exercise: exercise.name,
		reference: reference.status,
		stub: stub.status === "missing" ? ("skipped" as const) : stub.status,
		reason,
	};
}
