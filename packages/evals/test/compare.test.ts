import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { compareResponseSchema, runReportSchema } from "@agent-evals/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, said } from "./helpers/cli.js";
import { RUNNER_SUITE } from "./helpers/runner.js";

/*
 * `evals compare` and `evals show` as a user meets them: two real runs of the same exercise, one
 * that passes every iteration (the oracle) and one that fails every iteration (a scripted model
 * writing a wrong solution), then the comparison, its JSON, the regression gate, and the run's
 * statistics and environment record.
 */

const temps: string[] = [];
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

let home: string;
let oracle: number;
let wrong: number;
beforeAll(async () => {
	home = await mkdtemp(path.join(os.tmpdir(), "evals-compare-"));
	temps.push(home);
	const settings = path.join(home, "wrong.json");
	await writeFile(
		settings,
		JSON.stringify({
			script: [
				{
					toolCalls: [
						{ name: "write_to_file", input: { path: "adder.py", content: "def add(a, b):\n    return a - b\n" } },
					],
				},
			],
		}),
	);
	const common = ["run", "--json", "--suite", RUNNER_SUITE, "-x", "python/adder", "-n", "6", "-c", "3"];
	const first = await runCli([...common, "-m", "oracle"], { home, timeoutMs: 240_000 });
	expect(first.code, said(first)).toBe(0);
	oracle = runReportSchema.parse(JSON.parse(first.stdout)).runId;
	const second = await runCli([...common, "-m", "scripted", "--settings", settings], { home, timeoutMs: 240_000 });
	expect(second.code, said(second)).toBe(0);
	wrong = runReportSchema.parse(JSON.parse(second.stdout)).runId;
}, 600_000);

describe("evals compare", () => {
	it("pairs the runs over their exercises and says B is worse, with the interval, the test and the flips", async () => {
		const result = await runCli(["compare", String(oracle), String(wrong), "--json"], { home });
		expect(result.code, said(result)).toBe(0);
		const response = compareResponseSchema.parse(JSON.parse(result.stdout));
		expect(response.runs.map((run) => run.id)).toEqual([oracle, wrong]);
		const [comparison] = response.comparisons;
		expect(comparison).toMatchObject({
			a: oracle,
			b: wrong,
			exercises: 1,
			pairs: 6,
			fixed: 0,
			broke: 6,
			significant: true,
			tooSmall: null,
			flips: { fixed: [], broke: ["python/adder"] },
		});
		expect(comparison?.passRate).toMatchObject({ a: 1, b: 0, difference: -1 });
		// p = 2 × 0.5^6: six outcomes flipped, all the same way.
		expect(comparison?.pValue).toBeCloseTo(0.03125, 6);
		expect(comparison?.verdict).toBe(`run ${wrong} is worse: -100.0 pp [-100.0, -100.0], p = 0.03, 0 fixed / 6 broke`);
		expect(Object.keys(comparison?.measures ?? {}).sort()).toEqual(
			["cost", "durationMs", "mcpCalls", "tokensIn", "tokensOut", "turns"].sort(),
		);
		// The oracle makes one model request per task; so does the scripted model before it finishes.
		expect(comparison?.measures.turns?.a).toBeGreaterThan(0);
		expect(comparison?.warnings).toEqual([]);

		const text = await runCli(["compare", String(oracle), String(wrong)], { home });
		expect(text.stdout).toMatch(/^pass rate\s+100\.0%\s+0\.0%\s+-100\.0 pp \[-100\.0, -100\.0\]$/m);
		expect(text.stdout).toMatch(/^Verdict: run \d+ is worse: /m);
		expect(text.stdout).toMatch(/^Broke in B: python\/adder$/m);
	}, 120_000);

	it("fails a regression gate only when a later run is significantly worse", async () => {
		const worse = await runCli(["compare", String(oracle), String(wrong), "--fail-if-worse"], { home });
		expect(worse.code, said(worse)).toBe(1);
		const better = await runCli(["compare", String(wrong), String(oracle), "--fail-if-worse"], { home });
		expect(better.code, said(better)).toBe(0);
		expect(better.stdout).toMatch(/is better: \+100\.0 pp/);
	}, 120_000);

	it("refuses what cannot be compared, in one line", async () => {
		const missing = await runCli(["compare", String(oracle), "999"], { home });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/^evals: There is no run 999\./m);
		const alone = await runCli(["compare", String(oracle)], { home });
		expect(alone.code).toBe(2);
		expect(alone.stderr).toMatch(/was not made with another run \(an MCP A\/B\): name at least two runs/);
		expect(`${missing.stderr}${alone.stderr}`).not.toMatch(/^ {4}at /m);
	}, 120_000);
});

describe("evals show: numbers with their uncertainty, and what the run was made with", () => {
	it("prints pass@k and the Wilson interval, and the environment record", async () => {
		const shown = await runCli(["show", String(oracle), "--env"], { home });
		expect(shown.code, said(shown)).toBe(0);
		// 6 of 6: Wilson's interval is [61.0%, 100%]. One exercise is one cluster: no clustered standard error.
		expect(shown.stdout).toMatch(
			/^pass rate 100\.0% \[95% CI 61\.0%, 100\.0%\] · pass@1 100\.0%, pass@2 100\.0%, .*pass@6 100\.0%$/m,
		);
		expect(shown.stdout).toMatch(/^exercises \(sha256\)\s+[0-9a-f]{64} \(1 exercise\)$/m);
		expect(shown.stdout).toMatch(/^python\s+Python 3\.\d+/m);
		expect(shown.stdout).toMatch(/^node\s+v\d+/m);
		const json = await runCli(["show", String(oracle), "--json"], { home });
		const report = JSON.parse(json.stdout) as { stats: { overall: { passAtK: Record<string, number> } } };
		expect(Object.keys(report.stats.overall.passAtK)).toEqual(["1", "2", "3", "4", "5", "6"]);
	}, 120_000);
});

describe("evals flaky", () => {
	it("lists an exercise whose verdict flips for one model across runs, and nothing for steady models", async () => {
		const right = path.join(home, "right.json");
		await writeFile(
			right,
			JSON.stringify({
				script: [
					{
						toolCalls: [
							{ name: "write_to_file", input: { path: "adder.py", content: "def add(a, b):\n    return a + b\n" } },
						],
					},
				],
			}),
		);
		const fixed = await runCli(
			[
				"run",
				"--json",
				"--suite",
				RUNNER_SUITE,
				"-x",
				"python/adder",
				"-n",
				"2",
				"-m",
				"scripted",
				"--settings",
				right,
			],
			{ home, timeoutMs: 240_000 },
		);
		expect(fixed.code, said(fixed)).toBe(0);
		const fixedRun = runReportSchema.parse(JSON.parse(fixed.stdout)).runId;

		const result = await runCli(["flaky", "--json"], { home });
		expect(result.code, said(result)).toBe(0);
		const reports = JSON.parse(result.stdout) as Array<{ model: string; runs: number[]; flaky: unknown[] }>;
		expect(reports.find((r) => r.model === "oracle")).toEqual({ model: "oracle", runs: [oracle], flaky: [] });
		expect(reports.find((r) => r.model === "scripted")).toEqual({
			model: "scripted",
			runs: [fixedRun, wrong],
			flaky: [{ exercise: "python/adder", passed: 2, failed: 6, runs: [wrong, fixedRun] }],
		});
		const text = await runCli(["flaky", "-m", "scripted"], { home });
		expect(text.stdout).toMatch(/^scripted\s+python\/adder\s+2\/8\s+#\d+ #\d+$/m);
		const steady = await runCli(["flaky", "-m", "oracle"], { home });
		expect(steady.stdout).toMatch(/^No exercise flips between pass and fail in oracle \(1 run\)\.$/m);
	}, 300_000);
});
