import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockLlmServer, startMockLlmServer } from "@agent-evals/agent/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import { type SummaryFacts, ungroundedClaims } from "../../src/observer/summary.js";
import { runCli, said } from "../helpers/cli.js";
import { RUNNER_SUITE } from "../helpers/runner.js";
import { observedRun, quickConfig, solve } from "./helpers.js";

/*
 * The narrative summary: written by a model through the provider layer (the mock LLM server
 * here, the scripted model through the CLI), from the stored findings and totals only, and
 * refused when it names a task or an amount the facts do not hold.
 */

let llm: MockLlmServer;
const temps: string[] = [];
beforeAll(async () => {
	llm = await startMockLlmServer();
});
afterAll(async () => {
	await llm.close();
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const facts: SummaryFacts = {
	run: { id: 7, model: "m", status: "completed", tasks: 4, passed: 3, failed: 1, costUsd: 1.2345 },
	observer: {
		level: "full",
		steering: "suggest",
		budgetUsd: 2,
		spentUsd: 1.2345,
		projectedUsd: 1.9,
		findings: 1,
		recommendationsApplied: 0,
	},
	findings: [
		{
			severity: "warning",
			detector: "loop",
			title: "Loop",
			detected: 6,
			expected: 1,
			threshold: 5,
			unit: "calls",
			tasks: [12, 13],
			over: true,
		},
	],
	actions: [],
};

describe("grounding check of a summary", () => {
	it.each([
		["names only tasks and amounts from the facts", "Tasks 12 and 13 looped; the run cost $1.23 of its $2 budget.", []],
		["rounds amounts as written", "Spent $1.2345, projected $1.90.", []],
		["refuses a task no finding names", "Task 14 stalled.", ["task 14"]],
		["refuses one of a list", "Tasks 12, 13 and 99 looped.", ["task 99"]],
		["refuses an amount the facts do not hold", "It will cost $5.00.", ["$5.00"]],
		["says nothing: grounded", "The observer found nothing unusual.", []],
	])("%s", (_name, summary, claims) => {
		expect(ungroundedClaims(summary, facts)).toEqual(claims);
	});
});

const readAgain = { toolCalls: [{ name: "read_file", input: { path: "adder.py" } }] };
/** One task that reads the same file six times before it solves the exercise: a loop finding. */
const loopingScript = [...Array.from({ length: 6 }, () => readAgain), solve];

describe("narrative summary", { timeout: 120_000 }, () => {
	it("is written at the end of a run by a model behind the provider layer, from the findings and totals alone", async () => {
		const text = "Task 1 made the same tool call 6 times (a loop) but passed; the run cost $0.";
		llm.setScript([{ text }]);
		const before = llm.requests.length;
		const run = await observedRun(
			{
				model: "scripted",
				settings: { script: loopingScript },
				observer: {
					level: "full",
					model: "openai-compatible:mock-model",
					config: { ...quickConfig, summarySettings: { openAiBaseUrl: `${llm.url}/v1` } },
				},
			},
			{ env: { ...process.env, OPENAI_API_KEY: "sk-mock" } },
		);
		expect(run.view.anomalies.map((a) => [a.detector, a.taskIds])).toEqual([["loop", [1]]]);
		expect(run.view.session).toMatchObject({ summary: text, summaryAt: expect.any(String) });
		const requests = llm.requests.slice(before).filter((r) => r.method === "POST");
		expect(requests).toHaveLength(1);
		const prompt = JSON.stringify(requests[0]?.body);
		// The facts: the finding and the totals...
		expect(prompt).toContain("Loop in python/adder: the same tool call 6 times");
		expect(prompt).toContain('\\"passed\\": 1');
		expect(prompt).toContain("Use only the facts in the JSON you are given");
		// ...and nothing else: no task prompt, no transcript, no tool arguments.
		expect(prompt).not.toContain("Implement adder.py");
		expect(prompt).not.toContain("read_file");
	});

	it("is written on demand by evals observe with the scripted model, and refused when it is not grounded", async () => {
		const home = await mkdtemp(path.join(tmpdir(), "evals-summary-"));
		temps.push(home);
		const settings = path.join(home, "settings.json");
		await writeFile(settings, JSON.stringify({ script: loopingScript }));
		// A run without an observer: evals observe looks at it after the fact.
		const ran = await runCli(["run", "--json", "--suite", RUNNER_SUITE, "-m", "scripted", "--settings", settings], {
			home,
		});
		expect(ran.code, said(ran)).toBe(0);
		const runId = (JSON.parse(ran.stdout) as { runId: number }).runId;

		const config = (text: string) => {
			const file = path.join(home, `observer-${Math.random().toString(36).slice(2)}.json`);
			return writeFile(file, JSON.stringify({ summarySettings: { script: [{ text }] } })).then(() => file);
		};
		const invented = await runCli(
			["observe", String(runId), "--summary", "--observer-model", "scripted"].concat([
				"--observer-config",
				await config("Task 9 stalled for an hour and cost $12."),
			]),
			{ home },
		);
		expect(invented.code, said(invented)).toBe(2);
		expect(invented.stderr.trim()).toBe(
			"evals: The model's summary mentions task 9, $12, which the stored findings and totals do not hold: not stored.",
		);

		const grounded = "Task 1 repeated one tool call 6 times; it passed.";
		const observed = await runCli(
			["observe", String(runId), "--summary", "--observer-model", "scripted", "--export"].concat([
				"--observer-config",
				await config(grounded),
			]),
			{ home },
		);
		expect(observed.code, said(observed)).toBe(0);
		expect(observed.stdout).toContain(`Run ${runId} (scripted, completed): observer full, steering monitor-only`);
		expect(observed.stdout).toMatch(/WARNING Loop in python\/adder: the same tool call 6 times/);
		expect(observed.stdout).toMatch(
			/detected 6 calls · expected 1 calls · threshold 5 calls · confidence \d+% · tasks 1/,
		);
		expect(observed.stdout).toContain(`Summary:\n${grounded}`);
		expect(observed.stderr).toMatch(/^Wrote .*observer\.json and .*observer\.md$/m);

		const database = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(database);
			expect((await store.observer.session(runId))?.summary).toBe(grounded);
		} finally {
			await database.close();
		}
	});
});
