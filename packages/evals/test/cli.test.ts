import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, REPO_ROOT, runCli, said } from "./helpers/cli.js";

/**
 * The `evals` CLI end to end: the compiled dist/cli/main.js (built by the vitest global setup)
 * runs in a child process against a fresh embedded database under a temporary EVALS_HOME, with the
 * offline oracle model, so no network, no keys and no shared state.
 */

const bundledSuite = path.join(REPO_ROOT, "exercises");

const LANGUAGES = ["go", "java", "javascript", "python", "rust"];
const DIFFICULTIES = ["easy", "medium", "hard"];
/** A stack frame line: never shown to a user who made a mistake. */
const STACK_FRAME = /^ {4}at /m;

const temps: string[] = [];
async function tempDir(prefix = "evals-cli-"): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
	temps.push(dir);
	return dir;
}
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * One EVALS_HOME for the whole file (tests run one after another, so one process at a time uses
 * its database): creating an embedded database takes seconds. Only `db migrate` gets a fresh one.
 */
let home: string;
beforeAll(async () => {
	home = await tempDir();
});

type Result = CliResult;

/** Runs `node dist/cli/main.js ...args` with only the given home: never DATABASE_URL or REDIS_URL. */
const evals = (
	args: string[],
	options: { home: string; env?: Record<string, string | undefined>; timeoutMs?: number },
) => runCli(args, { ...options, timeoutMs: options.timeoutMs ?? 55_000 });

function parseJson(result: Result): unknown {
	try {
		return JSON.parse(result.stdout);
	} catch {
		throw new Error(`stdout is not JSON:\n${said(result)}`);
	}
}

/** Checks the `run --json` / `show --json` contract, key by key and type by type. */
function expectRunContract(value: unknown, extraKeys: string[] = []) {
	expect(value).toBeTypeOf("object");
	const report = value as Record<string, unknown>;
	expect(Object.keys(report).sort()).toEqual(["failed", "passed", "runId", "tasks", "total", ...extraKeys].sort());
	expect(Number.isInteger(report.runId) && (report.runId as number) > 0).toBe(true);
	for (const key of ["passed", "failed", "total"]) expect(Number.isInteger(report[key]), key).toBe(true);
	expect(Array.isArray(report.tasks)).toBe(true);
	const tasks = report.tasks as Record<string, unknown>[];
	expect(tasks).toHaveLength(report.total as number);
	for (const task of tasks) {
		expect(Object.keys(task).sort()).toEqual(
			[
				"cost",
				"durationMs",
				"exercise",
				"failureKind",
				"iteration",
				"language",
				"passed",
				"tokensIn",
				"tokensOut",
			].sort(),
		);
		expect(task.language).toBeTypeOf("string");
		expect(task.exercise).toBeTypeOf("string");
		expect(Number.isInteger(task.iteration) && (task.iteration as number) >= 1).toBe(true);
		expect(typeof task.passed === "boolean" || task.passed === null).toBe(true);
		expect(typeof task.failureKind === "string" || task.failureKind === null).toBe(true);
		expect(task.durationMs === null || (Number.isInteger(task.durationMs) && (task.durationMs as number) >= 0)).toBe(
			true,
		);
		expect(Number.isInteger(task.tokensIn) && (task.tokensIn as number) >= 0).toBe(true);
		expect(Number.isInteger(task.tokensOut) && (task.tokensOut as number) >= 0).toBe(true);
		expect(task.cost).toBeTypeOf("number");
		expect(task.cost as number).toBeGreaterThanOrEqual(0);
	}
	return { ...report, tasks } as {
		runId: number;
		passed: number;
		failed: number;
		total: number;
		tasks: Record<string, unknown>[];
	} & Record<string, unknown>;
}

describe("evals run with the oracle, then runs / show / cancel", () => {
	let json: Result;

	beforeAll(async () => {
		json = await evals(["run", "--json", "-x", "python/roman-numerals", "-x", "javascript/luhn"], { home });
	}, 60_000);

	it("run --json exits 0 and prints exactly the JSON contract on stdout", () => {
		expect(json.code, said(json)).toBe(0);
		const report = expectRunContract(parseJson(json));
		// Nothing but the JSON document on stdout (pretty-printed, one trailing newline).
		expect(json.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
		expect(report.passed).toBe(2);
		expect(report.failed).toBe(0);
		expect(report.total).toBe(2);
		const byId = (task: Record<string, unknown>) => `${task.language}/${task.exercise}`;
		expect(report.tasks.map(byId).sort()).toEqual(["javascript/luhn", "python/roman-numerals"]);
		for (const task of report.tasks) {
			expect(task).toMatchObject({ iteration: 1, passed: true, failureKind: null, tokensIn: 0, tokensOut: 0, cost: 0 });
			expect(task.durationMs).toBeTypeOf("number");
		}
		// --json means no progress display either.
		expect(json.stderr).not.toMatch(/\[\d+\/\d+\]/);
		expect(json.stderr).not.toMatch(STACK_FRAME);
	});

	it("a human run prints progress lines on stderr, the table and summary on stdout", async () => {
		const result = await evals(["run", "-x", "go/spiral-matrix", "-x", "rust/run-length-encoding", "-c", "2"], {
			home,
		});
		expect(result.code, said(result)).toBe(0);
		// Not a TTY: one line per finished task instead of a bar.
		expect(result.stderr).toMatch(/^Run \d+: 2 tasks with oracle \(builtin agent\), concurrency 2$/m);
		expect(result.stderr).toMatch(/^Running 2 tasks…$/m);
		const progress = result.stderr.split("\n").filter((line) => /^\[\d+\/\d+\]/.test(line));
		expect(progress).toHaveLength(2);
		for (const line of progress) {
			expect(line).toMatch(/^\[[12]\/2\] (go\/spiral-matrix|rust\/run-length-encoding) passed in \d+(\.\d)? s$/);
		}
		expect(progress.map((line) => line.slice(0, 5))).toEqual(["[1/2]", "[2/2]"]);
		expect(result.stderr).not.toMatch(STACK_FRAME);
		// The report goes to stdout, and nothing of the progress display does.
		expect(result.stdout).not.toMatch(/^\[\d+\/\d+\]/m);
		expect(result.stdout).toMatch(/^Run \d+: oracle with the builtin agent — completed$/m);
		expect(result.stdout).toMatch(/^task\s+verdict\s+time\s+tokens in\s+tokens out\s+cost$/m);
		expect(result.stdout).toMatch(/^go\/spiral-matrix\s+passed\s+\d+(\.\d)? s\s+0\s+0\s+\$0\.0000$/m);
		expect(result.stdout).toMatch(/^rust\/run-length-encoding\s+passed\s+\d+(\.\d)? s\s+0\s+0\s+\$0\.0000$/m);
		expect(result.stdout).toMatch(/^2 passed, 0 failed of 2 \(100\.0%\) · cost \$0\.0000 · wall time \d+(\.\d)? s$/m);
		expect(result.stdout).toMatch(/show \d+/);
	}, 60_000);

	it("runs lists the run", async () => {
		const { runId } = JSON.parse(json.stdout) as { runId: number };
		const result = await evals(["runs"], { home });
		expect(result.code, said(result)).toBe(0);
		expect(result.stdout).toMatch(/^id\s+model\s+agent\s+status\s+created\s+passed\s+failed\s+%\s+time$/m);
		expect(result.stdout).toMatch(
			new RegExp(`^${runId}\\s+oracle\\s+builtin\\s+completed\\s+.*\\s2\\s+0\\s+100\\.0%`, "m"),
		);
		expect(result.stderr).toBe("");

		const listed = await evals(["runs", "--json"], { home });
		expect(listed.code, said(listed)).toBe(0);
		const runs = parseJson(listed) as { id: number; status: string; passed: number; failed: number }[];
		expect(runs.find((run) => run.id === runId)).toMatchObject({ status: "completed", passed: 2, failed: 0 });
	});

	it("show <id> prints the run's report", async () => {
		const { runId } = JSON.parse(json.stdout) as { runId: number };
		const result = await evals(["show", String(runId)], { home });
		expect(result.code, said(result)).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^Run ${runId}: oracle with the builtin agent — completed$`, "m"));
		expect(result.stdout).toMatch(/^javascript\/luhn\s+passed\s/m);
		expect(result.stdout).toMatch(/^python\/roman-numerals\s+passed\s/m);
		expect(result.stdout).toMatch(/^2 passed, 0 failed of 2 \(100\.0%\)/m);
		expect(result.stderr).toBe("");
	});

	it("show <id> --json prints the run contract plus the stored run", async () => {
		const { runId } = JSON.parse(json.stdout) as { runId: number };
		const result = await evals(["show", String(runId), "--json"], { home });
		expect(result.code, said(result)).toBe(0);
		const report = expectRunContract(parseJson(result), ["run", "stats"]);
		expect(report).toMatchObject({ runId, passed: 2, failed: 0, total: 2 });
		expect(report.run).toMatchObject({ id: runId, model: "oracle", agent: "builtin", status: "completed" });
		// The same tasks as the run printed (durations come from the same stored timestamps).
		expect(report.stats).toMatchObject({ overall: { passed: 2, tasks: 2, passRate: 1 } });
		const { run: _, stats: __, ...contract } = report;
		expect(contract).toEqual(JSON.parse(json.stdout));
	});

	it("show and cancel of a run that does not exist exit 2 with a clear message", { timeout: 60_000 }, async () => {
		const show = await evals(["show", "999"], { home });
		expect(show.code, said(show)).toBe(2);
		expect(show.stderr).toMatch(/^evals: There is no run 999\./m);
		expect(show.stderr).not.toMatch(STACK_FRAME);
		expect(show.stdout).toBe("");

		const cancel = await evals(["cancel", "999"], { home });
		expect(cancel.code, said(cancel)).toBe(2);
		expect(cancel.stderr).toMatch(/^evals: There is no run 999\./m);
		expect(cancel.stderr).not.toMatch(STACK_FRAME);
		expect(cancel.stdout).toBe("");

		const notAnId = await evals(["show", "abc"], { home });
		expect(notAnId.code, said(notAnId)).toBe(2);
		expect(notAnId.stderr).toMatch(/expected a run id \(a positive whole number\), got "abc"/);
	});
});

describe("bad input: a precise message, exit code 2, no stack trace", () => {
	const cases: { name: string; args: string[]; message: RegExp }[] = [
		{
			name: "unknown exercise, with a suggestion",
			args: ["run", "-x", "python/roman-numeral"],
			message: /unknown exercise "python\/roman-numeral" \(did you mean "python\/roman-numerals"\?\)/,
		},
		{
			name: "unknown language",
			args: ["run", "-i", "cobol"],
			message: /unknown language "cobol"; use cpp, go, java, javascript, python, rust, typescript/,
		},
		{
			name: "concurrency 0",
			args: ["run", "-c", "0"],
			message: /--concurrency <n>.*'0' is invalid\. must be between 1 and 25/,
		},
		{
			name: "concurrency 26",
			args: ["run", "-c", "26"],
			message: /--concurrency <n>.*'26' is invalid\. must be between 1 and 25/,
		},
		{
			name: "concurrency abc",
			args: ["run", "-c", "abc"],
			message: /--concurrency <n>.*expected a whole number, got "abc"/,
		},
		{
			name: "negative timeout",
			args: ["run", "--timeout", "-1"],
			message: /--timeout <minutes>.*expected a positive number, got "-1"/,
		},
		{
			name: "zero iterations",
			args: ["run", "--iterations", "0"],
			message: /--iterations <n>.*'0' is invalid\. must be between 1 and 100/,
		},
		{ name: "unknown option", args: ["run", "--bogus"], message: /unknown option '--bogus'/ },
		{ name: "unknown command", args: ["bogus"], message: /unknown command 'bogus'/ },
		{
			name: "model without provider",
			args: ["run", "-m", "claude"],
			message: /Invalid model "claude": use provider:model/,
		},
		{
			name: "unknown provider",
			args: ["run", "-m", "foo:bar"],
			message: /Unknown provider "foo" in "foo:bar"\. Known providers: .*anthropic/,
		},
		{ name: "unknown agent", args: ["run", "-a", "nope"], message: /Unknown agent "nope"\. Known agents: builtin/ },
		{
			name: "suite path that does not exist",
			args: ["run", "-s", "/nonexistent/evals-suite"],
			message: /suite folder \/nonexistent\/evals-suite does not exist/,
		},
		{
			name: "exercises of a suite path that does not exist",
			args: ["exercises", "-s", "/nonexistent/evals-suite"],
			message: /suite folder \/nonexistent\/evals-suite does not exist/,
		},
		{
			name: "validate of an unknown exercise",
			args: ["validate", "-x", "python/roman-numeral"],
			message: /unknown exercise "python\/roman-numeral" \(did you mean "python\/roman-numerals"\?\)/,
		},
	];

	it.each(cases)("$name", async ({ args, message }) => {
		const result = await evals(args, { home });
		expect(result.code, said(result)).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(STACK_FRAME);
		expect(result.stderr).not.toMatch(/unexpected error/);
		expect(result.stdout).toBe("");
	});
});

describe("evals exercises", () => {
	it("lists the 25 bundled exercises with languages and difficulties", async () => {
		const result = await evals(["exercises"], { home });
		expect(result.code, said(result)).toBe(0);
		const lines = result.stdout.trimEnd().split("\n");
		expect(lines[0]).toBe(`${bundledSuite} (agent-evals layout)`);
		expect(lines[2]).toMatch(/^language\s+exercise\s+difficulty\s+reference$/);
		const rows = lines.slice(4).map((line) => line.split(/\s+/));
		expect(rows).toHaveLength(25);
		for (const [lang, name, difficulty, reference] of rows) {
			expect(LANGUAGES).toContain(lang);
			expect(name).toMatch(/^[a-z0-9-]+$/);
			expect(DIFFICULTIES).toContain(difficulty);
			expect(reference).toBe("yes");
		}
		expect(rows.map((row) => `${row[0]}/${row[1]}`)).toEqual(
			expect.arrayContaining(["python/roman-numerals", "javascript/luhn", "go/spiral-matrix"]),
		);
	});

	it("--json lists them as data", async () => {
		const result = await evals(["exercises", "--json"], { home });
		expect(result.code, said(result)).toBe(0);
		const listing = parseJson(result) as {
			suite: string;
			layout: string;
			exercises: { language: string; exercise: string; difficulty: string | null; reference: boolean }[];
			warnings: string[];
		};
		expect(listing.suite).toBe(bundledSuite);
		expect(listing.layout).toBe("agent-evals");
		expect(listing.warnings).toEqual([]);
		expect(listing.exercises).toHaveLength(25);
		for (const exercise of listing.exercises) {
			expect(Object.keys(exercise).sort()).toEqual(["difficulty", "exercise", "language", "reference"]);
			expect(LANGUAGES).toContain(exercise.language);
			expect(DIFFICULTIES).toContain(exercise.difficulty);
			expect(exercise.reference).toBe(true);
		}
		// Five per language, and the smoke selection: exactly one easy exercise per language.
		for (const lang of LANGUAGES) {
			expect(listing.exercises.filter((e) => e.language === lang)).toHaveLength(5);
			expect(listing.exercises.filter((e) => e.language === lang && e.difficulty === "easy")).toHaveLength(1);
		}
		expect(listing.exercises).toContainEqual({
			language: "python",
			exercise: "roman-numerals",
			difficulty: "easy",
			reference: true,
		});
	});
});

describe("evals validate", () => {
	type Counts = {
		referencePass: number;
		referenceFail: number;
		stubPass: number;
		stubFail: number;
		skipped: number;
		refactoringStubPass: number;
		flaky: number;
	};
	type Validation = {
		suite: string;
		sandbox: string;
		exercises: {
			language: string;
			exercise: string;
			reference: "pass" | "fail" | "missing" | "skipped";
			stub: "pass" | "fail" | "skipped";
			reason: string;
			refactoring: boolean;
			output: string;
		}[];
		summary: Counts & { notGradable: number; byLanguage: Record<string, Counts> };
		notGradable: { language: string; exercise: string; reason: string }[];
	};

	const COUNT_KEYS = [
		"flaky",
		"refactoringStubPass",
		"referenceFail",
		"referencePass",
		"skipped",
		"stubFail",
		"stubPass",
	];

	function expectValidationContract(value: unknown): Validation {
		const report = value as Validation;
		expect(Object.keys(report).sort()).toEqual(["exercises", "notGradable", "sandbox", "suite", "summary"]);
		expect(report.suite).toBeTypeOf("string");
		// The sandbox the tests ran in: auto chose it.
		expect(["bwrap", "local"]).toContain(report.sandbox);
		expect(Array.isArray(report.exercises)).toBe(true);
		for (const row of report.exercises) {
			expect(Object.keys(row).sort()).toEqual([
				"exercise",
				"language",
				"output",
				"reason",
				"refactoring",
				"reference",
				"stub",
			]);
			expect(row.language).toBeTypeOf("string");
			expect(row.exercise).toBeTypeOf("string");
			expect(["pass", "fail", "missing", "skipped"]).toContain(row.reference);
			expect(["pass", "fail", "skipped"]).toContain(row.stub);
			expect(row.reason).toBeTypeOf("string");
			expect(row.refactoring).toBeTypeOf("boolean");
			expect(row.output).toBeTypeOf("string");
		}
		// The original keys keep their meaning; the rest were added beside them.
		expect(Object.keys(report.summary).sort()).toEqual([...COUNT_KEYS, "byLanguage", "notGradable"].sort());
		const { byLanguage, ...totals } = report.summary;
		for (const count of Object.values(totals)) expect(Number.isInteger(count)).toBe(true);
		for (const counts of Object.values(byLanguage)) expect(Object.keys(counts).sort()).toEqual(COUNT_KEYS);
		expect(Array.isArray(report.notGradable)).toBe(true);
		return report;
	}

	it("every python reference passes and every stub fails", async () => {
		const result = await evals(["validate", "--json", "-i", "python", "-c", "2"], { home });
		expect(result.code, said(result)).toBe(0);
		const report = expectValidationContract(parseJson(result));
		expect(report.suite).toBe(bundledSuite);
		expect(report.exercises).toHaveLength(5);
		for (const row of report.exercises) {
			expect(row, `${row.language}/${row.exercise}`).toEqual({
				language: "python",
				exercise: row.exercise,
				reference: "pass",
				stub: "fail",
				reason: "",
				refactoring: false,
				output: "",
			});
		}
		expect(report.exercises.map((row) => row.exercise)).toContain("roman-numerals");
		const counts = {
			referencePass: 5,
			referenceFail: 0,
			stubPass: 0,
			stubFail: 5,
			skipped: 0,
			refactoringStubPass: 0,
			flaky: 0,
		};
		expect(report.summary).toEqual({ ...counts, notGradable: 0, byLanguage: { python: counts } });
		// --json: no progress lines.
		expect(result.stderr).not.toMatch(/\[\d+\/\d+\]/);
	}, 60_000);

	it("a wrong reference solution is reported and the exit code is 1", async () => {
		const root = path.join(await tempDir("evals-cli-suite-"), "suite");
		const exercise = path.join(root, "python", "adder");
		await mkdir(path.join(exercise, "docs"), { recursive: true });
		await mkdir(path.join(exercise, ".meta", "solution"), { recursive: true });
		await writeFile(path.join(exercise, "docs", "instructions.md"), "Implement `add(a, b)`: the sum of a and b.\n");
		await writeFile(
			path.join(exercise, "adder.py"),
			'def add(a, b):\n    raise NotImplementedError("implement add")\n',
		);
		await writeFile(
			path.join(exercise, "adder_test.py"),
			"from adder import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_add_negative():\n    assert add(-2, 1) == -1\n",
		);
		// Wrong on purpose: subtracts.
		await writeFile(path.join(exercise, ".meta", "solution", "adder.py"), "def add(a, b):\n    return a - b\n");
		await writeFile(
			path.join(exercise, ".meta", "config.json"),
			JSON.stringify({
				difficulty: "easy",
				files: { solution: ["adder.py"], test: ["adder_test.py"], example: [".meta/solution/adder.py"] },
			}),
		);

		const result = await evals(["validate", "--json", "-s", root], { home });
		expect(result.code, said(result)).toBe(1);
		const report = expectValidationContract(parseJson(result));
		expect(report.suite).toBe(root);
		expect(report.exercises).toHaveLength(1);
		expect(report.exercises[0]).toMatchObject({
			language: "python",
			exercise: "adder",
			reference: "fail",
			stub: "fail",
		});
		expect(report.exercises[0]?.reason).toMatch(/^reference: /);
		expect(report.summary).toMatchObject({ referencePass: 0, referenceFail: 1, stubPass: 0, stubFail: 1, skipped: 0 });
		expect(report.exercises[0]?.output).toMatch(/assert/);

		// The human form says the same, with a progress line on stderr.
		const human = await evals(["validate", "-s", root], { home });
		expect(human.code, said(human)).toBe(1);
		expect(human.stderr).toMatch(/^\[1\/1\] python\/adder: reference fail, stub fail \(reference: .+\)$/m);
		expect(human.stdout).toMatch(/^python\s+adder\s+fail\s+fail\s+reference: /m);
		expect(human.stdout).toMatch(/^references: 0 pass, 1 fail · stubs: 1 fail, 0 pass · skipped: 0$/m);
	}, 60_000);
});

describe("evals db migrate", () => {
	it("applies migrations to a fresh embedded database, and again as a no-op", async () => {
		const fresh = await tempDir();
		for (let i = 0; i < 2; i++) {
			const result = await evals(["db", "migrate"], { home: fresh });
			expect(result.code, said(result)).toBe(0);
			expect(result.stdout).toBe(`Migrations applied to pglite:${path.join(fresh, "db")}.\n`);
			expect(result.stderr).toBe("");
		}
		const runs = await evals(["runs"], { home: fresh });
		expect(runs.code, said(runs)).toBe(0);
		expect(runs.stdout).toMatch(/^No runs yet/);
	}, 60_000);
});

describe("a model whose key is missing", () => {
	it("fails the task, not the run, and says which key is missing", async () => {
		const result = await evals(["run", "--json", "-m", "anthropic:claude-sonnet-4-5", "-x", "python/roman-numerals"], {
			home,
			env: { ANTHROPIC_API_KEY: undefined },
		});
		// The run completes; its task failed.
		expect(result.code, said(result)).toBe(0);
		expect(result.stderr).not.toMatch(STACK_FRAME);
		const report = expectRunContract(parseJson(result));
		expect(report).toMatchObject({ passed: 0, failed: 1, total: 1 });
		expect(report.tasks[0]).toMatchObject({
			language: "python",
			exercise: "roman-numerals",
			passed: false,
			failureKind: "agent_error",
		});

		const details = await evals(["show", String(report.runId), "--details"], { home });
		expect(details.code, said(details)).toBe(0);
		expect(details.stdout).toMatch(/^--- python\/roman-numerals: agent_error$/m);
		expect(details.stdout).toMatch(/Missing API key for provider "anthropic".*ANTHROPIC_API_KEY/);
	}, 60_000);
});
