import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "@agent-evals/agent/process-tree";
import { describe, expect, it } from "vitest";
import { type Exercise, loadSuite, prepareReference, prepareWorkspace, type Suite } from "../src/exercises/index.js";
import {
	CppRunner,
	GoRunner,
	getRunner,
	gradeExercise,
	JavaRunner,
	JavaScriptRunner,
	PythonRunner,
	parseCargoTestOutput,
	parseCatch2Output,
	parseCTestOutput,
	parseGoTestOutput,
	parseJsTestOutput,
	parsePytestSummary,
	RustRunner,
	readJUnitReports,
} from "../src/grading/index.js";
import { getSandbox, type Sandbox, SandboxUnavailableError } from "../src/sandbox/index.js";
import { fixtureSuite, onPath, tempDirs } from "./helpers/grading.js";

const fixture = fixtureSuite;
const sandbox = getSandbox("local");

const tempDir = tempDirs("evals-grading-");

const suites = new Map<string, Promise<Suite>>();
async function exercise(suite: string, id: string): Promise<Exercise> {
	if (!suites.has(suite)) suites.set(suite, loadSuite(fixture(suite)));
	const loaded = await suites.get(suite);
	const found = loaded?.exercises.find((candidate) => `${candidate.language}/${candidate.name}` === id);
	if (!found) throw new Error(`${suite}: ${id} missing`);
	return found;
}

/** A fresh workspace for the exercise; `solved` copies the reference solution over it, as the oracle agent does. */
async function workspace(suite: string, id: string, solved: boolean): Promise<{ ex: Exercise; ws: string }> {
	const ex = await exercise(suite, id);
	const ws = path.join(await tempDir(), ex.name);
	await prepareWorkspace(ex, ws);
	if (solved) {
		const reference = await tempDir();
		expect((await prepareReference(ex, reference)).length).toBeGreaterThan(0);
		await cp(reference, ws, { recursive: true });
	}
	return { ex, ws };
}

const RUST_SOLUTION =
	"pub fn is_leap_year(year: u64) -> bool {\n    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)\n}\n";
const JS_SOLUTION =
	"export function isLeap(year) {\n  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);\n}\n";

describe("python", () => {
	it("passes the reference solution and fails the stub", async () => {
		const solved = await workspace("agent-evals", "python/leap", true);
		const pass = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(pass).toMatchObject({ verdict: "passed", summary: "4 passed", tampered: [], unskipped: [] });
		expect(pass.commands).toEqual([
			{
				command: "python3 -m pytest -o markers=task -p no:cacheprovider *_test.py",
				exitCode: 0,
				durationMs: expect.any(Number),
			},
		]);
		expect(pass.output).toMatch(/^\$ python3 -m pytest/);

		const stub = await workspace("agent-evals", "python/leap", false);
		const fail = await gradeExercise(stub.ex, stub.ws, sandbox);
		expect(fail).toMatchObject({ verdict: "failed", summary: "0 passed, 4 failed" });
	});

	it("unskips Exercism's skipped tests before grading; skipped tests fail the work", async () => {
		const solved = await workspace("exercism", "python/leap", true);
		const direct = await new PythonRunner().grade(solved.ws, solved.ex, sandbox);
		expect(direct).toMatchObject({
			verdict: "failed",
			summary: "1 passed, 2 skipped (skipped tests count as failures)",
		});
		const graded = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(graded).toMatchObject({ verdict: "passed", summary: "3 passed", unskipped: ["leap_test.py"], tampered: [] });
	});

	it("restores tests the agent rewrote and reports the tampering", async () => {
		const { ex, ws } = await workspace("agent-evals", "python/leap", false);
		await writeFile(path.join(ws, "leap_test.py"), "def test_anything():\n    assert True\n");
		const graded = await gradeExercise(ex, ws, sandbox);
		expect(graded).toMatchObject({ verdict: "failed", summary: "0 passed, 4 failed", tampered: ["leap_test.py"] });
	});

	it("fails when no tests ran", async () => {
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		await writeFile(path.join(ws, "leap_test.py"), "# nothing here\n");
		expect(await new PythonRunner().grade(ws, ex, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "no tests ran",
		});
	});

	it("stops a grading that times out and kills the process tree", async () => {
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		await writeFile(
			path.join(ws, "leap_test.py"),
			[
				"import subprocess, time",
				"",
				"def test_hangs():",
				"    subprocess.Popen(['sh', '-c', 'echo $$ > grandchild.pid; exec sleep 60'])",
				"    time.sleep(60)",
				"",
			].join("\n"),
		);
		const started = Date.now();
		const result = await new PythonRunner().grade(ws, ex, sandbox, { timeoutMs: 1500 });
		expect(result.verdict).toBe("timeout");
		expect(result.summary).toMatch(/timed out after 1\.5 s/);
		expect(Date.now() - started).toBeLessThan(8000);
		const pid = Number(await readFile(path.join(ws, "grandchild.pid"), "utf8"));
		expect(pid).toBeGreaterThan(0);
		expect(await processAlive(pid)).toBe(false);
	});
});

// Timeouts: the first `go test` on a machine compiles the standard library's test support (~30 s).
describe.skipIf(!onPath("go"))("go", { timeout: 120_000 }, () => {
	it("passes the reference solution (after removing t.Skip) and fails the stub", async () => {
		const solved = await workspace("agent-evals", "go/leap", true);
		const skipped = await new GoRunner().grade(solved.ws, solved.ex, sandbox);
		expect(skipped).toMatchObject({
			verdict: "failed",
			summary: "2 passed, 1 skipped (skipped tests count as failures)",
		});
		const pass = await gradeExercise(solved.ex, solved.ws, sandbox);
		expect(pass).toMatchObject({ verdict: "passed", summary: "3 passed", unskipped: ["leap_test.go"] });

		const stub = await workspace("agent-evals", "go/leap", false);
		expect(await gradeExercise(stub.ex, stub.ws, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "1 passed, 2 failed",
		});
	});

	it("fails a build error and a package without tests", async () => {
		const { ex, ws } = await workspace("agent-evals", "go/leap", false);
		await writeFile(path.join(ws, "leap.go"), "package leap\n\nfunc IsLeapYear(year int) bool { return undefined }\n");
		expect(await new GoRunner().grade(ws, ex, sandbox)).toMatchObject({ verdict: "failed", summary: "build failed" });
		await rm(path.join(ws, "leap_test.go"));
		await writeFile(path.join(ws, "leap.go"), "package leap\n");
		expect(await new GoRunner().grade(ws, ex, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "no tests ran (no test files)",
		});
	});
});

describe.skipIf(!onPath("cargo"))("rust", { timeout: 120_000 }, () => {
	it("runs #[ignore]d tests too and passes a correct solution", async () => {
		const { ex, ws } = await workspace("roo-code-evals", "rust/leap", false);
		const stub = await new RustRunner().grade(ws, ex, sandbox);
		expect(stub).toMatchObject({ verdict: "failed", summary: "0 passed, 3 failed" });
		await writeFile(path.join(ws, "src", "lib.rs"), RUST_SOLUTION);
		// No unskipping here: --include-ignored alone must run the two #[ignore]d tests.
		const pass = await new RustRunner().grade(ws, ex, sandbox);
		expect(pass).toMatchObject({ verdict: "passed", summary: "3 passed" });
		expect(pass.commands.map((c) => c.command)).toEqual(["cargo test -- --include-ignored"]);
	});

	it("grades the Exercism reference solution", async () => {
		const { ex, ws } = await workspace("exercism", "rust/leap", true);
		expect(await gradeExercise(ex, ws, sandbox)).toMatchObject({ verdict: "passed", summary: "3 passed" });
	});
});

describe("javascript (node --test)", () => {
	it("passes a correct solution once test.skip is removed, fails the stub", async () => {
		const { ex, ws } = await workspace("roo-code-evals", "javascript/leap", false);
		const stub = await gradeExercise(ex, ws, sandbox);
		expect(stub).toMatchObject({ verdict: "failed", summary: "0 passed, 3 failed" });
		expect(stub.commands.map((c) => c.command)).toEqual(["npm test"]);

		await writeFile(path.join(ws, "leap.js"), JS_SOLUTION);
		await rm(path.join(ws, "leap.spec.js"));
		await cp(path.join(ex.dir, "leap.spec.js"), path.join(ws, "leap.spec.js"));
		const skipped = await new JavaScriptRunner("javascript").grade(ws, ex, sandbox);
		expect(skipped).toMatchObject({
			verdict: "failed",
			summary: "2 passed, 1 skipped (skipped tests count as failures)",
		});
		const pass = await gradeExercise(ex, ws, sandbox);
		expect(pass).toMatchObject({ verdict: "passed", summary: "3 passed", tampered: [] });
	});

	it("fails when the test runner found no tests", async () => {
		const { ex, ws } = await workspace("roo-code-evals", "javascript/leap", false);
		// node --test alone does not look for *.spec.js, so it finds nothing and says "# tests 0".
		await writeFile(
			path.join(ws, "package.json"),
			JSON.stringify({ type: "module", scripts: { test: "node --test" } }),
		);
		expect(await new JavaScriptRunner("javascript").grade(ws, ex, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "no tests ran",
		});
	});

	it("does not pass a test script that runs no recognisable tests", async () => {
		const { ex, ws } = await workspace("roo-code-evals", "javascript/leap", false);
		await writeFile(path.join(ws, "package.json"), JSON.stringify({ scripts: { test: "echo all good" } }));
		expect(await new JavaScriptRunner("javascript").grade(ws, ex, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "no test summary recognised (exit code 0)",
		});
	});

	it("runs node --test on the test files when there is no package.json", async () => {
		const { ex, ws } = await workspace("roo-code-evals", "javascript/leap", false);
		await rm(path.join(ws, "package.json"));
		await writeFile(
			path.join(ws, "leap.js"),
			JS_SOLUTION.replace("export function", "function") + "module.exports = { isLeap };\n",
		);
		await writeFile(
			path.join(ws, "leap.spec.js"),
			'const test = require("node:test");\nconst assert = require("node:assert");\nconst { isLeap } = require("./leap.js");\ntest("x", () => assert.equal(isLeap(2000), true));\n',
		);
		const result = await new JavaScriptRunner("javascript").grade(ws, ex, sandbox);
		expect(result).toMatchObject({ verdict: "passed", summary: "1 passed" });
		expect(result.commands.map((c) => c.command)).toEqual(["node --test 'leap.spec.js'"]);
	});
});

describe.skipIf(!onPath("cmake") || !onPath("c++"))("c++ (cmake + ctest)", { timeout: 120_000 }, () => {
	it("fails the stub and passes the reference with all tests switched on", async () => {
		const stub = await workspace("exercism", "cpp/leap", false);
		expect(await gradeExercise(stub.ex, stub.ws, sandbox)).toMatchObject({
			verdict: "failed",
			summary: "0 passed, 1 failed",
		});
		const solved = await workspace("exercism", "cpp/leap", true);
		const pass = await new CppRunner().grade(solved.ws, solved.ex, sandbox);
		expect(pass).toMatchObject({ verdict: "passed", summary: "1 passed" });
		expect(pass.commands.map((c) => c.command)).toEqual([
			"cmake -S . -B build -DEXERCISM_RUN_ALL_TESTS=ON",
			"cmake --build build",
			"ctest --test-dir build --output-on-failure",
		]);
	});

	it("builds a workspace whose folder is not named after the exercise", async () => {
		const ex = await exercise("exercism", "cpp/leap");
		const ws = path.join(await tempDir(), "workspace");
		await prepareWorkspace(ex, ws);
		const result = await new CppRunner().grade(ws, ex, sandbox);
		expect(result).toMatchObject({ verdict: "failed", summary: "0 passed, 1 failed" });
		expect(result.commands[0]?.command).toMatch(/^cmake -S '.*agent-evals-cmake-.*\/leap' -B build/);
	});
});

describe("infrastructure failures are verdicts, not exceptions", () => {
	it("reports a missing toolchain as infra before running anything", async () => {
		const emptyPath = await tempDir();
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		const python = await new PythonRunner({ env: { PATH: emptyPath } }).grade(ws, ex, sandbox);
		expect(python).toMatchObject({ verdict: "infra", summary: "python3 not found on PATH", commands: [] });
		const go = await getRunner("go", { env: { PATH: emptyPath } }).grade(ws, ex, sandbox);
		expect(go).toMatchObject({ verdict: "infra", summary: "go not found on PATH" });
		const js = await getRunner("javascript", { env: { PATH: emptyPath } }).grade(ws, ex, sandbox);
		expect(js).toMatchObject({ verdict: "infra", summary: "node, npm not found on PATH" });
		const java = await new JavaRunner({ env: { PATH: emptyPath } }).grade(ws, ex, sandbox);
		expect(java).toMatchObject({ verdict: "infra", summary: "java not found on PATH" });
	});

	it("reports an unavailable sandbox as infra", async () => {
		const broken: Sandbox = {
			name: "broken",
			exec: () => Promise.reject(new SandboxUnavailableError("broken", "no runtime")),
		};
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		expect(await new PythonRunner().grade(ws, ex, broken)).toMatchObject({
			verdict: "infra",
			summary: 'sandbox "broken" unavailable: no runtime',
		});
	});

	it("reports a cancelled grading as infra", async () => {
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		const result = await new PythonRunner().grade(ws, ex, sandbox, { signal: AbortSignal.abort() });
		expect(result).toMatchObject({ verdict: "infra", summary: "grading cancelled", commands: [] });
	});

	it("reports a missing pytest as infra", async () => {
		// A python3 on PATH that has no pytest module.
		const bin = await tempDir();
		await writeFile(
			path.join(bin, "python3"),
			'#!/bin/sh\necho "/usr/bin/python3: No module named pytest" >&2\nexit 1\n',
			{
				mode: 0o755,
			},
		);
		const { ex, ws } = await workspace("agent-evals", "python/leap", true);
		const result = await new PythonRunner({ env: { PATH: `${bin}:/usr/bin:/bin` } }).grade(ws, ex, sandbox);
		expect(result).toMatchObject({ verdict: "infra", summary: "pytest is not installed for python3" });
	});
});

describe("output parsers", () => {
	it("pytest", () => {
		expect(parsePytestSummary("...\n========= 1 failed, 2 passed, 1 skipped in 0.05s =========\n")).toEqual({
			passed: 2,
			failed: 1,
			skipped: 1,
		});
		expect(parsePytestSummary("==== 3 passed, 2 errors in 1.20s ====")).toEqual({ passed: 3, failed: 2, skipped: 0 });
		expect(parsePytestSummary("no summary")).toBeUndefined();
	});

	it("javascript test runners", () => {
		const jest = "Test Suites: 1 failed, 1 total\nTests:       1 failed, 2 skipped, 3 passed, 6 total\n";
		expect(parseJsTestOutput(jest)).toEqual({ passed: 3, failed: 1, skipped: 2 });
		const vitest = " Test Files  1 failed (1)\n      Tests  1 failed | 4 passed | 1 skipped (6)\n";
		expect(parseJsTestOutput(vitest)).toEqual({ passed: 4, failed: 1, skipped: 1 });
		const tap = "# tests 4\n# suites 0\n# pass 2\n# fail 1\n# cancelled 1\n# skipped 0\n# todo 0\n";
		expect(parseJsTestOutput(tap)).toEqual({ passed: 2, failed: 2, skipped: 0 });
		const spec = "ℹ tests 3\nℹ suites 0\nℹ pass 3\nℹ fail 0\nℹ cancelled 0\nℹ skipped 0\nℹ todo 0\n";
		expect(parseJsTestOutput(spec)).toEqual({ passed: 3, failed: 0, skipped: 0 });
		expect(parseJsTestOutput("  5 passing (20ms)\n  1 failing\n  2 pending\n")).toEqual({
			passed: 5,
			failed: 1,
			skipped: 2,
		});
		expect(parseJsTestOutput("No tests found, exiting with code 1")).toBe("none");
		expect(parseJsTestOutput("No test files found, exiting with code 1")).toBe("none");
		expect(parseJsTestOutput("whatever")).toBeUndefined();
	});

	it("go, cargo, ctest and catch2", () => {
		const go =
			"=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n    --- PASS: TestB/x (0.00s)\n--- FAIL: TestB (0.00s)\n--- SKIP: TestC (0.00s)\n";
		expect(parseGoTestOutput(go)).toEqual({ passed: 1, failed: 1, skipped: 1 });
		const cargo =
			"test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n" +
			"test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out\n";
		expect(parseCargoTestOutput(cargo)).toEqual({ passed: 2, failed: 1, skipped: 1 });
		expect(parseCargoTestOutput("error: could not compile")).toBeUndefined();
		expect(parseCTestOutput("75% tests passed, 1 tests failed out of 4")).toEqual({ passed: 3, failed: 1, skipped: 0 });
		expect(parseCTestOutput("No tests were found!!!")).toBe("none");
		expect(parseCatch2Output("All tests passed (12 assertions in 3 test cases)")).toEqual({
			passed: 3,
			failed: 0,
			skipped: 0,
		});
		expect(parseCatch2Output("test cases:  5 |  3 passed | 2 failed\nassertions: 9 | 7 passed | 2 failed")).toEqual({
			passed: 3,
			failed: 2,
			skipped: 0,
		});
	});

	it("JUnit XML reports", async () => {
		const dir = await tempDir();
		await mkdir(path.join(dir, "reports"));
		await writeFile(
			path.join(dir, "reports", "TEST-LeapTest.xml"),
			'<?xml version="1.0"?>\n<testsuite name="LeapTest" tests="5" failures="1" errors="1" skipped="1" time="0.1">\n</testsuite>\n',
		);
		await writeFile(
			path.join(dir, "reports", "TEST-Other.xml"),
			'<testsuite tests="2" skipped="0" failures="0" errors="0">',
		);
		await writeFile(path.join(dir, "reports", "LeapTest.txt"), "ignored");
		expect(await readJUnitReports(path.join(dir, "reports"))).toEqual({ passed: 4, failed: 2, skipped: 1 });
		expect(await readJUnitReports(path.join(dir, "none"))).toBeUndefined();
	});
});
