import type { ClineMessage } from "@agent-evals/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { McpRecorder } from "../src/mcp/recorder.js";
import { RunNotes } from "../src/run/run-notes.js";

/*
 * The recorder for an agent that sends no telemetry of ours (Roo Code): everything it stores comes
 * from the transcript, as Roo Code's UseMcpToolTool and accessMcpResourceTool write it.
 */

let database: Database;
let store: Store;
beforeAll(async () => {
	database = await openDatabase({ databaseUrl: "memory://" });
	store = new Store(database);
}, 120_000);
afterAll(async () => {
	await database.close();
});

let clock = 1_000;
/** Messages 100 ms apart. */
function nextTs(): number {
	clock += 100;
	return clock;
}
const say = (kind: string, text = "", extra: Partial<ClineMessage> = {}): ClineMessage => ({
	ts: nextTs(),
	type: "say",
	say: kind,
	text,
	...extra,
});
const ask = (kind: string, text: string): ClineMessage => ({ ts: nextTs(), type: "ask", ask: kind, text });
const use = (body: Record<string, unknown>) => ask("use_mcp_server", JSON.stringify(body));

describe("McpRecorder from a Roo Code transcript", () => {
	it("pairs request, start and response into calls with steps, durations, sizes and errors", async () => {
		const run = await store.runs.create({ model: "openai:x", suite: "s", agent: "roo-code", mcpServer: "docs" });
		const [task] = await store.tasks.create(run.id, [{ language: "go", exercise: "e", iteration: 1 }]);
		if (!task) throw new Error("no task");
		const notes = new RunNotes(run.id, () => {});
		const recorder = new McpRecorder(store, notes, {
			runId: run.id,
			taskId: task.id,
			servers: "docs",
			userIntent: null,
		});
		await recorder.begin();

		const messages: ClineMessage[] = [
			say("api_req_started", "{}"),
			use({ type: "use_mcp_tool", serverName: "docs", toolName: "search", arguments: '{"q":"sort"}' }),
			say("mcp_server_request_started"),
			// A streaming update of the response: only the final version counts.
			say("mcp_server_response", "partial", { partial: true }),
			say("mcp_server_response", "Found 3 pages about sorting"),
			say("api_req_started", "{}"),
			use({ type: "access_mcp_resource", serverName: "docs", uri: "docs://guide" }),
			say("mcp_server_request_started"),
			say("mcp_server_response", "Error:\nresource docs://guide not found"),
			say("api_req_started", "{}"),
			// Refused before it started: no request_started, an error instead.
			use({ type: "use_mcp_tool", serverName: "nope", toolName: "x", arguments: "{}" }),
			say("error", "MCP server nope is not available"),
		];
		for (const message of messages) recorder.message(message);
		// The same final message seen twice (created, then updated unchanged) is one call.
		recorder.message(messages[4] as ClineMessage);
		await recorder.finish(false);

		const calls = await store.mcp.taskCalls(task.id);
		expect(calls.map((c) => [c.stepNumber, c.serverName, c.kind, c.toolName ?? c.uri, c.errorMessage])).toEqual([
			[1, "docs", "tool", "search", null],
			[2, "docs", "resource", "docs://guide", "Error: resource docs://guide not found"],
			[3, "nope", "tool", "x", "MCP server nope is not available"],
		]);
		expect(calls[0]).toMatchObject({
			request: { q: "sort" },
			requestSize: 12, // {"q":"sort"}
			response: { text: "Found 3 pages about sorting" },
			responseSize: 27,
			durationMs: 200,
		});
		expect(await store.mcp.benchmarks(run.id)).toMatchObject([
			{ taskId: task.id, totalSteps: 3, mcpCallCount: 3, errorCount: 2, codeExecutionSuccess: false },
		]);
		expect(notes.list()).toEqual([]);
	});

	it("makes no benchmark row for a task that never used MCP in a run without servers", async () => {
		const run = await store.runs.create({ model: "openai:x", suite: "s" });
		const [task] = await store.tasks.create(run.id, [{ language: "go", exercise: "e", iteration: 1 }]);
		if (!task) throw new Error("no task");
		const recorder = new McpRecorder(store, new RunNotes(run.id, () => {}), {
			runId: run.id,
			taskId: task.id,
			servers: null,
			userIntent: null,
		});
		await recorder.begin();
		recorder.message(say("api_req_started", "{}"));
		await recorder.finish(true);
		expect(await store.mcp.benchmarks(run.id)).toEqual([]);
	});
});
