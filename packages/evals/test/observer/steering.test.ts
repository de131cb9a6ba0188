import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockLlmServer, type MockScriptItem, type MockTurn, startMockLlmServer } from "@agent-evals/agent/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import { runCli, said } from "../helpers/cli.js";
import { RUNNER_SUITE } from "../helpers/runner.js";
import { observedRun, quickConfig, solve } from "./helpers.js";

/*
 * `auto` steering acting on real runs: it cancels a runaway task, lowers the concurrency in a
 * rate-limit storm, stops retrying an infra failure every task shares, and pauses a run at its
 * budget; `evals resume` then finishes it with every task graded exactly once.
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

async function tempDir(prefix: string): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	temps.push(dir);
	return dir;
}

const mock = () => ({ model: "openai-compatible:mock-model", settings: { openAiBaseUrl: `${llm.url}/v1` } });
const mockEnv = () => ({ ...process.env, OPENAI_API_KEY: "sk-mock" });

describe("auto steering", { timeout: 180_000 }, () => {
	it("cancels a runaway task, which keeps the reason", async () => {
		const hungry: MockTurn = {
			toolCalls: [{ name: "read_file", input: { path: "adder.py" } }],
			usage: { inputTokens: 40_000, outputTokens: 2_000 },
			delayMs: 400,
		};
		// Four ordinary tasks make the baseline; the fifth asks for tokens turn after turn.
		llm.setScript([solve, solve, solve, solve, ...Array.from({ length: 80 }, () => hungry), solve]);
		const run = await observedRun(
			{ ...mock(), iterations: 5, concurrency: 1, observer: { level: "autonomous", config: quickConfig } },
			{ env: mockEnv() },
		);
		const runaway = run.tasks[4];
		expect(run.tasks.slice(0, 4).map((task) => task.status)).toEqual(["passed", "passed", "passed", "passed"]);
		expect(runaway).toMatchObject({ status: "cancelled" });
		expect(runaway?.error).toMatch(/^cancelled by the observer: runaway \(\d+(\.\d+)? tokens, threshold/);
		const [finding] = run.view.anomalies;
		expect(finding).toMatchObject({ detector: "runaway_task", taskIds: [runaway?.id], unit: "tokens" });
		expect(run.view.recommendations).toEqual([
			expect.objectContaining({ type: "cancel_task", status: "applied", appliedBy: "auto", autoSafe: true }),
		]);
		expect(run.view.recommendations[0]?.outcome).toMatch(
			new RegExp(`^task ${runaway?.id} cancelled \\(was running\\)`),
		);
		// Stopped long before its eighty turns (half of them leaves room for a loaded machine).
		expect(llm.remainingTurns()).toBeGreaterThan(40);
		llm.setScript([]);
	});

	it("lowers the concurrency during a rate-limit storm", async () => {
		const limited: MockTurn = { error: { status: 429, message: "Rate limit reached", retryAfterSeconds: 0.2 } };
		// Every task is refused twice, then served: a storm of six retries from three tasks, and
		// no task near its retry limit, however the tasks' requests interleave (a shared queue of
		// refusals let the first task to start take four in a row and fail).
		const refusals = new Map<string, number>();
		const limitedTwiceEach: MockScriptItem = (request) => {
			const workspace = /Workspace: ([^\s\\"]+)/.exec(JSON.stringify(request.body))?.[1] ?? "";
			const count = refusals.get(workspace) ?? 0;
			refusals.set(workspace, count + 1);
			return count < 2 ? limited : solve;
		};
		llm.setScript(Array.from({ length: 9 }, () => limitedTwiceEach));
		const run = await observedRun(
			{
				...mock(),
				iterations: 3,
				concurrency: 3,
				observer: { level: "full", steering: "auto", config: quickConfig },
			},
			{
				env: mockEnv(),
				after: async (h, runId) => {
					expect((await h.store.runs.get(runId))?.concurrency).toBe(1);
				},
			},
		);
		expect(run.tasks.map((task) => task.status)).toEqual(["passed", "passed", "passed"]);
		expect([...refusals.values()]).toEqual([3, 3, 3]);
		expect(run.view.recommendations).toEqual([
			expect.objectContaining({
				type: "adjust_concurrency",
				status: "applied",
				appliedBy: "auto",
				parameters: { runId: run.runId, from: 3, to: 1 },
			}),
		]);
		expect(run.view.recommendations[0]?.outcome).toMatch(/^concurrency 3 → 1/);
	});

	it("stops retrying an infra failure that every task shares", async () => {
		const home = await tempDir("evals-steer-infra-");
		const bin = path.join(home, "bin");
		await mkdir(bin);
		await symlink("/usr/bin/git", path.join(bin, "git"));
		const config = path.join(home, "observer.json");
		await writeFile(config, JSON.stringify(quickConfig));
		const result = await runCli(
			["run", "--suite", RUNNER_SUITE, "-n", "6", "-c", "3", "--observer", "basic", "--steering", "auto"].concat([
				"--observer-config",
				config,
			]),
			{ home, env: { PATH: bin }, timeoutMs: 150_000 },
		);
		expect(result.code, said(result)).toBe(0);
		const runId = Number(/^Run (\d+):/m.exec(result.stderr)?.[1]);
		const database = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(database);
			const tasks = await store.tasks.list(runId);
			expect(tasks.map((task) => task.failureKind)).toEqual(Array(6).fill("infra"));
			// Without steering each of them would have had three attempts. The first three fail
			// together and may start a second attempt (1 s of backoff) before the observer's next look
			// on a loaded machine; none gets a third, and the tasks after them get one attempt each.
			const attempts = tasks.map((task) => task.attempt);
			expect(Math.max(...attempts), String(attempts)).toBeLessThanOrEqual(2);
			expect(attempts.filter((attempt) => attempt === 1).length, String(attempts)).toBeGreaterThanOrEqual(3);
			const [recommendation] = await store.observer.recommendations(runId);
			expect(recommendation).toMatchObject({ type: "stop_infra_retries", status: "applied", appliedBy: "auto" });
			expect(recommendation?.outcome).toMatch(/no longer retried/);
		} finally {
			await database.close();
		}
	});

	it("pauses a run at its budget; evals resume grades every task exactly once", async () => {
		const home = await tempDir("evals-steer-budget-");
		const settings = path.join(home, "settings.json");
		// $1 a task ($1 per million input tokens, a million of them), a little slow so a pause finds tasks running.
		await writeFile(
			settings,
			JSON.stringify({
				script: [{ ...solve, usage: { inputTokens: 1_000_000, outputTokens: 0 }, delayMs: 1500 }],
				modelInfo: { inputPrice: 1, outputPrice: 0 },
			}),
		);
		const config = path.join(home, "observer.json");
		await writeFile(config, JSON.stringify(quickConfig));
		const common = ["--suite", RUNNER_SUITE, "-m", "scripted", "--settings", settings];
		const first = await runCli(
			["run", ...common, "-n", "6", "-c", "2", "--observer", "basic", "--steering", "auto"].concat([
				"--budget",
				"2.5",
				"--observer-config",
				config,
			]),
			{ home, timeoutMs: 150_000 },
		);
		expect(first.code, said(first)).toBe(1);
		const runId = Number(/^Run (\d+):/m.exec(first.stderr)?.[1]);
		expect(first.stderr).toContain(`Run ${runId} is paused at its budget of $2.5000`);
		expect(first.stderr).toContain(`npx evals resume ${runId} --budget USD`);

		const database = await openDatabase({ evalsHome: home });
		let gradedBefore: number[];
		let stopped = 0;
		try {
			const store = new Store(database);
			expect((await store.runs.get(runId))?.status).toBe("paused");
			const tasks = await store.tasks.list(runId);
			// Graded or pending for the resume: none lost, none cancelled.
			expect(
				tasks.every((task) => ["passed", "pending"].includes(task.status)),
				JSON.stringify(tasks),
			).toBe(true);
			gradedBefore = tasks.filter((task) => task.status === "passed").map((task) => task.id);
			expect(gradedBefore.length).toBeGreaterThanOrEqual(2);
			expect(gradedBefore.length).toBeLessThan(6);
			const [pause] = await store.observer.recommendations(runId);
			expect(pause).toMatchObject({ type: "pause_run", status: "applied", appliedBy: "auto", autoSafe: true });
			expect(pause?.outcome).toMatch(/^run \d+ paused: \d running task\(s\) stopped and back to pending/);
			stopped = Number(/(\d) running task/.exec(pause?.outcome ?? "")?.[1]);
		} finally {
			await database.close();
		}

		// The same budget would pause it again before a task starts: resume with more.
		const resumed = await runCli(["resume", String(runId), "--budget", "100"], { home, timeoutMs: 150_000 });
		expect(resumed.code, said(resumed)).toBe(0);
		const again = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(again);
			expect((await store.runs.get(runId))?.status).toBe("completed");
			const tasks = await store.tasks.list(runId);
			expect(tasks.map((task) => task.status)).toEqual(Array(6).fill("passed"));
			// Each task has exactly one verdict event: graded once, before or after the pause.
			const verdicts = (await store.events.list(runId)).filter((row) => row.eventName === "evalPass");
			expect(verdicts.map((row) => row.taskId).sort()).toEqual(tasks.map((task) => task.id).sort());
			// Tasks graded before the pause were not run again.
			for (const id of gradedBefore) expect(tasks.find((task) => task.id === id)?.attempt).toBe(1);
			// Only tasks the pause stopped had a second attempt, after the resume.
			expect(tasks.filter((task) => task.attempt === 2).length).toBeLessThanOrEqual(stopped);
			expect(tasks.every((task) => task.attempt <= 2)).toBe(true);
			const run = await store.runs.get(runId);
			expect(run).toMatchObject({ passed: 6, failed: 0 });
			const session = await store.observer.session(runId);
			expect(session).toMatchObject({ budgetUsd: 100, status: "ended" });
			// Spent: six graded tasks plus what the stopped attempts had cost.
			expect(session?.spentUsd).toBeCloseTo(6 + (session?.discardedUsd ?? 0), 4);
		} finally {
			await again.close();
		}
	});
});
