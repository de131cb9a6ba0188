import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { BwrapSandbox } from "../src/sandbox/index.js";
import { runCli, said } from "./helpers/cli.js";
import { processesWith, uniqueSleep } from "./helpers/processes.js";
import { tempDir } from "./helpers/runner.js";

/*
 * R6: an exercise's own tests misbehave while the reference solution is graded — one hangs, one
 * fork-bombs, one prints a gigabyte. Each is stopped at its limit (the command timeout, the
 * sandbox's process limit, the output cap), nothing it started outlives the run, the stored
 * output stays small, and the well-behaved exercise beside them still passes. The flood has a
 * run of its own with a long command timeout: how long a gigabyte takes through the pipe depends
 * on the machine's load, and its cap, not its time, is what is checked.
 */

/** What `HeadTailCapture` keeps of a command's output, with room for the grader's own lines. */
const STORED_OUTPUT_LIMIT = 96 * 1024;

/** A python exercise whose reference is `def answer(): return 42` and whose test file is `test`. */
async function exercise(suite: string, name: string, test: string, extra: Record<string, string> = {}) {
	const dir = path.join(suite, "python", name);
	const module = name.replaceAll("-", "_");
	await mkdir(path.join(dir, ".meta", "solution"), { recursive: true });
	await mkdir(path.join(dir, "docs"));
	await writeFile(path.join(dir, "docs", "instructions.md"), `Make answer() return 42.\n`);
	await writeFile(path.join(dir, `${module}.py`), "def answer():\n    pass\n");
	await writeFile(path.join(dir, ".meta", "solution", `${module}.py`), "def answer():\n    return 42\n");
	await writeFile(path.join(dir, `${module}_test.py`), `from ${module} import answer\n${test}`);
	for (const [file, content] of Object.entries(extra)) await writeFile(path.join(dir, file), content);
	await writeFile(
		path.join(dir, ".meta", "config.json"),
		JSON.stringify({
			files: { solution: [`${module}.py`], test: [`${module}_test.py`], example: [`.meta/solution/${module}.py`] },
		}),
	);
}

/** The exercise's own pytest settings turn capturing off, so what a test prints reaches the grader. */
const UNCAPTURED = "[pytest]\naddopts = -s\n";
const STEADY = "\n\ndef test_answer():\n    assert answer() == 42\n";

/** `evals run` of every exercise of the suite with the oracle in the bwrap sandbox; its tasks by exercise. */
async function gradeAll(suite: string, commandTimeoutSeconds: number) {
	const home = tempDir("evals-r6-home");
	const result = await runCli(
		["run", "--json", "-s", suite, "--all", "-m", "oracle", "-c", "2", "--sandbox", "bwrap"].concat([
			"--command-timeout",
			String(commandTimeoutSeconds),
		]),
		{ home, timeoutMs: 170_000 },
	);
	expect(result.code, said(result)).toBe(0);
	const report = JSON.parse(result.stdout) as { runId: number };
	const database = await openDatabase({ evalsHome: home });
	try {
		const tasks = await new Store(database).tasks.list(report.runId);
		// One verdict each: the run finished every task.
		expect(tasks.every((task) => task.finishedAt !== null && task.passed !== null)).toBe(true);
		for (const task of tasks) {
			expect(Buffer.byteLength(task.testOutput ?? ""), task.exercise).toBeLessThan(STORED_OUTPUT_LIMIT);
		}
		return Object.fromEntries(tasks.map((task) => [task.exercise, task]));
	} finally {
		await database.close();
	}
}

const bwrapReason = await new BwrapSandbox().unavailableReason();
// The fork bomb is only safe inside the sandbox's process limit: without bwrap nothing here runs.
const skipped = bwrapReason ? ` — skipped: bwrap cannot run here (${bwrapReason})` : "";

describe.skipIf(bwrapReason !== undefined)("R6: tests that hang, fork-bomb and flood", { timeout: 180_000 }, () => {
	it(`a test that hangs and one that fork-bombs fail at the command timeout, and leave no process${skipped}`, async () => {
		const suite = tempDir("evals-r6-suite");
		const hang = uniqueSleep(600);
		const bomb = uniqueSleep(600);
		await exercise(suite, "steady", STEADY);
		await exercise(
			suite,
			"hang",
			`import subprocess\n\n\ndef test_answer():\n    subprocess.run(["sleep", "${hang}"])\n    assert answer() == 42\n`,
		);
		await exercise(
			suite,
			"bomb",
			[
				"import subprocess",
				"",
				"",
				"def test_answer():",
				`    subprocess.run(["sh", "-c", "b() { sleep ${bomb} & b | b & }; b; sleep ${bomb}"])`,
				"    assert answer() == 42",
				"",
			].join("\n"),
			{ "pytest.ini": UNCAPTURED },
		);
		const timeoutSeconds = 10;
		const tasks = await gradeAll(suite, timeoutSeconds);
		expect(tasks.steady).toMatchObject({ passed: true });
		for (const name of ["hang", "bomb"]) {
			expect(tasks[name], `${name}: ${tasks[name]?.testOutput}`).toMatchObject({
				passed: false,
				failureKind: "test_failed",
			});
			expect(tasks[name]?.testOutput).toContain(`timed out after ${timeoutSeconds} s; process tree killed`);
		}
		// The bomb hit the sandbox's process limit long before the timeout.
		expect(tasks.bomb?.testOutput).toMatch(/fork|Resource temporarily unavailable/i);
		expect(await processesWith(hang)).toEqual([]);
		expect(await processesWith(bomb)).toEqual([]);
	});

	it(`a test that prints a gigabyte passes with its output capped to both ends${skipped}`, async () => {
		const suite = tempDir("evals-r6-suite");
		await exercise(suite, "steady", STEADY);
		await exercise(
			suite,
			"flood",
			[
				"import os",
				"",
				"",
				"def test_answer():",
				"    block = b'x' * (1 << 20)",
				"    for _ in range(1024):",
				"        os.write(1, block)",
				"    assert answer() == 42",
				"",
			].join("\n"),
			{ "pytest.ini": UNCAPTURED },
		);
		const tasks = await gradeAll(suite, 150);
		expect(tasks.steady).toMatchObject({ passed: true });
		const flood = tasks.flood;
		expect(flood, `${flood?.failureKind} ${flood?.error}\n${flood?.testOutput?.slice(-3000)}`).toMatchObject({
			passed: true,
		});
		// Capped, not dropped: its head (the flood) and its tail (pytest's summary) are kept.
		expect(flood?.testOutput).toMatch(/x{1000}/);
		expect(flood?.testOutput).toMatch(/1 passed/);
	});
});
