import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { runCli, said } from "./helpers/cli.js";
import { RUNNER_SUITE } from "./helpers/runner.js";

/*
 * Evaluating MCP servers as a user does: `evals run --mcp-config` with real servers from npm
 * (server-everything and server-memory), a server that does not start, and one whose call times
 * out, driven by the scripted model through the real agent. The four MCP tables must tell what
 * happened, for any server.
 */

const resolve = createRequire(import.meta.url).resolve;
const EVERYTHING = resolve("@modelcontextprotocol/server-everything/dist/index.js");
const MEMORY = resolve("@modelcontextprotocol/server-memory/dist/index.js");
const SECRET = "sk-literal-do-not-store-4242";
// The config's own variable syntax, kept as written in the stored config.
// biome-ignore lint/suspicious/noTemplateCurlyInString: not a template, an mcp.json variable
const HOME_REFERENCE = "${env:HOME}";

const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
	temps.push(dir);
	return dir;
}
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

const call = (server: string, tool: string, args: Record<string, unknown>) => ({
	toolCalls: [{ name: "use_mcp_tool", input: { server_name: server, tool_name: tool, arguments: args } }],
});

let home: string;
let files: { config: string; settings: string };
beforeAll(async () => {
	home = await tempDir("evals-mcp-home-");
	const dir = await tempDir("evals-mcp-files-");
	const config = {
		mcpServers: {
			everything: { command: process.execPath, args: [EVERYTHING, "stdio"] },
			memory: {
				command: process.execPath,
				args: [MEMORY],
				env: { MEMORY_FILE_PATH: path.join(dir, "memory.jsonl"), MEMORY_API_TOKEN: SECRET, HOME_DIR: HOME_REFERENCE },
			},
			// Long enough to start on a busy machine, short against the 30 s operation below.
			slow: { command: process.execPath, args: [EVERYTHING, "stdio"], timeout: 5 },
			broken: { command: path.join(dir, "no-such-server") },
			unused: { command: process.execPath, args: [EVERYTHING, "stdio"] },
		},
	};
	// Failures between successes: the agent gives up after three mistakes in a row.
	const script = [
		call("everything", "echo", { message: "hello from the eval" }),
		call("everything", "get-sum", { a: "not a number" }),
		call("memory", "create_entities", {
			entities: [{ name: "adder", entityType: "module", observations: ["adds two numbers"] }],
		}),
		call("slow", "trigger-long-running-operation", { duration: 30, steps: 5 }),
		call("memory", "read_graph", {}),
		call("broken", "anything", {}),
		{
			toolCalls: [
				{
					name: "access_mcp_resource",
					input: { server_name: "everything", uri: "demo://resource/static/document/architecture.md" },
				},
			],
		},
		{
			toolCalls: [
				{
					name: "write_to_file",
					input: { path: "adder.py", content: "def add(a, b):\n    return a + b\n", line_count: 2 },
				},
			],
		},
	];
	files = { config: path.join(dir, "mcp.json"), settings: path.join(dir, "settings.json") };
	await writeFile(files.config, JSON.stringify(config));
	await writeFile(files.settings, JSON.stringify({ script }));
});

const run = (extra: string[]) =>
	runCli(
		[
			"run",
			"--json",
			"--suite",
			RUNNER_SUITE,
			"-x",
			"python/adder",
			"-m",
			"scripted",
			"--settings",
			files.settings,
			"--mcp-config",
			files.config,
			"--mcp-server",
			"everything,memory,slow,broken",
			"--user-intent",
			"remember facts about the code and echo things",
			...extra,
		],
		{ home, timeoutMs: 120_000 },
	);

describe("evals run with MCP servers", () => {
	it("fills the four MCP tables from a real run, for every server, with errors and a timeout", async () => {
		const result = await run([]);
		expect(result.code, said(result)).toBe(0);
		const report = JSON.parse(result.stdout) as { runId: number; passed: number };
		expect(report.passed, result.stdout).toBe(1);

		const database = await openDatabase({ evalsHome: home });
		try {
			const store = new Store(database);
			const stored = await store.runs.get(report.runId);
			expect(stored).toMatchObject({
				mcpServer: "everything,memory,slow,broken",
				userIntent: "remember facts about the code and echo things",
			});
			// The literal secret is masked; the ${env:...} reference is kept as written.
			expect(JSON.stringify(stored?.mcpConfig)).not.toContain(SECRET);
			expect(stored?.mcpConfig).toMatchObject({
				memory: { env: { MEMORY_API_TOKEN: "***", HOME_DIR: HOME_REFERENCE } },
			});
			expect(Object.keys(stored?.mcpConfig ?? {})).not.toContain("unused");

			const [task] = await store.tasks.list(report.runId);
			const [benchmark] = await store.mcp.benchmarks(report.runId);
			expect(benchmark).toMatchObject({
				taskId: task?.id,
				mcpServerName: "everything,memory,slow,broken",
				userIntent: "remember facts about the code and echo things",
				mcpCallCount: 7,
				errorCount: 3,
				codeExecutionSuccess: true,
			});
			// Eight scripted turns, then the model's completion: one model request each.
			expect(benchmark?.totalSteps).toBe(9);

			const calls = await store.mcp.taskCalls(task?.id ?? -1);
			expect(calls.map((c) => [c.stepNumber, c.serverName, c.kind, c.toolName ?? c.uri])).toEqual([
				[1, "everything", "tool", "echo"],
				[2, "everything", "tool", "get-sum"],
				[3, "memory", "tool", "create_entities"],
				[4, "slow", "tool", "trigger-long-running-operation"],
				[5, "memory", "tool", "read_graph"],
				[6, "broken", "tool", "anything"],
				[7, "everything", "resource", "demo://resource/static/document/architecture.md"],
			]);
			const [echo, sum, create, slow, graph, broken, resource] = calls;
			expect(echo).toMatchObject({ request: { message: "hello from the eval" }, errorMessage: null, timedOut: false });
			expect(echo?.response?.text).toContain("Echo: hello from the eval");
			expect(echo?.responseSize).toBeGreaterThan(0);
			expect(echo?.durationMs).toEqual(expect.any(Number));
			expect(echo?.messageTs).toEqual(expect.any(Number));
			expect(echo).toMatchObject({ source: "settings", timeoutMs: 60_000 });
			expect(create?.errorMessage).toBeNull();
			expect(graph?.response?.text, JSON.stringify(calls, null, 1)).toContain("adds two numbers");
			expect(sum?.errorMessage).toBeTruthy();
			expect(slow, slow?.errorMessage ?? "").toMatchObject({ timedOut: true, timeoutMs: 5_000 });
			expect(slow?.errorMessage).toMatch(/did not answer within 5 s/);
			expect(broken?.errorMessage).toMatch(/broken/);
			expect(resource).toMatchObject({ request: { uri: "demo://resource/static/document/architecture.md" } });
			expect(resource?.errorMessage).toBeNull();

			const connections = await store.mcp.connectionEvents(report.runId);
			const byServer = (server: string) =>
				connections.filter((event) => event.serverName === server).map((event) => event.eventType);
			expect(byServer("everything")).toEqual(["start", "established"]);
			expect(byServer("memory")).toEqual(["start", "established"]);
			expect(byServer("broken")).toContain("error");
			// Only the run's servers reach the agent.
			expect(byServer("unused")).toEqual([]);
			expect(connections.every((event) => event.taskId === task?.id)).toBe(true);

			const resources = await store.mcp.resourceEvents(report.runId);
			expect(resources.map((event) => [event.serverName, event.eventType])).toEqual([
				["everything", "start"],
				["everything", "success"],
			]);
			expect(resources[1]?.responseSize).toBeGreaterThan(0);

			const stats = await store.mcp.serverStats(report.runId);
			const everything = stats.find((s) => s.server === "everything");
			expect(everything).toMatchObject({ calls: 3, errors: 1, timeouts: 0 });
			expect(everything?.p50Ms).toEqual(expect.any(Number));
			expect(stats.find((s) => s.server === "slow")).toMatchObject({ calls: 1, timeouts: 1, errorRate: 1 });
			expect(stats.find((s) => s.server === "broken")?.connectionFailures).toBeGreaterThan(0);

			// The drawer's view of the task: each call with its timing and size, joined to the transcript.
			const detail = await store.tasks.detail(task?.id ?? -1);
			expect(detail?.mcpCalls.map((c) => [c.server, c.name, c.error === null])).toEqual(
				calls.map((c) => [c.serverName, c.toolName ?? c.uri, c.errorMessage === null]),
			);
			const responseTs = new Set(detail?.messages.filter((m) => m.say === "mcp_server_response").map((m) => m.ts));
			expect(detail?.mcpCalls.filter((c) => c.messageTs !== null && responseTs.has(c.messageTs))).toHaveLength(7);
		} finally {
			await database.close();
		}

		const shown = await runCli(["show", String(report.runId), "--mcp"], { home });
		expect(shown.code, said(shown)).toBe(0);
		expect(shown.stdout).toMatch(/^MCP servers$/m);
		expect(shown.stdout).toMatch(/^everything\s+3\s+1 \(/m);
		expect(shown.stdout).toMatch(/^slow\s+1\s+1 \(100\.0%\)\s+1\s/m);
		expect(shown.stdout).toMatch(/^python\/adder\s+9\s+7\s+3\s+passed$/m);
	}, 180_000);

	it("refuses a bad MCP config, an unknown server, and a key in the settings, in one line each", async () => {
		const cases: Array<[string[], RegExp]> = [
			[
				["--mcp-server", "nope"],
				/^evals: There is no MCP server "nope" in the config; it has: everything, memory, slow, broken, unused\.$/m,
			],
			[
				["--mcp-config", "/nonexistent/mcp.json"],
				/^evals: Cannot read the MCP config \/nonexistent\/mcp\.json: no such file\.$/m,
			],
			[
				["--set", "apiKey=sk-123"],
				/^evals: --set: "apiKey" looks like a secret and is not taken from run settings: put it in the environment as ANTHROPIC_API_KEY\.$/m,
			],
			[["--set", "modelTemperature=7"], /^evals: --set: modelTemperature: /m],
		];
		for (const [extra, message] of cases) {
			const result = await runCli(
				["run", "--suite", RUNNER_SUITE, "-m", "scripted", "--mcp-config", files.config, ...extra],
				{ home },
			);
			expect(result.code, said(result)).toBe(2);
			expect(result.stderr).toMatch(message);
			expect(result.stderr).not.toMatch(/^ {4}at /m);
		}
		const orphan = await runCli(["run", "--mcp-server", "x"], { home });
		expect(orphan.code).toBe(2);
		expect(orphan.stderr).toMatch(/--mcp-server needs --mcp-config FILE/);
	}, 90_000);
});
