import { describe, expect, it } from "vitest";
import type { ClineMessage, McpCall } from "../src/api/types.js";
import { buildTranscript, upsertMessage } from "../src/lib/transcript.js";

const say = (ts: number, kind: string, text?: string, extra: Partial<ClineMessage> = {}): ClineMessage => ({
	ts,
	type: "say",
	say: kind,
	text,
	...extra,
});
const ask = (ts: number, kind: string, text?: string): ClineMessage => ({ ts, type: "ask", ask: kind, text });

describe("buildTranscript", () => {
	it("renders each kind of message as its own item", () => {
		const items = buildTranscript([
			say(1, "api_req_started", JSON.stringify({ tokensIn: 1200, tokensOut: 80, cost: 0.004 })),
			say(2, "reasoning", "Think first"),
			say(3, "text", "I will run the tests."),
			ask(4, "tool", JSON.stringify({ tool: "readFile", path: "src/main.py", content: "print(1)" })),
			ask(5, "command", "pytest -q"),
			say(6, "command_output", "1 failed"),
			say(7, "command_output", "exit 1"),
			say(8, "error", "Boom"),
			say(9, "completion_result", "Done"),
			say(10, "mcp_server_request_started", JSON.stringify({ serverName: "docs", toolName: "search" })),
			say(11, "checkpoint_saved", "abc"),
		]);
		expect(items.map((item) => item.kind)).toEqual([
			"api",
			"reasoning",
			"text",
			"tool",
			"command",
			"error",
			"completion",
			"mcp",
		]);
		expect(items[0]).toMatchObject({ tokensIn: 1200, tokensOut: 80, cost: 0.004 });
		expect(items[3]).toMatchObject({ tool: "readFile", target: "src/main.py", body: "print(1)", bodyIsDiff: false });
		expect(items[4]).toMatchObject({ command: "pytest -q", output: "1 failed\nexit 1" });
		expect(items[7]).toMatchObject({ title: "MCP request: docs · search" });
	});

	it("marks tool diffs and shows other tool fields as JSON", () => {
		const [diff, other] = buildTranscript([
			ask(1, "tool", JSON.stringify({ tool: "appliedDiff", path: "a.py", diff: "-x\n+y" })),
			ask(2, "tool", JSON.stringify({ tool: "searchFiles", regex: "TODO", filePattern: "*.py" })),
		]);
		expect(diff).toMatchObject({ bodyIsDiff: true, body: "-x\n+y" });
		expect(other).toMatchObject({ target: "TODO" });
		expect(other?.kind === "tool" && JSON.parse(other.body)).toEqual({ regex: "TODO", filePattern: "*.py" });
	});

	it("shows the opening text as the task prompt, not as the model's words", () => {
		const items = buildTranscript([say(1, "text", "Implement roman numerals."), say(2, "text", "On it.")]);
		expect(items).toMatchObject([
			{ kind: "task", text: "Implement roman numerals." },
			{ kind: "text", text: "On it." },
		]);
	});

	it("keeps unknown kinds and bad JSON visible instead of dropping them", () => {
		const items = buildTranscript([say(1, "brand_new_kind", "hello"), ask(2, "tool", "not json")]);
		expect(items[0]).toMatchObject({ kind: "other", label: "brand new kind", text: "hello" });
		expect(items[1]).toMatchObject({ kind: "tool", body: "not json" });
	});

	it("parses follow-up questions with suggestions", () => {
		const [item] = buildTranscript([
			ask(1, "followup", JSON.stringify({ question: "Which?", suggest: [{ answer: "A" }, "B"] })),
		]);
		expect(item).toMatchObject({ kind: "question", text: "Which?", options: ["A", "B"] });
	});
});

describe("upsertMessage", () => {
	it("replaces a streamed message by ts and keeps time order for late arrivals", () => {
		const first = say(1, "text", "Hel", { partial: true });
		const grown = say(1, "text", "Hello", { partial: false });
		let messages = upsertMessage([], first);
		messages = upsertMessage(messages, say(3, "text", "later"));
		messages = upsertMessage(messages, grown);
		messages = upsertMessage(messages, say(2, "text", "between"));
		expect(messages.map((m) => m.text)).toEqual(["Hello", "between", "later"]);
	});
});

describe("MCP calls in the transcript", () => {
	const use = JSON.stringify({ type: "use_mcp_tool", serverName: "docs", toolName: "search", arguments: "{}" });
	const messages: ClineMessage[] = [
		{ ts: 10, type: "ask", ask: "use_mcp_server", text: use },
		{ ts: 11, type: "say", say: "mcp_server_request_started", text: "" },
		{ ts: 12, type: "say", say: "mcp_server_response", text: "3 pages" },
		{ ts: 20, type: "ask", ask: "use_mcp_server", text: use },
		{ ts: 21, type: "say", say: "mcp_server_request_started", text: "" },
		{ ts: 22, type: "say", say: "mcp_server_response", text: "Error:\nno answer" },
	];
	const call = (messageTs: number, extra: Partial<McpCall> = {}): McpCall => ({
		stepNumber: 1,
		server: "docs",
		kind: "tool",
		name: "search",
		request: {},
		requestSize: 2,
		response: null,
		responseSize: 1_234,
		durationMs: 250,
		error: null,
		timedOut: false,
		messageTs,
		...extra,
	});

	it("shows the call, not Roo Code's empty 'started' message, and each response with its timing and size", () => {
		const items = buildTranscript(messages, [
			call(12),
			call(22, { error: "timed out", timedOut: true, durationMs: 5_000 }),
		]);
		expect(items.map((item) => (item.kind === "mcp" ? [item.title, item.meta, item.failed] : item.kind))).toEqual([
			["MCP call: docs · search", null, false],
			["MCP response", "250 ms · 1.2 kB", false],
			["MCP call: docs · search", null, false],
			["MCP error", "timed out · 5 s · 1.2 kB", true],
		]);
	});

	it("still marks a failed response without recorded calls (a transcript from elsewhere)", () => {
		const items = buildTranscript(messages);
		expect(items.filter((item) => item.kind === "mcp" && item.failed)).toHaveLength(1);
	});
});
