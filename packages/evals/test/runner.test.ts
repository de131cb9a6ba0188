import type { TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { registerAgentAdapter } from "../src/run/agents/registry.js";
import { RooCodeAgentAdapter } from "../src/run/agents/roo-code.js";
import { Controller } from "../src/run/controller.js";
import { processesWith, uniqueSleep } from "./helpers/processes.js";
import { harness, tempDir } from "./helpers/runner.js";

type Harness = Awaited<ReturnType<typeof harness>>;
let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

const write = (path: string, content: string) => ({ name: "write_to_file", input: { path, content } });
const done = { name: "attempt_completion", input: { result: "done" } };

async function runScripted(script: unknown[], extra: Record<string, unknown> = {}) {
	h = await harness();
	const { run, tasks } = await h.createRun(h.config({ model: "scripted", settings: { script }, ...extra }));
	const events: TaskEvent[] = [];
	await h.bus.subscribe(run.id, (event) => events.push(event));
	const finished = await h.controller.execute(run.id);
	const task = await h.store.tasks.get(tasks[0]?.id ?? -1);
	return { run: finished, task, events, store: h.store };
}

describe("task runner and controller", () => {
	it("passes with the oracle, storing metrics, events, diff and phase timings", async () => {
		h = await harness();
		const { run, tasks } = await h.createRun(h.config({ model: "oracle" }));
		const live: TaskEvent[] = [];
		await h.bus.subscribe(run.id, (event) => live.push(event));
		const finished = await h.controller.execute(run.id);
		expect(finished).toMatchObject({ status: "completed", passed: 1, failed: 0 });
		const task = await h.store.tasks.get(tasks[0]?.id ?? -1);
		expect(task).toMatchObject({ status: "passed", passed: true, failureKind: null, attempt: 1, testsTampered: false });
		expect(task?.workspaceDiff).toMatch(/\+\s+return a \+ b/);
		expect(task?.testOutput).toMatch(/3 passed/);
		expect(Object.keys(task?.phaseTimings ?? {})).toEqual(
			expect.arrayContaining(["workspaceMs", "agentStartMs", "agentMs", "gradeMs"]),
		);
		expect(task?.agentTaskId).toMatch(/[0-9a-f-]{36}/);
		const metrics = await h.store.metrics.get(task?.taskMetricsId ?? -1);
		expect(metrics?.toolUsage).toMatchObject({ write_to_file: { attempts: 1, failures: 0 } });

		const stored = (await h.store.events.list(run.id)).map((row) => row.eventName);
		expect(stored.filter((name) => name !== "taskContextConfirmation")[0]).toBe("taskCreated");
		expect(stored).toContain("taskCompleted");
		expect(stored.at(-1)).toBe("evalPass");
		expect(live.every((event) => event.taskId === task?.id)).toBe(true);
		expect(live.some((event) => event.eventName === "message" && event.payload[0].message.partial === true)).toBe(true);
	});

	it("fails with test_failed when the agent finishes with wrong code", async () => {
		const { task, run } = await runScripted([
			{ toolCalls: [write("adder.py", "def add(a, b):\n    return a - b\n")] },
			{ toolCalls: [done] },
		]);
		expect(run).toMatchObject({ passed: 0, failed: 1 });
		expect(task).toMatchObject({ status: "failed", passed: false, failureKind: "test_failed" });
		expect(task?.testOutput).toMatch(/failed/);
	});

	it("restores tests the agent rewrote, flags the tampering and grades the real tests", async () => {
		const { task } = await runScripted([
			{ toolCalls: [write("adder_test.py", "def test_nothing():\n    assert True\n")] },
			{ toolCalls: [done] },
		]);
		expect(task).toMatchObject({ status: "failed", failureKind: "test_failed", testsTampered: true });
		expect(task?.error).toMatch(/restored from the exercise \(changed by the agent\): adder_test\.py/);
	});

	it("records an agent that gives up as agent_error, with the agent's reason", async () => {
		const { task, events } = await runScripted([{ error: "model exploded" }]);
		expect(task).toMatchObject({ status: "failed", failureKind: "agent_error" });
		expect(task?.error).toMatch(/model exploded/);
		expect(events.some((event) => event.eventName === "taskAborted")).toBe(true);
		expect(events.at(-1)?.eventName).toBe("evalFail");
	});

	it("times out a task, stopping the agent and every process it started", async () => {
		// A unique sleep is found from outside any PID namespace (the sandbox has its own), where a pid file is not.
		const sleep = uniqueSleep(120);
		let seen = false;
		let watching = true;
		const watcher = (async () => {
			while (watching) {
				if ((await processesWith(sleep)).length > 0) seen = true;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		})();
		const began = Date.now();
		const { task } = await runScripted(
			[{ toolCalls: [{ name: "execute_command", input: { command: `sh -c 'exec sleep ${sleep}'` } }] }],
			{ timeoutMinutes: 0.05 },
		).finally(() => {
			watching = false;
		});
		await watcher;
		expect(task).toMatchObject({ status: "failed", failureKind: "timeout" });
		expect(Date.now() - began).toBeLessThan(20_000);
		expect(seen).toBe(true);
		expect(await processesWith(sleep)).toEqual([]);
	});

	it("retries an agent that cannot start as infra, twice, then gives up", async () => {
		h = await harness();
		const { run, tasks } = await h.createRun(h.config({ model: "oracle" }));
		// A real adapter pointed at a binary that does not exist: the start itself fails.
		// Registered under a name of its own: plugged in without editing the registry.
		const unregister = registerAgentAdapter("broken-roo-code", () => new RooCodeAgentAdapter("/nonexistent/vscode"));
		await h.store.runs.update(run.id, { agent: "broken-roo-code" });
		const controller = new Controller({ store: h.store, bus: h.bus, evalsHome: tempDir("home"), retryBackoffMs: 10 });
		const finished = await controller.execute(run.id).finally(unregister);
		expect(finished).toMatchObject({ status: "completed", failed: 1 });
		const task = await h.store.tasks.get(tasks[0]?.id ?? -1);
		expect(task).toMatchObject({ status: "failed", failureKind: "infra", attempt: 3 });
		expect(task?.error).toMatch(/did not start.*\/nonexistent\/vscode/);
	});

	it("cancels a running task and the rest of the run", async () => {
		h = await harness();
		const { run, tasks } = await h.createRun(
			h.config({ model: "scripted", settings: { script: [{ delayMs: 60_000 }] }, iterations: 3, concurrency: 1 }),
		);
		const execution = h.controller.execute(run.id);
		const store = h.store;
		while ((await store.tasks.get(tasks[0]?.id ?? -1))?.status !== "running")
			await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 300));
		const began = Date.now();
		await h.controller.cancel(run.id);
		const finished = await execution;
		expect(Date.now() - began).toBeLessThan(15_000);
		expect(finished.status).toBe("cancelled");
		const statuses = (await store.tasks.list(run.id)).map((task) => [task.status, task.failureKind]);
		expect(statuses).toEqual([
			["cancelled", "cancelled"],
			["cancelled", "cancelled"],
			["cancelled", "cancelled"],
		]);
	});
});
