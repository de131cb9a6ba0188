import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, said } from "./helpers/cli.js";
import { fixtureSuite, onPath, tempDirs } from "./helpers/grading.js";

/**
 * `evals validate` end to end on suites written by others: the compiled CLI (built by the vitest
 * global setup) in a child process. Grading needs no database, but EVALS_HOME still points at a
 * scratch folder so nothing lands in the repository.
 */

const tempDir = tempDirs("evals-validate-");
const thirdParty = fixtureSuite("third-party");
const boostInstalled = existsSync("/usr/include/boost/date_time") || existsSync("/usr/local/include/boost/date_time");

async function validate(args: string[]) {
	return runCli(["validate", ...args], { home: await tempDir(), timeoutMs: 240_000 });
}

describe.skipIf(!onPath("go"))("evals validate on an Exercism-layout suite (go)", { timeout: 240_000 }, () => {
	it("--json: refactoring and not-gradable exercises are reported as such, and the suite is healthy", async () => {
		const result = await validate(["--json", "-s", thirdParty, "-i", "go"]);
		expect(result.code, said(result)).toBe(0);
		const report = JSON.parse(result.stdout);
		expect(report.exercises).toEqual([
			{
				language: "go",
				exercise: "next-node",
				reference: "pass",
				stub: "fail",
				reason: "",
				refactoring: false,
				output: "",
			},
			{
				language: "go",
				exercise: "receipt",
				reference: "pass",
				stub: "pass",
				reason: "refactoring exercise: the stub already passes; tests alone cannot judge it",
				refactoring: true,
				output: "",
			},
		]);
		const counts = {
			referencePass: 2,
			referenceFail: 0,
			stubPass: 0,
			stubFail: 1,
			skipped: 0,
			refactoringStubPass: 1,
			flaky: 0,
		};
		expect(report.summary).toEqual({ ...counts, notGradable: 1, byLanguage: { go: counts } });
		expect(report.notGradable).toEqual([
			{
				language: "go",
				exercise: "test-design",
				reason: "the track marks it as not test-gradable (.meta/.skip_tests)",
			},
		]);
	});

	it("names a not-gradable exercise asked for by name, in one line", async () => {
		const result = await validate(["-s", thirdParty, "-x", "go/test-design"]);
		expect(result.code, said(result)).toBe(2);
		expect(result.stderr.trim()).toBe(
			"evals: go/test-design cannot be graded: the track marks it as not test-gradable (.meta/.skip_tests)",
		);
	});
});

describe.skipIf(!onPath("cmake") || boostInstalled)("evals validate: a missing system library", () => {
	it("skips the exercise naming the library, which is not a failure of the suite", async () => {
		const result = await validate(["--json", "-s", thirdParty, "-i", "cpp"]);
		expect(result.code, said(result)).toBe(0);
		const report = JSON.parse(result.stdout);
		expect(report.exercises).toMatchObject([
			{
				exercise: "days-between",
				reference: "skipped",
				stub: "skipped",
				reason: "reference: system library not found: Boost (date_time)",
			},
		]);
		expect(report.exercises[0].output).toMatch(/Could NOT find Boost/);
		expect(report.summary).toMatchObject({ referencePass: 0, referenceFail: 0, skipped: 1 });
	}, 120_000);
});

describe("evals validate, human output", () => {
	it("prints progress, a line per language, the output behind each failure, and the totals", async () => {
		const root = path.join(await tempDir(), "suite");
		const adder = path.join(root, "python", "adder");
		await mkdir(path.join(adder, ".meta", "solution"), { recursive: true });
		await writeFile(path.join(adder, "adder.py"), 'def add(a, b):\n    raise NotImplementedError("add")\n');
		await writeFile(
			path.join(adder, "adder_test.py"),
			"from adder import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
		);
		// Wrong on purpose: subtracts.
		await writeFile(path.join(adder, ".meta", "solution", "adder.py"), "def add(a, b):\n    return a - b\n");
		await writeFile(
			path.join(adder, ".meta", "config.json"),
			JSON.stringify({
				files: { solution: ["adder.py"], test: ["adder_test.py"], example: [".meta/solution/adder.py"] },
			}),
		);
		const skipped = path.join(root, "python", "design");
		await mkdir(path.join(skipped, ".meta"), { recursive: true });
		await writeFile(path.join(skipped, "design_test.py"), "");
		await writeFile(path.join(skipped, ".meta", ".skip_tests"), "");
		await writeFile(
			path.join(skipped, ".meta", "config.json"),
			JSON.stringify({ files: { test: ["design_test.py"] } }),
		);

		const result = await validate(["-s", root]);
		expect(result.code, said(result)).toBe(1);
		expect(result.stderr).toMatch(
			/^\[1\/1\] python\/adder: reference fail, stub fail \(reference: 0 passed, 1 failed\)$/m,
		);
		expect(result.stdout).toMatch(/^language\s+references pass\s+stubs pass\s+skipped\s+refactoring\s+not gradable$/m);
		expect(result.stdout).toMatch(/^python\s+0\/1 \(0\.0%\)\s+0\s+0\s+0\s+1$/m);
		// The failure's first lines, from the first one that names the failure.
		const details = result.stdout.split("python/adder: reference: 0 passed, 1 failed\n")[1] ?? "";
		expect(details, said(result)).toMatch(/^ {4}\S/);
		expect(details).toMatch(/assert -1 == 5/);
		expect(result.stdout).toMatch(/^references: 0 pass, 1 fail · stubs: 1 fail, 0 pass · skipped: 0$/m);
		expect(result.stdout).toMatch(
			/^not gradable: python\/design: the track marks it as not test-gradable \(\.meta\/\.skip_tests\)$/m,
		);
	}, 60_000);
});

describe.skipIf(!onPath("python3"))("evals validate --repeat", { timeout: 240_000 }, () => {
	it("reports a reference whose tests pass one time and fail the next as flaky, and fails the suite", async () => {
		const root = path.join(await tempDir(), "suite");
		const exercise = path.join(root, "python", "coin");
		await mkdir(path.join(exercise, ".meta", "solution"), { recursive: true });
		await mkdir(path.join(exercise, "docs"), { recursive: true });
		// The test remembers, outside any workspace, whether it ran before: fail, pass, fail, …
		const marker = path.join(await tempDir(), "ran-before");
		await writeFile(path.join(exercise, "docs", "instructions.md"), "Implement `value()`.\n");
		await writeFile(path.join(exercise, "coin.py"), "def value():\n    raise NotImplementedError\n");
		await writeFile(path.join(exercise, ".meta", "solution", "coin.py"), "def value():\n    return 1\n");
		await writeFile(
			path.join(exercise, "coin_test.py"),
			[
				"import os",
				"from coin import value",
				"",
				"",
				"def test_value():",
				`    marker = ${JSON.stringify(marker)}`,
				"    first = not os.path.exists(marker)",
				"    if first:",
				"        open(marker, 'w').close()",
				"    else:",
				"        os.remove(marker)",
				"    assert value() == 1 and not first",
				"",
			].join("\n"),
		);
		await writeFile(
			path.join(exercise, ".meta", "config.json"),
			JSON.stringify({ files: { solution: ["coin.py"], test: ["coin_test.py"], example: [".meta/solution/coin.py"] } }),
		);
		// local: the bwrap sandbox would (rightly) keep the test from leaving its marker outside the workspace.
		const result = await validate(["--json", "-s", root, "--repeat", "3", "-c", "1", "--sandbox", "local"]);
		expect(result.code, said(result)).toBe(1);
		const report = JSON.parse(result.stdout);
		expect(report.exercises[0]).toMatchObject({ exercise: "coin", reference: "flaky" });
		expect(report.exercises[0].reason).toMatch(/^reference: passed 1 of 2 gradings: the tests are not deterministic/);
		expect(report.summary).toMatchObject({ flaky: 1, referenceFail: 0 });
	});
});
