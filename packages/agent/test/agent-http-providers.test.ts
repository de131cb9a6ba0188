import { readFileSync } from "node:fs";
import type { TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { type MockLlmServer, startMockLlmServer } from "../src/testing/index.js";
import {
	connect,
	exercise,
	isTaskEnd,
	messagesOf,
	type RunningAgent,
	startAgent,
	waitForEvent,
} from "./helpers/agent-process.js";

// The whole agent process against the mock LLM server, through the real provider packages:
// tool calling, usage and cost, a 429 retry and a missing key.
const PROVIDERS = [
	{
		name: "openai-compatible",
		settings: (url: string) => ({
			apiProvider: "openai-compatible",
			openAiBaseUrl: `${url}/v1`,
			openAiApiKey: "sk-test-123456789",
			apiModelId: "mock-model",
			modelInfo: { contextWindow: 32_000, maxTokens: 4_096, inputPrice: 1, outputPrice: 2 },
		}),
	},
	{
		name: "openai",
		settings: (url: string) => ({
			apiProvider: "openai",
			openAiBaseUrl: `${url}/v1`,
			openAiApiKey: "sk-test-123456789",
			openAiModelId: "gpt-4o-mini",
		}),
	},
	{
		name: "anthropic",
		settings: (url: string) => ({
			apiProvider: "anthropic",
			anthropicBaseUrl: url,
			apiKey: "sk-ant-test-123456789",
			apiModelId: "claude-sonnet-4-5",
		}),
	},
	{
		name: "openrouter",
		settings: (url: string) => ({
			apiProvider: "openrouter",
			openRouterBaseUrl: `${url}/api/v1`,
			openRouterApiKey: "sk-or-test-123456789",
			openRouterModelId: "anthropic/claude-sonnet-4",
		}),
	},
] as const;

let server: MockLlmServer | undefined;
const agents: RunningAgent[] = [];
afterEach(async () => {
	for (const agent of agents.splice(0)) {
		agent.child.kill("SIGKILL");
		await agent.exited;
	}
	await server?.close();
	server = undefined;
});

describe.each(PROVIDERS)("evals-agent with the $name provider", ({ name, settings }) => {
	it("holds a tool-calling conversation, retries a 429 and reports usage and cost", async () => {
		server = await startMockLlmServer({
			script: [
				{ error: { status: 429, message: "slow down", retryAfterSeconds: 1 } },
				{
					text: "Let me read the stub.",
					toolCalls: [{ name: "read_file", input: { path: "leap.py" } }],
					usage: { inputTokens: 1_000, outputTokens: 40, cacheReadTokens: 200, cost: 0.0123 },
				},
				{
					toolCalls: [{ name: "attempt_completion", input: { result: "read it" } }],
					usage: { inputTokens: 1_500, outputTokens: 20 },
				},
			],
		});
		const { workspace } = exercise("leap");
		const agent = startAgent({ workspace });
		agents.push(agent);
		const { client, events } = await connect(agent.socket);
		const began = Date.now();
		client.sendCommand({
			commandName: "StartNewTask",
			data: { configuration: settings(server.url), text: "Read leap.py, then finish." },
		});
		const end = await waitForEvent(events, isTaskEnd, 30_000, "the end of the task");
		expect(end.eventName, JSON.stringify(messagesOf(events).filter((m) => m.message.say === "error"))).toBe(
			"taskCompleted",
		);
		expect(Date.now() - began).toBeGreaterThanOrEqual(900); // Retry-After: 1 was honoured

		const [, tokens, tools] = (end as Extract<TaskEvent, { eventName: "taskCompleted" }>).payload;
		expect(tools).toEqual({
			read_file: { attempts: 1, failures: 0 },
			attempt_completion: { attempts: 1, failures: 0 },
		});
		expect(tokens.totalTokensIn).toBe(2_500);
		expect(tokens.totalTokensOut).toBe(60);
		expect(tokens.totalCacheReads).toBe(200);
		expect(tokens.totalCost).toBeGreaterThan(0);
		if (name === "openrouter") expect(tokens.totalCost).toBeGreaterThanOrEqual(0.0123); // the provider's own figure

		expect(messagesOf(events).some((m) => m.message.say === "api_req_retry_delayed")).toBe(true);
		// The second request carried the tool result back to the model.
		const modelRequests = server.requests.filter((r) => r.method === "POST");
		expect(modelRequests).toHaveLength(3);
		expect(JSON.stringify(modelRequests[2]?.body)).toContain("is_leap_year");
		// Keys never reach the agent's log or task files.
		const log = readFileSync(`${agent.storage}/logs/evals-agent.log`, "utf8");
		expect(log).not.toMatch(/test-123456789/);
		const taskId = (events[0] as Extract<TaskEvent, { eventName: "taskCreated" }>).payload[0];
		expect(readFileSync(`${agent.storage}/tasks/${taskId}/task_metadata.json`, "utf8")).not.toMatch(/test-123456789/);
	});

	it("refuses to start without a key, saying which setting or variable to set", async () => {
		server = await startMockLlmServer({
			script: [{ toolCalls: [{ name: "attempt_completion", input: { result: "x" } }] }],
		});
		const { workspace } = exercise("leap");
		const agent = startAgent({ workspace });
		agents.push(agent);
		const { client, events } = await connect(agent.socket);
		const keyless = Object.fromEntries(Object.entries(settings(server.url)).filter(([key]) => !/Key$/.test(key)));
		client.sendCommand({ commandName: "StartNewTask", data: { configuration: keyless, text: "x" } });
		const end = await waitForEvent(events, isTaskEnd, 10_000, "the refusal");
		expect(end.eventName).toBe("taskAborted");
		const error = messagesOf(events).find((m) => m.message.say === "error")?.message.text ?? "";
		if (name === "openai-compatible") {
			// Local OpenAI-style servers often need no key, so the server's 401 is what the user sees.
			expect(error).toMatch(/401|Unauthorized|API key/i);
		} else {
			expect(error).toMatch(/Missing API key for provider/);
		}
	});
});
