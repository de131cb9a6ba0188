import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { type MockLlmServer, startMockLlmServer } from "@agent-evals/agent/testing";
import type { TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { AgentPool } from "../src/run/agent-pool.js";
import { driveTask, InfraError, TaskTracker } from "../src/run/agent-session.js";
import type { AgentLaunch } from "../src/run/agents/adapter.js";
import { BuiltinAgentAdapter } from "../src/run/agents/builtin.js";
import { registerAgentAdapter } from "../src/run/agents/registry.js";
import { harness, tempDir } from "./helpers/runner.js";

/*
 * Warm agents: one agent process per slot serves task after task. What a task leaves behind —
 * files in its workspace, $HOME or /tmp, its conversation, its MCP servers — must not reach the
 * next task on the same process, and an agent whose task did not end cleanly is not reused.
 * The agent is the real evals-agent; the model is the mock LLM server, so what each task told
 * the model can be read from its requests.
 */

const EVERYTHING = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");

/** The builtin agent under a name of its own, counting the processes it starts. */
function countingAgent(name: string): { starts: () => number; unregister: () => void } {
	let starts = 0;
	class CountingAgent extends BuiltinAgentAdapter {
		override readonly name = name;
		override start(launch: AgentLaunch) {
			starts++;
			return super.start(launch);
		}
	}
	const unregister = registerAgentAdapter(name, () => new CountingAgent());
	return { starts: () => starts, unregister };
}

type Harness = Awaited<ReturnType<typeof harness>>;
let h: Harness | undefined;
let mock: MockLlmServer | undefined;
let unregister: (() => void) | undefined;
afterEach(async () => {
	unregister?.();
	await mock?.close();
	await h?.close();
	h = undefined;
	mock = undefined;
	unregister = undefined;
});

const PROBE = [
	"echo WORKSPACE; ls -A",
	"echo PARENT; ls -A ..",
	// Each task looks for what the one before left, then leaves its own.
	"for f in ~/leak /tmp/leak; do test -e $f && echo FOUND $f; done",
	"echo left > ~/leak; echo left > /tmp/leak; echo PROBED",
].join("; ");

/** One task's turns: probe, leave a file, call an MCP tool, solve, finish. */
function taskTurns(n: number) {
	return [
		{ toolCalls: [{ name: "execute_command", input: { command: PROBE } }] },
		{ toolCalls: [{ name: "write_to_file", input: { path: "leftover.txt", content: `task ${n} was here` } }] },
		{
			toolCalls: [
				{
					name: "use_mcp_tool",
					input: { server_name: "everything", tool_name: "echo", arguments: { message: `marker-${n}` } },
				},
			],
		},
		{
			toolCalls: [
				{ name: "write_to_file", input: { path: "adder.py", content: "def add(a, b):\n    return a + b\n" } },
			],
		},
		{ toolCalls: [{ name: "attempt_completion", input: { result: "done" } }] },
	];
}
const TURNS_PER_TASK = taskTurns(0).length;

async function mockRun(options: { freshAgent: boolean; tasks: number }) {
	const agent = countingAgent(`counting-${options.freshAgent ? "fresh" : "warm"}-${process.pid}`);
	unregister = agent.unregister;
	mock = await startMockLlmServer({
		script: Array.from({ length: options.tasks }, (_, i) => taskTurns(i + 1)).flat(),
	});
	h = await harness({ env: { ...process.env, OPENAI_API_KEY: "sk-warm-agents-test" } });
	const { run, tasks } = await h.createRun(
		h.config({
			model: "openai-compatible:mock-model",
			agent: `counting-${options.freshAgent ? "fresh" : "warm"}-${process.pid}`,
			sandbox: "bwrap",
			iterations: options.tasks,
			concurrency: 1,
			freshAgent: options.freshAgent,
			settings: { openAiBaseUrl: `${mock.url}/v1` },
			mcp: { config: { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, "stdio"] } } } },
		}),
	);
	const finished = await h.controller.execute(run.id);
	return { run: finished, tasks, store: h.store, starts: agent.starts() };
}

/** What a task's commands printed. */
function commandOutput(events: { taskId: number | null; event: TaskEvent }[], taskId: number): string {
	return events
		.filter((row) => row.taskId === taskId)
		.map((row) => row.event)
		.flatMap((event) =>
			event.eventName === "message" && event.payload[0].message.say === "command_output"
				? [event.payload[0].message.text ?? ""]
				: [],
		)
		.join("\n");
}

describe("warm agents", () => {
	it("serve a run's tasks from one process, and nothing of a task reaches the next", {
		timeout: 180_000,
	}, async () => {
		const { run, tasks, store, starts } = await mockRun({ freshAgent: false, tasks: 3 });
		expect(run).toMatchObject({ status: "completed", passed: 3, failed: 0, agentProcesses: "warm" });
		expect(starts).toBe(1);

		// Files: each task's workspace is new, its $HOME and /tmp are its own, and no other
		// task's folder can be seen from it.
		const events = (await store.events.list(run.id)).map((row) => ({ taskId: row.taskId, event: row.event }));
		for (const task of tasks) {
			const output = commandOutput(events, task.id);
			expect(output, `task ${task.id}`).toContain("PROBED");
			expect(output, `task ${task.id}`).not.toContain("leftover.txt");
			expect(output, `task ${task.id}`).not.toContain("FOUND");
			// The attempt's folder is hidden: only the workspace's own mount point shows in it.
			expect(output, `task ${task.id}`).toMatch(/PARENT\nworkspace\nPROBED/);
		}

		// History: each task's first request is a new conversation, with nothing of the last.
		const calls = (mock?.requests ?? []).filter((request) => request.path.includes("/chat/completions"));
		expect(calls).toHaveLength(3 * TURNS_PER_TASK);
		for (let n = 0; n < 3; n++) {
			const first = calls[n * TURNS_PER_TASK]?.body as { messages: { role: string }[] };
			expect(first.messages.map((message) => message.role)).toEqual(["system", "user"]);
			for (let earlier = 1; earlier <= n; earlier++) {
				expect(JSON.stringify(first)).not.toContain(`marker-${earlier}`);
			}
		}

		// MCP: each task connects to the server afresh, and its calls are its own.
		const connections = await store.mcp.connectionEvents(run.id);
		for (const task of tasks) {
			const own = connections.filter((event) => event.taskId === task.id).map((event) => event.eventType);
			expect(own, `task ${task.id}`).toEqual(["start", "established"]);
		}
		const mcpCalls = await store.mcp.runCalls(run.id);
		expect(mcpCalls.map((call) => [call.taskId, JSON.stringify(call.request)])).toEqual(
			tasks.map((task, i) => [task.id, expect.stringContaining(`marker-${i + 1}`)]),
		);
	});

	it("start a process per task with --fresh-agent", { timeout: 180_000 }, async () => {
		const { run, starts } = await mockRun({ freshAgent: true, tasks: 2 });
		expect(run).toMatchObject({ status: "completed", passed: 2, agentProcesses: "fresh" });
		expect(starts).toBe(2);
	});

	it("are not reused after a task that timed out", { timeout: 120_000 }, async () => {
		const agent = countingAgent(`counting-timeout-${process.pid}`);
		unregister = agent.unregister;
		h = await harness();
		const { run } = await h.createRun(
			h.config({
				model: "scripted",
				agent: `counting-timeout-${process.pid}`,
				iterations: 2,
				concurrency: 1,
				timeoutMinutes: 0.05,
				settings: { script: [{ delayMs: 600_000 }] },
			}),
		);
		const finished = await h.controller.execute(run.id);
		expect(finished).toMatchObject({ status: "completed", failed: 2, agentProcesses: "warm" });
		const failures = (await h.store.tasks.list(run.id)).map((task) => task.failureKind);
		expect(failures).toEqual(["timeout", "timeout"]);
		expect(agent.starts()).toBe(2);
	});
});

describe("the agent pool", () => {
	const pool = (maxTasks: number) =>
		new AgentPool({
			adapter: new BuiltinAgentAdapter(),
			root: tempDir("pool"),
			env: async () => process.env,
			log: () => {},
			maxTasks,
		});

	it("lends an idle agent again, replaces one given back unclean, and recycles after its quota", async () => {
		const agents = pool(2);
		try {
			const first = await agents.acquire(() => {});
			const pid = first.session.process.pid;
			await agents.release(first, true);
			const again = await agents.acquire(() => {});
			expect(again.session.process.pid).toBe(pid);
			// Its second task: the quota is reached, so it is ended.
			await agents.release(again, true);
			expect(agents.size).toBe(0);
			await first.session.process.exited;

			const third = await agents.acquire(() => {});
			expect(third.session.process.pid).not.toBe(pid);
			await agents.release(third, false);
			expect(third.session.process.hasExited).toBe(true);
			expect(agents.size).toBe(0);
		} finally {
			await agents.close();
		}
	});

	it("ends idle agents on close, and a lent one when its task gives it back", async () => {
		const root = tempDir("pool");
		const agents = new AgentPool({
			adapter: new BuiltinAgentAdapter(),
			root,
			env: async () => process.env,
			log: () => {},
		});
		const lent = await agents.acquire(() => {});
		const idle = await agents.acquire(() => {});
		await agents.release(idle, true);
		await agents.close();
		expect(idle.session.process.hasExited).toBe(true);
		// Its task is still running: it keeps its agent.
		expect(lent.session.process.hasExited).toBe(false);
		expect(existsSync(root)).toBe(true);
		await agents.release(lent, true);
		expect(lent.session.process.hasExited).toBe(true);
		expect(agents.size).toBe(0);
		expect(existsSync(root)).toBe(false);
	});

	it("refuses a task whose workspace the agent cannot move to, as the machine's fault", async () => {
		const agents = pool(50);
		try {
			const agent = await agents.acquire(() => {});
			const drive = driveTask(agent.session, new TaskTracker(), {
				context: { taskId: 1, runId: 1, workspace: "/nonexistent/workspace" },
				settings: { apiProvider: "oracle" },
				prompt: "unused",
				timeoutMs: 10_000,
				signal: new AbortController().signal,
			});
			await expect(drive).rejects.toThrow(InfraError);
			await expect(drive).rejects.toThrow(
				/did not move to the task's workspace: workspace \/nonexistent\/workspace does not exist/,
			);
			await agents.release(agent, false);
		} finally {
			await agents.close();
		}
	});
});
