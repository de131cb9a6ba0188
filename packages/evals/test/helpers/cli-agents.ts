import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { agentsDir, installNpmAgent, readInstalled } from "@agent-evals/agent/agents-cache";
import { findCliAgent } from "@agent-evals/agent/shim";
import {
	type MockLlmServer,
	type MockScriptItem,
	type MockTurn,
	type RecordedRequest,
	startMockLlmServer,
} from "@agent-evals/agent/testing";
import type { TaskEvent, ToolUsage } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import {
	driveTask,
	privateSocketPath,
	startAgentSession,
	stopAgent,
	TaskTracker,
} from "../../src/run/agent-session.js";
import { CliAgentAdapter } from "../../src/run/agents/cli-agent.js";
import { REPO_ROOT, runCli, said } from "./cli.js";
import { processesLeft } from "./processes.js";
import { tempDir } from "./runner.js";

/*
 * What the CLI-agent tests share: each CLI's way of writing a file and running a command as
 * mock model turns, the smoke exercise's reference solution, and the checks every adapter must
 * pass (solve through `evals run`, a scripted failure, a timeout, a cancel, a resume).
 */

export const EXERCISE = "python/roman-numerals";
/** A CLI run through `evals run` takes 10–30 s on a busy two-core machine. */
const TEST_TIMEOUT_MS = 240_000;
const SOLUTION_FILE = "roman_numerals.py";
export const TEST_COMMAND = "python3 -m pytest -o markers=task *_test.py";

export async function referenceSolution(): Promise<string> {
	return readFile(join(REPO_ROOT, "exercises", "python", "roman-numerals", ".meta", "solution", SOLUTION_FILE), "utf8");
}

/** The task's workspace, as the CLI told the model in its request (its system prompt or context). */
export function workspaceOf(request: RecordedRequest): string {
	const text = JSON.stringify(request.body);
	const match = /(\/[^"\s\\]*?\/[^"\s\\/]+\/workspace)(?=[/"\s\\.,]|$)/.exec(text);
	if (!match?.[1]) throw new Error(`no workspace path in the request to ${request.path}`);
	return match[1];
}

/** How one CLI's model turns write a file and run a command (its own tool names and fields). */
export interface CliScenario {
	agent: string;
	/** The `-m` of the run. */
	model: string;
	/** Settings pointing the CLI at the mock (base URL, prices). */
	settings(mockUrl: string): Record<string, unknown>;
	/** The provider's key variable (any value: the mock wants only that one is sent). */
	keyEnv: string;
	/** The turns that write a file (Claude Code reads a file before it may replace it). */
	write(file: string, content: string): MockScriptItem[];
	run(command: string): MockScriptItem;
	/** Answers a CLI's calls of its own (titles), outside the script. */
	side?: (request: RecordedRequest) => MockTurn | undefined;
	/** Whether the CLI passes cache writes through (Anthropic's format has them). */
	cacheWrites?: boolean;
	/** Expected cost of the served usage; default: MOCK_PRICES (the scenario's modelInfo). */
	cost?: (usage: ReturnType<MockLlmServer["servedUsage"]>) => number;
	/** The task's tool usage after `write` and `run`, in our tool names. */
	solveTools: ToolUsage;
}

/** The prices the scenarios declare for the mock model, so that cost is a known function of tokens. */
export const MOCK_PRICES = { inputPrice: 2, outputPrice: 8, cacheReadsPrice: 0.5, cacheWritesPrice: 2.5 };

export function priced(usage: ReturnType<MockLlmServer["servedUsage"]>, prices = MOCK_PRICES): number {
	const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
	return (
		(uncached * prices.inputPrice +
			usage.cacheReadTokens * prices.cacheReadsPrice +
			usage.cacheWriteTokens * prices.cacheWritesPrice +
			usage.outputTokens * prices.outputPrice) /
		1e6
	);
}

/** A turn's usage: different numbers each turn, with cache reads (and writes where the format has them). */
export function usage(turn: number, cacheWrites = false) {
	return {
		inputTokens: 1_000 * turn + 234,
		outputTokens: 100 * turn + 17,
		cacheReadTokens: 300 * turn,
		cacheWriteTokens: cacheWrites ? 50 * turn : 0,
	};
}

/**
 * Whether the CLI is in the agents cache, installing it from npm at its pinned version when it is
 * not (a few seconds; the cache is shared, so once per machine). Skipped, with the reason and the
 * install command, only when that install fails.
 */
export async function availability(agent: string): Promise<{ installed: boolean; title: string }> {
	if (await readInstalled(agent)) return { installed: true, title: agent };
	const spec = findCliAgent(agent);
	if (!spec) return { installed: false, title: `${agent} — skipped: not a CLI agent we know` };
	try {
		await installNpmAgent({ name: spec.name, package: spec.package, version: spec.version, bin: spec.bin });
		return { installed: true, title: agent };
	} catch (error) {
		const why = (error as Error).message.split("\n")[0];
		return {
			installed: false,
			title: `${agent} — skipped: cannot install it into the agents cache (${agentsDir()}): ${why}; try \`npx evals agents install ${agent}\``,
		};
	}
}

export interface SmokeResult {
	runId: number;
	mock: MockLlmServer;
	home: string;
}

export async function settingsFile(scenario: CliScenario, url: string, extra: Record<string, unknown> = {}) {
	const dir = tempDir("cli-settings");
	const file = join(dir, "settings.json");
	await writeFile(file, JSON.stringify({ ...scenario.settings(url), ...extra }));
	return file;
}

/** `evals run --agent <cli>` on the smoke exercise, with the mock scripted by `script`. */
export async function evalsRun(
	scenario: CliScenario,
	script: MockScriptItem[],
	options: { extraArgs?: string[]; timeoutMs?: number } = {},
) {
	const mock = await startMockLlmServer({ script, side: scenario.side });
	const home = tempDir(`cli-${scenario.agent}`);
	const settings = await settingsFile(scenario, mock.url);
	const result = await runCli(
		[
			"run",
			"--json",
			"--agent",
			scenario.agent,
			"-m",
			scenario.model,
			"-x",
			EXERCISE,
			"--settings",
			settings,
			...(options.extraArgs ?? []),
		],
		{ home, env: { [scenario.keyEnv]: "mock-key-for-tests" }, timeoutMs: options.timeoutMs ?? 240_000 },
	);
	return { result, mock, home };
}

/** The stored task of a one-task run: its summary and transcript. */
export async function storedTask(home: string, runId: number) {
	const database = await openDatabase({ evalsHome: home });
	try {
		const store = new Store(database);
		const { tasks } = await store.tasks.summaries(runId);
		const task = tasks[0];
		if (!task) throw new Error(`run ${runId} has no task`);
		const detail = await store.tasks.detail(task.id);
		const toolErrors = await store.toolErrors.list(runId);
		return { task, detail, toolErrors };
	} finally {
		await database.close();
	}
}

/** A stored transcript as lines, for failure messages. */
export function transcript(
	detail: { messages: { type: string; say?: string; ask?: string; text?: string }[] } | undefined,
) {
	return (detail?.messages ?? [])
		.map((message) => `${message.type}:${message.say ?? message.ask ?? ""} ${(message.text ?? "").slice(0, 300)}`)
		.join("\n");
}

export function expectUsage(
	task: { tokensIn: number; tokensOut: number; cacheReads: number; cacheWrites: number; cost: number },
	served: ReturnType<MockLlmServer["servedUsage"]>,
	expectedCost: number,
): void {
	expect({
		tokensIn: task.tokensIn,
		tokensOut: task.tokensOut,
		cacheReads: task.cacheReads,
		cacheWrites: task.cacheWrites,
	}).toEqual({
		tokensIn: served.inputTokens,
		tokensOut: served.outputTokens,
		cacheReads: served.cacheReadTokens,
		cacheWrites: served.cacheWriteTokens,
	});
	expect(task.cost).toBeGreaterThan(0);
	expect(task.cost).toBeCloseTo(expectedCost, 9);
}

export function expectTools(tools: ToolUsage, expected: ToolUsage): void {
	expect(tools).toMatchObject(expected);
}

/** Drives one task through the shim over IPC, as the runner does, with the events it sent. */
export async function driveShim(
	scenario: CliScenario,
	mock: MockLlmServer,
	options: {
		workspace: string;
		storageDir: string;
		prompt: string;
		timeoutMs?: number;
		signal?: AbortSignal;
		onEvent?: (event: TaskEvent, events: TaskEvent[]) => void;
		/** Instead of StartNewTask: ResumeTask of this task id. */
		resume?: string;
	},
) {
	const spec = findCliAgent(scenario.agent);
	if (!spec) throw new Error(`no CLI agent ${scenario.agent}`);
	const adapter = new CliAgentAdapter(spec);
	const events: TaskEvent[] = [];
	const tracker = new TaskTracker();
	const { socketPath } = await privateSocketPath();
	const session = await startAgentSession(
		adapter,
		{
			workspace: options.workspace,
			socketPath,
			storageDir: options.storageDir,
			env: { ...process.env, [scenario.keyEnv]: "mock-key-for-tests" },
		},
		(event) => {
			events.push(event);
			tracker.track(event);
			options.onEvent?.(event, events);
		},
		() => {},
	);
	const settings = { ...scenario.settings(mock.url), ...parseModel(scenario.model) };
	const signal = options.signal ?? new AbortController().signal;
	// Asked for before the task starts, so its end is seen however soon it comes.
	const ended = tracker.nextEnd();
	if (options.resume) {
		session.ipc.sendCommand({ commandName: "ResumeTask", data: options.resume });
		const outcome = await waitResumed(session, ended, options.timeoutMs ?? 120_000);
		return { outcome, events, tracker, session, ended };
	}
	const driven = await driveTask(session, tracker, {
		context: { taskId: 1, runId: 1 },
		settings,
		prompt: options.prompt,
		timeoutMs: options.timeoutMs ?? 120_000,
		signal,
	});
	await stopAgent(session, driven.outcome, driven.ended);
	return { outcome: driven.outcome, events, tracker, session, ended: driven.ended };
}

async function waitResumed(
	session: Awaited<ReturnType<typeof startAgentSession>>,
	ended: Promise<"completed" | "aborted">,
	timeoutMs: number,
): Promise<string> {
	const timer = new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
	const outcome = await Promise.race([ended, timer]);
	session.ipc.sendCommand({ commandName: "CloseTask" });
	await Promise.race([session.process.exited, new Promise((r) => setTimeout(r, 5_000))]);
	if (!session.process.hasExited) await session.process.stop();
	session.ipc.disconnect();
	return outcome;
}

function parseModel(model: string): Record<string, string> {
	const colon = model.indexOf(":");
	return { apiProvider: model.slice(0, colon), apiModelId: model.slice(colon + 1) };
}

export { said };

/** A command that sleeps long enough to be stopped, unique so that a stray copy can be found. */
function sleeper(): { command: string; marker: string } {
	const seconds = `${300 + Math.floor(Math.random() * 600)}.${Math.floor(Math.random() * 1000)}`;
	return { command: `sleep ${seconds}`, marker: `sleep ${seconds}` };
}

/**
 * The checks every CLI adapter must pass, with the real CLI from the agents cache against the
 * mock LLM server; installed into the agents cache when missing, skipped (saying why) when it cannot be.
 */
export async function cliAgentSuite(scenario: CliScenario): Promise<void> {
	const { installed, title } = await availability(scenario.agent);
	const expectedCost = scenario.cost ?? ((served: ReturnType<MockLlmServer["servedUsage"]>) => priced(served));
	const turns = (count: number) => scenario.write("roman_numerals.py", "").length + count;

	describe.skipIf(!installed)(title, () => {
		it("solves the smoke exercise through evals run, with its tokens, cost and tools recorded", {
			timeout: TEST_TIMEOUT_MS,
		}, async () => {
			const solution = await referenceSolution();
			const { result, mock, home } = await evalsRun(scenario, [
				...scenario.write("roman_numerals.py", solution),
				scenario.run(TEST_COMMAND),
				{ text: "All tests pass.", usage: usage(turns(2), scenario.cacheWrites) },
			]);
			try {
				const report = JSON.parse(result.stdout || "{}") as { runId: number; passed: number };
				const { task, detail } = await storedTask(home, report.runId);
				expect(report.passed, `${said(result)}\n${transcript(detail)}\n${detail?.testOutput}`).toBe(1);
				expect(result.code, said(result)).toBe(0);
				expectUsage(task, mock.servedUsage(), expectedCost(mock.servedUsage()));
				expect(task.toolUsage, transcript(detail)).toMatchObject(scenario.solveTools);
				// The transcript has the command and its output, as our own agent's has.
				const said_ = detail?.messages ?? [];
				expect(said_.some((m) => m.ask === "command" && m.text?.includes("pytest"))).toBe(true);
				expect(said_.some((m) => m.say === "command_output" && m.text?.includes("passed"))).toBe(true);
			} finally {
				await mock.close();
			}
		});

		it("fails as agent_error, with the model's error, when the model API refuses", {
			timeout: TEST_TIMEOUT_MS,
		}, async () => {
			const { result, mock, home } = await evalsRun(scenario, [
				{ error: { status: 400, message: "mock: this request is refused" } },
			]);
			try {
				expect(result.code, said(result)).toBe(0);
				const report = JSON.parse(result.stdout) as { runId: number };
				const { task, detail } = await storedTask(home, report.runId);
				expect(task, transcript(detail)).toMatchObject({ passed: false, failureKind: "agent_error" });
				expect(task.error ?? "", transcript(detail)).toContain("refused");
			} finally {
				await mock.close();
			}
		});

		it("times out as the runner's timeout says, and its command's process tree is gone", {
			timeout: TEST_TIMEOUT_MS,
		}, async () => {
			const { command, marker } = sleeper();
			// Half a minute: enough for the slowest CLI (Gemini's start takes over six seconds under
			// CI load) to start and run the command, which sleeps five minutes or more. A CLI that
			// stops the command itself first (Codex after ten seconds) is asked to run it again.
			const turns = Array.from({ length: 10 }, () => scenario.run(command));
			const { result, mock, home } = await evalsRun(scenario, turns, {
				extraArgs: ["--timeout", "0.5"],
			});
			try {
				expect(result.code, said(result)).toBe(0);
				const report = JSON.parse(result.stdout) as { runId: number };
				const { task, detail } = await storedTask(home, report.runId);
				expect(task, transcript(detail)).toMatchObject({ passed: false, failureKind: "timeout" });
				expect(detail?.messages.some((m) => m.ask === "command" && m.text?.includes(marker))).toBe(true);
				// A tree that was not stopped would outlive the wait by minutes (its sleep is 300 s or more).
				expect(await processesLeft(marker)).toEqual([]);
			} finally {
				await mock.close();
			}
		});

		it("stops on CancelTask: the task aborts and the CLI's process tree is gone", {
			timeout: TEST_TIMEOUT_MS,
		}, async () => {
			const { command, marker } = sleeper();
			const mock = await startMockLlmServer({ script: [scenario.run(command)], side: scenario.side });
			const cancel = new AbortController();
			try {
				const { outcome, ended, session } = await driveShim(scenario, mock, {
					workspace: tempDir(`${scenario.agent}-ws`),
					storageDir: tempDir(`${scenario.agent}-storage`),
					prompt: "Run the command.",
					onEvent: (event) => {
						// Once the command runs (and has had a moment to start), the runner cancels.
						if (event.eventName === "message" && event.payload[0].message.ask === "command") {
							setTimeout(() => cancel.abort(), 1_000);
						}
					},
					signal: cancel.signal,
				});
				expect(outcome).toBe("cancelled");
				expect(await Promise.race([ended, new Promise((r) => setTimeout(() => r("no end"), 5_000))])).toBe("aborted");
				expect(session.process.hasExited).toBe(true);
				// A tree that was not stopped would outlive the wait by minutes (its sleep is 300 s or more).
				expect(await processesLeft(marker)).toEqual([]);
			} finally {
				await mock.close();
			}
		});

		it("resumes a finished task on the CLI's own session (ResumeTask in a new shim process)", {
			timeout: TEST_TIMEOUT_MS,
		}, async () => {
			const mock = await startMockLlmServer({
				script: [
					{ text: "The first part is done: ALPHA-7.", usage: usage(1, scenario.cacheWrites) },
					(request) => ({
						// The resumed run must carry the first run's conversation.
						text: JSON.stringify(request.body).includes("ALPHA-7") ? "Resumed with the history." : "No history!",
						usage: usage(2, scenario.cacheWrites),
					}),
				],
				side: scenario.side,
			});
			const workspace = tempDir(`${scenario.agent}-ws`);
			const storageDir = tempDir(`${scenario.agent}-storage`);
			try {
				const first = await driveShim(scenario, mock, { workspace, storageDir, prompt: "Do the first part." });
				expect(first.outcome).toBe("completed");
				const taskId = first.tracker.agentTaskId ?? "";
				const resumed = await driveShim(scenario, mock, { workspace, storageDir, prompt: "", resume: taskId });
				expect(resumed.outcome, JSON.stringify(resumed.events.slice(-5))).toBe("completed");
				const texts = resumed.events.flatMap((event) =>
					event.eventName === "message" && event.payload[0].message.say === "text"
						? [event.payload[0].message.text]
						: [],
				);
				expect(texts).toContain("Resumed with the history.");
				// The task's usage covers both runs.
				const served = mock.servedUsage();
				expect(resumed.tracker.tokens).toMatchObject({
					totalTokensIn: served.inputTokens,
					totalTokensOut: served.outputTokens,
				});
			} finally {
				await mock.close();
			}
		});
	});
}
