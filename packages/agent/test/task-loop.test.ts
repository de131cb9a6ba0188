import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScriptTurn, TaskEvent } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { nullLogger } from "../src/log.js";
import { ScriptedModel } from "../src/providers/offline/scripted.js";
import type { ResolvedModel } from "../src/providers/types.js";
import { Task, type TaskOptions } from "../src/task/task.js";
import { builtinTools } from "../src/tools/registry.js";
import { exercise, tempDir } from "./helpers/agent-process.js";

const PRICED = {
	contextWindow: 200_000,
	maxTokens: 8_192,
	inputPrice: 3,
	outputPrice: 15,
	cacheReadsPrice: 0.3,
	cacheWritesPrice: 3.75,
};

function setup(script: ScriptTurn[], overrides: Partial<TaskOptions> & { info?: ResolvedModel["info"] } = {}) {
	const { workspace } = exercise("leap");
	const events: TaskEvent[] = [];
	const model: ResolvedModel = {
		providerId: "scripted",
		modelId: "script",
		model: new ScriptedModel("script", { script }),
		info: overrides.info ?? PRICED,
	};
	const options: TaskOptions = {
		workspace,
		storageRoot: tempDir("storage"),
		settings: {},
		model,
		tools: builtinTools,
		emit: (event) => events.push(event),
		log: nullLogger,
		tokenUsageIntervalMs: 2_000,
		...overrides,
	};
	const task = Task.create(options, "do the thing");
	return { task, events, workspace, options };
}

const names = (events: TaskEvent[]) => events.map((e) => e.eventName);
const says = (events: TaskEvent[]) =>
	events.flatMap((e) =>
		e.eventName === "message" && e.payload[0].action === "created"
			? [e.payload[0].message.say ?? `ask:${e.payload[0].message.ask}`]
			: [],
	);
const completion = (events: TaskEvent[]) =>
	events.find((e) => e.eventName === "taskCompleted") as Extract<TaskEvent, { eventName: "taskCompleted" }> | undefined;

describe("task loop", () => {
	it("runs tools, counts usage and cost, and ends with taskCompleted", async () => {
		const { task, events } = setup([
			{
				text: "Reading.",
				toolCalls: [{ name: "read_file", input: { path: "leap.py" } }],
				usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 400 },
			},
			{
				toolCalls: [{ name: "attempt_completion", input: { result: "done" } }],
				usage: { inputTokens: 2000, outputTokens: 50, cacheWriteTokens: 500 },
			},
		]);
		expect(await task.start("do the thing")).toBe("completed");
		expect(names(events).slice(0, 2)).toEqual(["taskCreated", "taskStarted"]);
		expect(names(events).at(-1)).toBe("taskCompleted");
		const [, tokens, tools] = completion(events)?.payload ?? [];
		expect(tools).toEqual({
			read_file: { attempts: 1, failures: 0 },
			attempt_completion: { attempts: 1, failures: 0 },
		});
		expect(tokens).toMatchObject({
			totalTokensIn: 3000,
			totalTokensOut: 150,
			totalCacheReads: 400,
			totalCacheWrites: 500,
			contextTokens: 2050,
		});
		const expected = (600 * 3 + 400 * 0.3 + 100 * 15 + (1500 * 3 + 500 * 3.75 + 50 * 15)) / 1e6;
		expect(tokens?.totalCost).toBeCloseTo(expected, 10);
		expect(says(events)).toEqual(expect.arrayContaining(["text", "api_req_started", "ask:tool", "completion_result"]));
	});

	it("nudges a model that answers without a tool and stops at the mistake limit", async () => {
		const { task, events } = setup([{ text: "hmm" }, { text: "hmm" }, { text: "hmm" }, { text: "never reached" }]);
		expect(await task.start("x")).toBe("aborted");
		expect(names(events).at(-1)).toBe("taskAborted");
		expect(says(events)).toContain("ask:mistake_limit_reached");
		const errors = events.flatMap((e) =>
			e.eventName === "message" && e.payload[0].message.say === "error" ? [e.payload[0].message.text] : [],
		);
		expect(errors.at(-1)).toMatch(/3 consecutive mistakes/);
	});

	it("resets the mistake count after a successful tool call", async () => {
		const bad = { toolCalls: [{ name: "read_file", input: { path: "missing.py" } }] };
		const good = { toolCalls: [{ name: "read_file", input: { path: "leap.py" } }] };
		const { task, events } = setup([
			bad,
			bad,
			good,
			bad,
			bad,
			{ toolCalls: [{ name: "attempt_completion", input: { result: "ok" } }] },
		]);
		expect(await task.start("x")).toBe("completed");
		expect(events.filter((e) => e.eventName === "taskToolFailed")).toHaveLength(4);
		expect(completion(events)?.payload[2].read_file).toEqual({ attempts: 5, failures: 4 });
	});

	it("reports a Roo Code tool it does not offer as a tool failure", async () => {
		const { task, events } = setup([{ toolCalls: [{ name: "use_mcp_tool", input: {} }] }]);
		expect(await task.start("x")).toBe("completed");
		const failed = events.find((e) => e.eventName === "taskToolFailed");
		expect(failed?.payload.slice(1, 2)).toEqual(["use_mcp_tool"]);
		expect(failed?.payload[2]).toMatch(/Unknown tool "use_mcp_tool"/);
		expect(completion(events)?.payload[2].use_mcp_tool).toEqual({ attempts: 1, failures: 1 });
	});

	it("keeps a made-up tool name out of ToolUsage and taskToolFailed, where Roo Code rejects it", async () => {
		const teleport = { toolCalls: [{ name: "teleport", input: {} }] };
		const { task, events } = setup([teleport, teleport, teleport]);
		expect(await task.start("x")).toBe("aborted"); // still a mistake each time
		expect(events.filter((e) => e.eventName === "taskToolFailed")).toEqual([]);
		const errors = events.flatMap((e) =>
			e.eventName === "message" && e.payload[0].message.say === "error" ? [e.payload[0].message.text ?? ""] : [],
		);
		expect(errors.some((text) => /Unknown tool "teleport"/.test(text))).toBe(true);
		expect(task.usage.toolUsage).toEqual({});
	});

	it("retries a rate-limited call, honouring Retry-After, then goes on", async () => {
		const { task, events } = setup([
			{
				error: { status: 429, retryAfterSeconds: 0, times: 2 },
				toolCalls: [{ name: "attempt_completion", input: { result: "ok" } }],
			},
		]);
		expect(await task.start("x")).toBe("completed");
		expect(says(events).filter((s) => s === "api_req_retry_delayed")).toHaveLength(2);
	});

	it("ends as aborted with the provider's message on an error that must not be retried", async () => {
		const { task, events } = setup([{ error: "invalid x-api-key" }]);
		expect(await task.start("x")).toBe("aborted");
		const errors = events.flatMap((e) =>
			e.eventName === "message" && e.payload[0].message.say === "error" ? [e.payload[0].message.text] : [],
		);
		expect(errors).toContain("invalid x-api-key");
		expect(says(events)).not.toContain("api_req_retry_delayed");
	});

	it("cancels a slow model call at once", async () => {
		const { task, events } = setup([{ delayMs: 60_000, text: "too late" }]);
		const done = task.start("x");
		await new Promise((resolve) => setTimeout(resolve, 100));
		const began = Date.now();
		task.cancel();
		expect(await done).toBe("aborted");
		expect(Date.now() - began).toBeLessThan(1_000);
		expect(names(events).at(-1)).toBe("taskAborted");
	});

	it("cancels a running command at once, killing it", async () => {
		const { task, events } = setup([{ toolCalls: [{ name: "execute_command", input: { command: "sleep 60" } }] }]);
		const done = task.start("x");
		while (!says(events).includes("ask:command")) await new Promise((resolve) => setTimeout(resolve, 10));
		await new Promise((resolve) => setTimeout(resolve, 100));
		const began = Date.now();
		task.cancel();
		expect(await done).toBe("aborted");
		expect(Date.now() - began).toBeLessThan(3_000);
	});

	it("stops at the request limit", async () => {
		const read = { toolCalls: [{ name: "list_files", input: { path: "." } }] };
		const { task, events } = setup([read, read, read, read], { limits: { maxTurns: 2 } });
		expect(await task.start("x")).toBe("aborted");
		const errors = events.flatMap((e) =>
			e.eventName === "message" && e.payload[0].message.say === "error" ? [e.payload[0].message.text] : [],
		);
		expect(errors.at(-1)).toMatch(/after 2 model requests/);
	});

	it("delivers a queued user message with the next request, sending the queue on every change", async () => {
		const { task, options, events } = setup([
			{ delayMs: 200, toolCalls: [{ name: "list_files", input: { path: "." } }] },
			{ toolCalls: [{ name: "attempt_completion", input: { result: "ok" } }] },
		]);
		const done = task.start("x");
		const kept = task.queueMessage("also mind the century rule");
		const deleted = task.queueMessage("never mind", ["data:image/png;base64,AA=="]);
		expect(task.deleteQueuedMessage(deleted)).toBe(true);
		expect(task.deleteQueuedMessage(deleted)).toBe(false);
		expect(await done).toBe("completed");
		const history = readFileSync(
			join(options.storageRoot, "tasks", task.taskId, "api_conversation_history.json"),
			"utf8",
		);
		expect(history).toContain("also mind the century rule");
		expect(history).not.toContain("never mind");

		const queues = events.flatMap((e) => (e.eventName === "queuedMessagesUpdated" ? [e.payload] : []));
		expect(queues.map(([taskId]) => taskId)).toEqual(Array(4).fill(task.taskId));
		expect(queues.map(([, queue]) => queue.map((m) => m.text))).toEqual([
			["also mind the century rule"],
			["also mind the century rule", "never mind"],
			["also mind the century rule"],
			[], // taken into the next request
		]);
		expect(queues[1]?.[1][1]).toMatchObject({ id: deleted, images: ["data:image/png;base64,AA=="] });
		expect(queues[0]?.[1][0]).toMatchObject({ id: kept, timestamp: expect.any(Number) });
	});

	it("handles a huge model output", async () => {
		const big = "y".repeat(1_000_000);
		const { task, events } = setup([
			{ text: big, toolCalls: [{ name: "attempt_completion", input: { result: "ok" } }] },
		]);
		expect(await task.start("x")).toBe("completed");
		const texts = events.flatMap((e) =>
			e.eventName === "message" && e.payload[0].message.say === "text" ? [e.payload[0].message] : [],
		);
		expect(texts.at(-1)?.text?.length).toBe(1_000_000);
		expect(texts.at(-1)?.partial).toBe(false);
	});

	it("trims the conversation when it outgrows the context window", async () => {
		const read = { toolCalls: [{ name: "read_file", input: { path: "leap_test.py" } }] };
		const { task, events } = setup([read, read, read, read, read, read, read, read], {
			info: { contextWindow: 3_000, maxTokens: 100 },
			limits: { mistakeLimit: 0 },
		});
		expect(await task.start("x")).toBe("completed");
		expect(says(events)).toContain("condense_context");
	});
});
