import type { Settings } from "@agent-evals/types";
import { APICallError } from "@ai-sdk/provider";
import { generateText, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { costOf } from "../src/providers/cost.js";
import { resolveModel } from "../src/providers/registry.js";
import { type RetryInfo, withRetries } from "../src/providers/retry.js";
import { collectStream } from "../src/providers/stream.js";
import { ProviderConfigError, type ResolvedModel } from "../src/providers/types.js";
import { type MockLlmServer, startMockLlmServer } from "../src/testing/index.js";

let server: MockLlmServer;

beforeAll(async () => {
	server = await startMockLlmServer({ script: [] });
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.requests.length = 0;
	server.setScript([]);
});

interface ProviderCase {
	name: string;
	settings: (url: string) => Settings;
	/** Path the provider posts to, given the base URL above. */
	path: string;
	/** Whether the provider passes cache writes through (the generic OpenAI-compatible one does not). */
	reportsCacheWrites: boolean;
	/** Whether the provider surfaces reasoning from this wire format. */
	reportsReasoning: boolean;
	authHeader: "authorization" | "x-api-key" | "x-goog-api-key";
}

const KEY = "test-key-123";

const providerCases: ProviderCase[] = [
	{
		name: "openai-compatible",
		settings: (url) => ({
			apiProvider: "openai-compatible",
			openAiBaseUrl: `${url}/v1`,
			openAiApiKey: KEY,
			openAiModelId: "mock-model",
			modelInfo: { inputPrice: 1, outputPrice: 2, cacheReadsPrice: 0.1 },
		}),
		path: "/v1/chat/completions",
		reportsCacheWrites: false,
		reportsReasoning: true,
		authHeader: "authorization",
	},
	{
		name: "openai",
		settings: (url) => ({
			apiProvider: "openai",
			openAiBaseUrl: `${url}/v1`,
			openAiApiKey: KEY,
			openAiModelId: "gpt-4.1",
		}),
		path: "/v1/chat/completions",
		reportsCacheWrites: true,
		reportsReasoning: false,
		authHeader: "authorization",
	},
	{
		name: "anthropic",
		// Roo Code style: the base URL without /v1.
		settings: (url) => ({
			apiProvider: "anthropic",
			apiKey: KEY,
			anthropicBaseUrl: url,
			apiModelId: "claude-sonnet-4-5",
		}),
		path: "/v1/messages",
		reportsCacheWrites: true,
		reportsReasoning: true,
		authHeader: "x-api-key",
	},
	{
		name: "openrouter",
		settings: (url) => ({
			apiProvider: "openrouter",
			openRouterApiKey: KEY,
			openRouterBaseUrl: `${url}/api/v1`,
			openRouterModelId: "anthropic/claude-sonnet-4.5",
		}),
		path: "/api/v1/chat/completions",
		reportsCacheWrites: true,
		reportsReasoning: true,
		authHeader: "authorization",
	},
	{
		// The Responses API (what Codex CLI speaks), through the AI SDK's own client of it.
		name: "openai-native",
		settings: (url) => ({
			apiProvider: "openai-native",
			openAiNativeApiKey: KEY,
			openAiNativeBaseUrl: `${url}/v1`,
			apiModelId: "gpt-5.1",
		}),
		path: "/v1/responses",
		reportsCacheWrites: false,
		reportsReasoning: true,
		authHeader: "authorization",
	},
	{
		// Google's Gemini API (what Gemini CLI speaks).
		name: "gemini",
		settings: (url) => ({
			apiProvider: "gemini",
			geminiApiKey: KEY,
			googleGeminiBaseUrl: url,
			apiModelId: "gemini-2.5-pro",
		}),
		path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
		reportsCacheWrites: false,
		reportsReasoning: true,
		authHeader: "x-goog-api-key",
	},
];

const tools = {
	read_file: tool({
		description: "Read a file from the workspace.",
		inputSchema: z.object({ path: z.string(), start_line: z.number().optional() }),
	}),
};

function stream(resolved: ResolvedModel, withTools = false) {
	return streamText({
		model: resolved.model,
		prompt: "Say something.",
		tools: withTools ? tools : undefined,
		// Only withRetries retries, so a test sees every attempt.
		maxRetries: 0,
		onError: () => {},
	});
}

function bodyOf(index: number): Record<string, unknown> {
	const body = server.requests[index]?.body;
	expect(body).toBeTypeOf("object");
	return body as Record<string, unknown>;
}

describe.each(providerCases)("$name through the mock server", (c) => {
	const resolve = () => resolveModel(c.settings(server.url), {});

	it("streams a text reply", async () => {
		server.setScript([{ text: "Hello from the mock LLM.", reasoning: "Thinking it over." }]);
		const turn = await collectStream(stream(resolve()));
		expect(turn.text).toBe("Hello from the mock LLM.");
		expect(turn.reasoning).toBe(c.reportsReasoning ? "Thinking it over." : "");
		expect(turn.finishReason).toBe("stop");
		expect(server.requests).toHaveLength(1);
		const request = server.requests[0];
		expect(request?.method).toBe("POST");
		expect(request?.path).toBe(c.path);
		expect(request?.headers[c.authHeader]).toContain(KEY);
		// Google's API says "stream" in the path (the method), the others in the body.
		expect(c.name === "gemini" ? request?.path.includes(":streamGenerateContent") : bodyOf(0).stream).toBe(true);
	});

	it("streams a tool call split over several chunks", async () => {
		const input = { path: "src/deeply/nested/module.ts", start_line: 12 };
		server.setScript([{ text: "Let me read it.", toolCalls: [{ name: "read_file", input }] }]);
		const turn = await collectStream(stream(resolve(), true));
		expect(turn.text).toBe("Let me read it.");
		expect(turn.toolCalls).toHaveLength(1);
		expect(turn.toolCalls[0]).toMatchObject({ toolName: "read_file", input });
		expect(turn.finishReason).toBe("tool-calls");
		expect(JSON.stringify(bodyOf(0).tools)).toContain("read_file");
	});

	it("reports usage with cache tokens, and its cost", async () => {
		const usage = { inputTokens: 10_000, outputTokens: 800, cacheReadTokens: 6_000, cacheWriteTokens: 1_000 };
		server.setScript([{ text: "Counted.", usage: { ...usage, cost: 0.0123 } }]);
		const resolved = resolve();
		const turn = await collectStream(stream(resolved));
		const cacheWriteTokens = c.reportsCacheWrites ? usage.cacheWriteTokens : 0;
		expect(turn.usage).toMatchObject({
			inputTokens: usage.inputTokens,
			outputTokens: usage.outputTokens,
			cacheReadTokens: usage.cacheReadTokens,
			cacheWriteTokens,
		});
		const {
			inputPrice = 0,
			outputPrice = 0,
			cacheReadsPrice = inputPrice,
			cacheWritesPrice = inputPrice,
		} = resolved.info;
		const computed =
			((usage.inputTokens - usage.cacheReadTokens - cacheWriteTokens) * inputPrice +
				cacheWriteTokens * cacheWritesPrice +
				usage.cacheReadTokens * cacheReadsPrice +
				usage.outputTokens * outputPrice) /
			1e6;
		if (c.name === "openrouter") {
			// OpenRouter bills in USD and says so; that wins over the table.
			expect(turn.usage.reportedCost).toBe(0.0123);
			expect(costOf(turn.usage, resolved.info)).toBe(0.0123);
		} else {
			expect(turn.usage.reportedCost).toBeUndefined();
			expect(computed).toBeGreaterThan(0);
			expect(costOf(turn.usage, resolved.info)).toBeCloseTo(computed, 12);
		}
	});

	it("answers without streaming too", async () => {
		server.setScript([{ text: "Not streamed.", toolCalls: [{ name: "read_file", input: { path: "a.ts" } }] }]);
		const result = await generateText({ model: resolve().model, prompt: "hi", tools, maxRetries: 0 });
		expect(result.text).toBe("Not streamed.");
		expect(result.toolCalls[0]).toMatchObject({ toolName: "read_file", input: { path: "a.ts" } });
		expect(bodyOf(0).stream).not.toBe(true);
		expect(server.requests[0]?.path).not.toContain("stream");
	});

	it("waits as Retry-After says after a 429, then succeeds", async () => {
		server.setScript([
			{ error: { status: 429, message: "Rate limit reached", retryAfterSeconds: 0.2 } },
			{ text: "Worth the wait." },
		]);
		const resolved = resolve();
		const retries: RetryInfo[] = [];
		const started = Date.now();
		// A 10 s backoff that would time the test out: only the server's Retry-After explains a short wait.
		const turn = await withRetries(() => collectStream(stream(resolved)), {
			baseDelayMs: 10_000,
			onRetry: (info) => retries.push(info),
		});
		const elapsed = Date.now() - started;
		expect(turn.text).toBe("Worth the wait.");
		expect(retries).toHaveLength(1);
		expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 200, status: 429 });
		expect(APICallError.isInstance(retries[0]?.error)).toBe(true);
		expect(elapsed).toBeGreaterThanOrEqual(190);
		expect(elapsed).toBeLessThan(5_000);
		expect(server.requests).toHaveLength(2);
	});

	it("fails at once on a 400", async () => {
		server.setScript([{ error: { status: 400, message: "Bad request" } }, { text: "never sent" }]);
		const resolved = resolve();
		const error = await withRetries(() => collectStream(stream(resolved)), { baseDelayMs: 1 }).catch((e: unknown) => e);
		expect(APICallError.isInstance(error) && error.statusCode).toBe(400);
		expect(server.requests).toHaveLength(1);
	});
});

describe("a missing key", () => {
	it("is refused by resolveModel for providers that need one", () => {
		for (const settings of [
			{ apiProvider: "anthropic", anthropicBaseUrl: server.url },
			{ apiProvider: "openai", openAiBaseUrl: `${server.url}/v1` },
			{ apiProvider: "openrouter", openRouterBaseUrl: `${server.url}/api/v1` },
		]) {
			expect(() => resolveModel(settings, {})).toThrow(ProviderConfigError);
		}
	});

	it("gets a 401 from the server, which is not retried", async () => {
		server.setScript([{ text: "never sent" }]);
		const resolved = resolveModel(
			{ apiProvider: "openai-compatible", openAiBaseUrl: `${server.url}/v1`, openAiModelId: "mock-model" },
			{},
		);
		const error = await withRetries(() => collectStream(stream(resolved)), { baseDelayMs: 1 }).catch((e: unknown) => e);
		expect(APICallError.isInstance(error)).toBe(true);
		if (!APICallError.isInstance(error)) return;
		expect(error.statusCode).toBe(401);
		expect(error.message).toContain("API key");
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]?.headers.authorization).toBeUndefined();
		// A rejected request does not consume the script.
		expect(server.remainingTurns()).toBe(1);
	});

	it("gets Anthropic's error format on the messages endpoint", async () => {
		const response = await fetch(`${server.url}/v1/messages`, {
			method: "POST",
			headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
			body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 10, messages: [] }),
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({
			type: "error",
			error: { type: "authentication_error", message: "x-api-key header is required" },
		});
	});
});

describe("the mock server", () => {
	it("lists models in either format and 404s unknown paths", async () => {
		const openAi = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
		expect(await openAi.json()).toMatchObject({
			object: "list",
			data: expect.arrayContaining([expect.objectContaining({ id: "mock-model", object: "model" })]),
		});
		const anthropic = await fetch(`${server.url}/models`, {
			headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
		});
		expect(await anthropic.json()).toMatchObject({
			data: expect.arrayContaining([expect.objectContaining({ type: "model", id: "mock-model" })]),
			has_more: false,
		});
		const missing = await fetch(`${server.url}/v1/embeddings`, { method: "POST", headers: { "x-api-key": KEY } });
		expect(missing.status).toBe(404);
	});

	it("answers an error when the script has run out, instead of hanging", async () => {
		const resolved = resolveModel(
			{ apiProvider: "openai-compatible", openAiBaseUrl: server.url, openAiApiKey: KEY, openAiModelId: "m" },
			{},
		);
		const error = await collectStream(stream(resolved)).catch((e: unknown) => e);
		expect(APICallError.isInstance(error) && error.message).toContain("no scripted turn left");
	});

	it("delays a turn, and sends usage in the stream only when asked", async () => {
		server.setScript([{ text: "slow", delayMs: 100 }]);
		const started = Date.now();
		const response = await fetch(`${server.url}/chat/completions`, {
			method: "POST",
			headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
			body: JSON.stringify({ model: "m", stream: true, messages: [] }),
		});
		const text = await response.text();
		expect(Date.now() - started).toBeGreaterThanOrEqual(90);
		expect(response.headers.get("content-type")).toBe("text/event-stream");
		const content = [...text.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join("");
		expect(content).toBe("slow");
		expect(text).not.toContain("prompt_tokens");
		expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
	});

	it("answers side calls outside the script, and totals the usage it served", async () => {
		const side = await startMockLlmServer({
			script: [{ text: "main", usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 40, cost: 0.5 } }],
			// A CLI's own call (a session title) carries no tools; the agent's steps do.
			side: (request) => {
				const body = request.body as { tools?: unknown[] };
				return body.tools?.length ? undefined : { text: "A title", usage: { inputTokens: 7, outputTokens: 3 } };
			},
		});
		try {
			const post = (body: unknown) =>
				fetch(`${side.url}/v1/chat/completions`, {
					method: "POST",
					headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
					body: JSON.stringify(body),
				}).then((response) => response.json() as Promise<{ choices: { message: { content: string } }[] }>);
			const title = await post({ model: "m", messages: [] });
			const main = await post({ model: "m", messages: [], tools: [{ type: "function", function: { name: "x" } }] });
			expect(title.choices[0]?.message.content).toBe("A title");
			expect(main.choices[0]?.message.content).toBe("main");
			expect(side.requests.map((request) => request.answeredBy)).toEqual(["side", "script"]);
			expect(side.servedUsage()).toEqual({
				calls: 2,
				inputTokens: 107,
				outputTokens: 13,
				cacheReadTokens: 40,
				cacheWriteTokens: 0,
				cost: 0.5,
			});
		} finally {
			await side.close();
		}
	});

	it("counts tokens and answers probes without taking a turn", async () => {
		server.setScript([{ text: "kept" }]);
		const anthropic = await fetch(`${server.url}/v1/messages/count_tokens`, {
			method: "POST",
			headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
			body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(400) }] }),
		});
		expect(((await anthropic.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(100);
		const gemini = await fetch(`${server.url}/v1beta/models/mock-model:countTokens`, {
			method: "POST",
			headers: { "x-goog-api-key": KEY, "content-type": "application/json" },
			body: JSON.stringify({ contents: [{ parts: [{ text: "hello" }] }] }),
		});
		expect(((await gemini.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
		const models = await fetch(`${server.url}/v1beta/models`, { headers: { "x-goog-api-key": KEY } });
		expect(await models.json()).toMatchObject({
			models: expect.arrayContaining([expect.objectContaining({ name: "models/mock-model" })]),
		});
		expect((await fetch(server.url, { method: "HEAD" })).status).toBe(200);
		expect(server.remainingTurns()).toBe(1);
	});
});
