import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockLlmServer, type MockTurn, startMockLlmServer } from "@agent-evals/agent/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import { runCli, said } from "../helpers/cli.js";
import { RUNNER_SUITE } from "../helpers/runner.js";
import { type Injected, observedRun, printScore, quickConfig, score, solve, type Tally } from "./helpers.js";

/*
 * The observer against runs with problems put there on purpose, and against clean runs: real
 * agent processes, real grading, models played by the scripted model and the mock LLM server.
 * Each scenario says which detector should find what; the suite prints precision and recall
 * over all of them (goal: every injected problem found, nothing found on the clean runs).
 */

const tallies: Tally[] = [];
let llm: MockLlmServer;
const temps: string[] = [];

beforeAll(async () => {
	llm = await startMockLlmServer();
});
afterAll(async () => {
	await llm.close();
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
	if (tallies.length > 0) printScore(score(tallies));
});

async function tempDir(prefix: string): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	temps.push(dir);
	return dir;
}

const EVERYTHING = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");
const mcpCall = (server: string, tool: string, args: Record<string, unknown>) => ({
	name: "use_mcp_tool",
	input: { server_name: server, tool_name: tool, arguments: args },
});

const mockModel = () => ({
	model: "openai-compatible:mock-model",
	settings: { openAiBaseUrl: `${llm.url}/v1` },
});
/** The key the mock server wants, from the environment as a real one would come. */
const mockEnv = () => ({ ...process.env, OPENAI_API_KEY: "sk-mock" });

describe("observer scenarios", { timeout: 180_000 }, () => {
	it("finds nothing on a clean oracle run", async () => {
		const run = await observedRun({
			model: "oracle",
			iterations: 6,
			concurrency: 2,
			observer: { level: "full", budgetUsd: 5, config: quickConfig },
		});
		tallies.push({ scenario: "clean oracle", injected: [], findings: run.view.anomalies });
		expect(run.view.anomalies).toEqual([]);
		expect(run.view.session).toMatchObject({ level: "full", status: "ended", anomalyCount: 0 });
	});

	it("finds a looping task and a stalled one, and nothing else", async () => {
		// One task at a time, so the mock server's turns go to the tasks in order.
		const readAgain = { toolCalls: [{ name: "read_file", input: { path: "adder.py" } }] } satisfies MockTurn;
		const script: MockTurn[] = [
			solve,
			...Array.from({ length: 6 }, () => readAgain),
			solve,
			solve,
			{ ...solve, delayMs: 9_000 },
			solve,
		];
		llm.setScript(script);
		const run = await observedRun(
			{
				...mockModel(),
				iterations: 5,
				concurrency: 1,
				observer: { level: "full", config: quickConfig },
			},
			{ env: mockEnv() },
		);
		const [, looping, , stalled] = run.tasks;
		const injected: Injected[] = [
			{ scenario: "loop + stall", detector: "loop", taskIds: [looping?.id ?? -1] },
			{ scenario: "loop + stall", detector: "stuck_task", taskIds: [stalled?.id ?? -1] },
		];
		tallies.push({ scenario: "loop + stall", injected, findings: run.view.anomalies });
		expect(run.status).toBe("completed");
		expect(run.view.anomalies.map((a) => [a.detector, a.taskIds])).toEqual([
			["loop", [looping?.id]],
			["stuck_task", [stalled?.id]],
		]);
	});

	it("finds nothing on a clean scripted run", async () => {
		const run = await observedRun({
			model: "scripted",
			settings: { script: [solve] },
			iterations: 5,
			concurrency: 2,
			observer: { level: "full", budgetUsd: 1, config: quickConfig },
		});
		tallies.push({ scenario: "clean scripted", injected: [], findings: run.view.anomalies });
		expect(run.tasks.every((task) => task.status === "passed")).toBe(true);
		expect(run.view.anomalies).toEqual([]);
	});

	it("finds a 429 storm from the mock LLM server across tasks", async () => {
		const limited: MockTurn = {
			error: { status: 429, message: "Rate limit reached for requests", retryAfterSeconds: 0.2 },
		};
		// Three tasks ask at once: five refusals spread over them (two rounds), then every task is answered.
		llm.setScript([...Array.from({ length: 5 }, () => limited), solve, solve, solve]);
		const run = await observedRun(
			{ ...mockModel(), iterations: 3, concurrency: 3, observer: { level: "full", config: quickConfig } },
			{ env: mockEnv() },
		);
		tallies.push({
			scenario: "429 storm",
			injected: [{ scenario: "429 storm", detector: "rate_limit_storm" }],
			findings: run.view.anomalies,
		});
		expect(run.tasks.map((task) => task.status)).toEqual(["passed", "passed", "passed"]);
		const [storm, ...others] = run.view.anomalies;
		expect(others).toEqual([]);
		expect(storm).toMatchObject({ detector: "rate_limit_storm", detectedValue: 5, threshold: 4, expectedValue: 0 });
		expect(storm?.taskIds.length).toBeGreaterThanOrEqual(2);
		expect(JSON.stringify(storm?.evidence)).toContain("HTTP 429");
		// Monitor-only: the recommendation is recorded, nothing was applied.
		expect(run.view.recommendations.map((r) => [r.type, r.appliedBy])).toEqual([["adjust_concurrency", null]]);
	});

	it("finds a failing MCP server: one that never starts, one whose calls fail", async () => {
		const dir = await tempDir("evals-observer-mcp-");
		const script = [
			{ toolCalls: [mcpCall("everything", "get-sum", { a: "not a number" })] },
			{ toolCalls: [mcpCall("everything", "get-sum", { a: "still not" })] },
			{ toolCalls: [mcpCall("everything", "echo", { message: "hello" })] },
			{ toolCalls: [mcpCall("everything", "get-sum", { a: "nor this" })] },
			{ toolCalls: [mcpCall("broken", "anything", {})] },
			solve,
		];
		const run = await observedRun({
			model: "scripted",
			// Failures in a row would stop the agent before it shows the pattern.
			settings: { script, consecutiveMistakeLimit: 0 },
			iterations: 3,
			concurrency: 3,
			mcp: {
				config: {
					mcpServers: {
						everything: { command: process.execPath, args: [EVERYTHING, "stdio"] },
						broken: { command: path.join(dir, "no-such-server") },
					},
				},
			},
			observer: { level: "full", config: quickConfig },
		});
		const injected: Injected[] = [
			{ scenario: "failing MCP", detector: "mcp_server_down", subject: "broken" },
			{ scenario: "failing MCP", detector: "tool_error_rate", subject: "everything" },
		];
		tallies.push({ scenario: "failing MCP", injected, findings: run.view.anomalies });
		expect(run.tasks.map((task) => task.status)).toEqual(["passed", "passed", "passed"]);
		const found = Object.fromEntries(run.view.anomalies.map((a) => [a.detector, a]));
		expect(Object.keys(found).sort()).toEqual(["mcp_server_down", "tool_error_rate"]);
		expect(found.mcp_server_down).toMatchObject({
			severity: "critical",
			evidence: { server: "broken", everConnected: false },
		});
		expect(found.tool_error_rate).toMatchObject({
			evidence: { subject: "everything", kind: "mcp", calls: 12, failures: 9 },
			detectedValue: 0.75,
			threshold: 0.5,
		});
		// The run evaluates `broken`: stopping it is recommended, never done by itself.
		expect(run.view.recommendations.map((r) => [r.type, r.autoSafe, r.status])).toContainEqual([
			"stop_run",
			false,
			expect.any(String),
		]);
	});

	it("finds a run that will exceed its budget with an expensive model", async () => {
		// $1 per million input tokens, a million tokens a task: each task costs $1.
		const expensive = { ...solve, usage: { inputTokens: 1_000_000, outputTokens: 0 } };
		const run = await observedRun({
			model: "scripted",
			settings: { script: [expensive], modelInfo: { inputPrice: 1, outputPrice: 0 } },
			iterations: 5,
			concurrency: 1,
			observer: { level: "basic", budgetUsd: 3, config: quickConfig },
		});
		tallies.push({
			scenario: "budget breach",
			injected: [{ scenario: "budget breach", detector: "budget" }],
			findings: run.view.anomalies,
		});
		expect(run.status).toBe("completed");
		const breach = run.view.anomalies.find(
			(a) => a.title.startsWith("Budget spent") || a.title.startsWith("Budget will"),
		);
		expect(breach).toMatchObject({ detector: "budget", unit: "USD", expectedValue: 3, threshold: 3 });
		expect(breach?.severity).toBe("critical");
		expect(breach?.detectedValue).toBeCloseTo(5, 4);
		expect(run.view.anomalies.every((a) => a.detector === "budget")).toBe(true);
		expect(run.view.session).toMatchObject({ budgetUsd: 3 });
		expect(run.view.session?.spentUsd).toBeCloseTo(5, 4);
	});

	it("finds a missing toolchain (no python3 on PATH) failing every task, through the CLI", async () => {
		const home = await tempDir("evals-observer-path-");
		const bin = path.join(home, "bin");
		await mkdir(bin);
		// Git stays (the workspace baseline); python3 is gone.
		await symlink("/usr/bin/git", path.join(bin, "git"));
		const config = path.join(home, "observer.json");
		await writeFile(config, JSON.stringify(quickConfig));
		const result = await runCli(
			["run", "--suite", RUNNER_SUITE, "-n", "3", "-c", "3", "--observer", "basic", "--observer-config", config],
			{ home, env: { PATH: bin }, timeoutMs: 150_000 },
		);
		// Every task ends (as infra): the run completes.
		expect(result.code, said(result)).toBe(0);
		const runId = Number(/^Run (\d+):/m.exec(result.stderr)?.[1]);
		// The progress display says it as soon as it is found, in one line.
		expect(result.stderr).toMatch(
			/^observer: CRITICAL Infra failure on 3 tasks: python3 not found on PATH \[tasks 1, 2, 3\]$/m,
		);
		expect(result.stderr).toContain(
			`Observer (basic): 1 finding in run ${runId} (1 critical): npx evals observe ${runId}`,
		);
		const database = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(database);
			const view = await store.observer.view(runId);
			tallies.push({
				scenario: "missing toolchain",
				injected: [{ scenario: "missing toolchain", detector: "infra_cluster", subject: "python3" }],
				findings: view.anomalies,
			});
			expect(view.anomalies).toHaveLength(1);
			expect(view.anomalies[0]).toMatchObject({ detector: "infra_cluster", severity: "critical", detectedValue: 3 });
			expect(view.anomalies[0]?.title).toMatch(/python3 not found on PATH/);
		} finally {
			await database.close();
		}
	});
});
