import { resolve } from "node:path";
import { runDefaults } from "@agent-evals/types";
import type { Command } from "commander";
import PQueue from "p-queue";
import { loadSuite } from "../../exercises/load.js";
import { selectExercises } from "../../exercises/select.js";
import {
	type Language,
	type Suite,
	SuiteLoadError,
	type UngradableExercise,
	UnknownExerciseError,
} from "../../exercises/types.js";
import {
	gradeRepeatedly,
	gradeVariant,
	summariseValidation,
	type ValidationRow,
	type ValidationSummary,
	validationHealthy,
	validationRow,
} from "../../grading/validate.js";
import { table } from "../../report/format.js";
import { bundledSuitePath } from "../../run/defaults.js";
import { chooseSandbox, type SandboxChoice, SandboxChoiceError } from "../../sandbox/choose.js";
import { getSandbox, sandboxNames } from "../../sandbox/registry.js";
import { UnknownSandboxError } from "../../sandbox/sandbox.js";
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

async function sandboxFrom(name: string): Promise<SandboxChoice> {
	try {
		return await chooseSandbox(name);
	} catch (error) {
		if (error instanceof SandboxChoiceError || error instanceof UnknownSandboxError)
			throw new UsageError(error.message);
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
		.option(
			"--repeat <n>",
			"grade each reference n times to catch tests that pass or fail by chance (reported as flaky)",
			integer(1, 20),
			1,
		)
		.option(
			"--sandbox <name>",
			`where the tests run: auto (bwrap where it works here, else local), ${sandboxNames().join(", ")}`,
			runDefaults.sandbox,
		)
		.option("--json", "print JSON")
		.action(
			async (flags: {
				repeat: number;
				suite?: string;
				include?: string[];
				exclude?: string[];
				exercise?: string[];
				concurrency: number;
				commandTimeout: number;
				sandbox: string;
				json?: boolean;
			}) => {
				const suite = await suiteFrom(flags.suite);
				const exercises = select(suite, flags);
				const notGradable = ungradableIn(suite, flags);
				const choice = await sandboxFrom(flags.sandbox);
				if (!flags.json) process.stderr.write(`Sandbox: ${choice.description.replace(/^sandbox /, "")}\n`);
				const queue = new PQueue({ concurrency: flags.concurrency });
				// One sandbox for every grading: it resolves its toolchain folders once.
				const options = { timeoutMs: flags.commandTimeout * 1000, sandbox: getSandbox(choice.name) };
				let done = 0;
				const rows = await Promise.all(
					exercises.map(async (exercise) => {
						const [reference, stub] = await Promise.all([
							queue.add(() => gradeRepeatedly(exercise, "reference", flags.repeat, options)),
							queue.add(() => gradeVariant(exercise, "stub", options)),
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
				const summary = summariseValidation(rows, notGradable);
				if (flags.json) {
					const report = {
						suite: suite.root,
						sandbox: choice.name,
						exercises: rows,
						summary,
						notGradable: notGradable.map((e) => ({ language: e.language, exercise: e.name, reason: e.reason })),
					};
					process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
				} else {
					process.stdout.write(humanValidation(rows, summary, notGradable));
				}
				process.exitCode = validationHealthy(summary) ? 0 : 1;
			},
		);
}

/** The suite's not-gradable exercises that the flags would otherwise have selected. */
function ungradableIn(
	suite: Suite,
	flags: { include?: string[]; exclude?: string[]; exercise?: string[] },
): UngradableExercise[] {
	return suite.ungradable.filter(
		(exercise) =>
			(!flags.include?.length || flags.include.includes(exercise.language)) &&
			!flags.exclude?.includes(exercise.language) &&
			(!flags.exercise?.length ||
				flags.exercise.some((name) => name === exercise.name || name === `${exercise.language}/${exercise.name}`)),
	);
}

/** The table, a line per language, the output behind each failure, and the totals. */
function humanValidation(rows: ValidationRow[], summary: ValidationSummary, notGradable: UngradableExercise[]): string {
	const parts: string[] = [];
	const table_ = rows.map((r) => [r.language, r.exercise, r.reference, r.stub, r.reason]);
	parts.push(table(["language", "exercise", "reference", "stub", "reason"], table_));
	const languages = Object.entries(summary.byLanguage).map(([name, counts]) => {
		const graded = counts.referencePass + counts.referenceFail;
		return [
			name,
			`${counts.referencePass}/${graded}${graded > 0 ? ` (${((counts.referencePass / graded) * 100).toFixed(1)}%)` : ""}`,
			String(counts.stubPass),
			String(counts.skipped),
			String(counts.refactoringStubPass),
			String(notGradable.filter((e) => e.language === name).length),
		];
	});
	parts.push(table(["language", "references pass", "stubs pass", "skipped", "refactoring", "not gradable"], languages));
	const problems = rows.filter(
		(r) => r.output !== "" && (r.reference !== "pass" || (r.stub !== "fail" && !r.refactoring)),
	);
	for (const row of problems) {
		const indented = row.output
			.split("\n")
			.map((line) => `    ${line}`)
			.join("\n");
		parts.push(`${row.language}/${row.exercise}: ${row.reason}\n${indented}`);
	}
	let totals = `references: ${summary.referencePass} pass, ${summary.referenceFail} fail · stubs: ${summary.stubFail} fail, ${summary.stubPass} pass · skipped: ${summary.skipped}\n`;
	if (summary.flaky > 0) totals += `flaky references (passed and failed across --repeat gradings): ${summary.flaky}\n`;
	if (summary.refactoringStubPass > 0) {
		totals += `refactoring exercises whose stub passes (tests alone cannot judge them): ${summary.refactoringStubPass}\n`;
	}
	for (const exercise of notGradable) {
		totals += `not gradable: ${exercise.language}/${exercise.name}: ${exercise.reason}\n`;
	}
	parts.push(totals);
	return `\n${parts.join("\n\n")}`;
}
