import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { agentsDir, readInstalled } from "@agent-evals/agent/agents-cache";
import { findCliAgent } from "@agent-evals/agent/shim";
import {
	type MockLlmServer,
	type MockScriptItem,
	type MockTurn,
	type RecordedRequest,
	startMockLlmServer,
} from "@agent-evals/agent/testing";
import type { TaskEvent, ToolUsage } from "@agent-evals/types";
import { expect } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import { driveTask, shortSocketPath, startAgentSession, TaskTracker } from "../../src/run/agent-session.js";
import { CliAgentAdapter } from "../../src/run/agents/cli-agent.js";
import { REPO_ROOT, runCli, said } from "./cli.js";
import { tempDir } from "./runner.js";

/*
 * What the CLI-agent tests share: each CLI's way of writing a file and running a command as
 * mock model turns, the smoke exercise's reference solution, and the checks every adapter must
 * pass (solve through `evals run`, a scripted failure, a timeout, a cancel, a resume).
 */

export const EXERCISE = "python/roman-numerals";
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
	/** Our names of the tools `write` and `run` use, as the task's tool usage must show them. */
	writeTool: string;
	/** Answers a CLI's calls of its own (titles), outside the script. */
	side?: (request: RecordedRequest) => MockTurn | undefined;
	/** Whether the CLI passes cache writes through (Anthropic's format has them). */
	cacheWrites?: boolean;
	/** Expected cost of the served usage; default: the prices in `settings`'s modelInfo. */
	cost?: (usage: ReturnType<MockLlmServer["servedUsage"]>) => number;
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

/** Whether the CLI is in the agents cache, and the skip reason (with the install command) when not. */
export async function availability(agent: string): Promise<{ installed: boolean; title: string }> {
	const installed = Boolean(await readInstalled(agent));
	return {
		installed,
		title: installed
			? agent
			: `${agent} — skipped: not in the agents cache (${agentsDir()}); install it with \`npx evals agents install ${agent}\``,
	};
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
export function transcript(detail: { messages: { type: string; say?: string; ask?: string; text?: string }[] } | undefined) {
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

/** Processes whose command line holds `marker` (a command a CLI ran), from /proc. */
export async function processesWith(marker: string): Promise<number[]> {
	const found: number[] = [];
	for (const name of await readdir("/proc")) {
		if (!/^\d+$/.test(name)) continue;
		const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
		const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
		const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
		if (cmdline.replaceAll("\0", " ").includes(marker) && state !== "Z") found.push(Number(name));
	}
	return found;
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
	const session = await startAgentSession(
		adapter,
		{
			workspace: options.workspace,
			socketPath: shortSocketPath(),
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
	if (options.resume) {
		session.ipc.sendCommand({ commandName: "ResumeTask", data: options.resume });
	}
	const outcome = options.resume
		? await waitResumed(session, tracker, options.timeoutMs ?? 120_000)
		: await driveTask(session, tracker, {
				context: { taskId: 1, runId: 1 },
				settings,
				prompt: options.prompt,
				timeoutMs: options.timeoutMs ?? 120_000,
				signal,
			});
	return { outcome, events, tracker, session };
}

async function waitResumed(
	session: Awaited<ReturnType<typeof startAgentSession>>,
	tracker: TaskTracker,
	timeoutMs: number,
): Promise<string> {
	const timer = new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
	const outcome = await Promise.race([tracker.ended, timer]);
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
