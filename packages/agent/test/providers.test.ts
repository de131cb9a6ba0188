import { type ProviderId, providerIds, type Settings } from "@agent-evals/types";
import { DEFAULT_MODEL_INFO, lookupModelInfo, modelCatalog } from "@agent-evals/types/models";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { resolveModel } from "../src/providers/registry.js";
import { ProviderConfigError } from "../src/providers/types.js";

// Every secret in these tests contains SECRET, so a leak into an error message is easy to spot.
const SECRET = "SECRET-do-not-print-123";
const allKeys: Settings = {
	apiKey: `sk-ant-${SECRET}`,
	openAiApiKey: `sk-${SECRET}`,
	openAiNativeApiKey: `sk-native-${SECRET}`,
	openRouterApiKey: `sk-or-${SECRET}`,
	geminiApiKey: `gm-${SECRET}`,
	mistralApiKey: `ms-${SECRET}`,
	xaiApiKey: `xai-${SECRET}`,
	groqApiKey: `gsk-${SECRET}`,
	deepSeekApiKey: `ds-${SECRET}`,
	litellmApiKey: `ll-${SECRET}`,
	fireworksApiKey: `fw-${SECRET}`,
	togetherApiKey: `tg-${SECRET}`,
	cerebrasApiKey: `cb-${SECRET}`,
	sambaNovaApiKey: `sn-${SECRET}`,
	requestyApiKey: `rq-${SECRET}`,
	moonshotApiKey: `ms-${SECRET}`,
	zaiApiKey: `zai-${SECRET}`,
	vercelAiGatewayApiKey: `vg-${SECRET}`,
	awsAccessKey: `AKIA${SECRET}`,
	awsSecretKey: `aws-${SECRET}`,
	awsRegion: "us-east-1",
	vertexProjectId: "my-project",
};

type Case = {
	id: ProviderId;
	settings?: Settings;
	provider: string;
	className: string;
	modelId: string;
};

// What each provider id builds with only the keys (and the model id where none is a default).
const cases: Case[] = [
	{
		id: "anthropic",
		provider: "anthropic.messages",
		className: "AnthropicMessagesLanguageModel",
		modelId: "claude-sonnet-4-5",
	},
	{ id: "openai", provider: "openai.chat", className: "OpenAIChatLanguageModel", modelId: "gpt-4.1" },
	{ id: "openai-native", provider: "openai.responses", className: "OpenAIResponsesLanguageModel", modelId: "gpt-5.1" },
	{
		id: "openai-compatible",
		settings: { openAiBaseUrl: "http://localhost:8000/v1", openAiModelId: "qwen3-coder" },
		provider: "openai-compatible.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "qwen3-coder",
	},
	{
		id: "openrouter",
		provider: "openrouter",
		className: "OpenRouterChatLanguageModel",
		modelId: "anthropic/claude-sonnet-4.5",
	},
	{
		id: "gemini",
		provider: "google.generative-ai",
		className: "GoogleGenerativeAILanguageModel",
		modelId: "gemini-2.5-pro",
	},
	{
		id: "vertex",
		provider: "google.vertex.chat",
		className: "GoogleGenerativeAILanguageModel",
		modelId: "gemini-2.5-pro",
	},
	{
		id: "bedrock",
		provider: "amazon-bedrock",
		className: "BedrockChatLanguageModel",
		modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
	},
	{ id: "mistral", provider: "mistral.chat", className: "MistralChatLanguageModel", modelId: "codestral-latest" },
	{ id: "xai", provider: "xai.chat", className: "XaiChatLanguageModel", modelId: "grok-code-fast-1" },
	{
		id: "groq",
		provider: "groq.chat",
		className: "GroqChatLanguageModel",
		modelId: "moonshotai/kimi-k2-instruct-0905",
	},
	{ id: "deepseek", provider: "deepseek.chat", className: "DeepSeekChatLanguageModel", modelId: "deepseek-chat" },
	{
		id: "ollama",
		settings: { ollamaModelId: "qwen2.5-coder:7b" },
		provider: "ollama.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "qwen2.5-coder:7b",
	},
	{
		id: "lmstudio",
		settings: { lmStudioModelId: "qwen/qwen3-4b" },
		provider: "lmstudio.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "qwen/qwen3-4b",
	},
	{
		id: "litellm",
		settings: { litellmModelId: "claude-sonnet-4-5" },
		provider: "litellm.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "claude-sonnet-4-5",
	},
	{
		id: "fireworks",
		provider: "fireworks.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "accounts/fireworks/models/kimi-k2-instruct-0905",
	},
	{
		id: "together",
		provider: "together.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8",
	},
	{
		id: "cerebras",
		provider: "cerebras.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "gpt-oss-120b",
	},
	{
		id: "sambanova",
		provider: "sambanova.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "Meta-Llama-3.3-70B-Instruct",
	},
	{
		id: "requesty",
		provider: "requesty.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "anthropic/claude-sonnet-4-20250514",
	},
	{
		id: "moonshot",
		provider: "moonshot.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "kimi-k2-0905-preview",
	},
	{ id: "zai", provider: "zai.chat", className: "OpenAICompatibleChatLanguageModel", modelId: "glm-4.6" },
	{
		id: "vercel-ai-gateway",
		provider: "vercel-ai-gateway.chat",
		className: "OpenAICompatibleChatLanguageModel",
		modelId: "anthropic/claude-sonnet-4",
	},
];

interface Captured {
	url: string;
	headers: Headers;
	body: unknown;
}

/** Calls the model once through a fetch that records the request and answers 400. */
async function capture(model: LanguageModelV3, calls: Captured[]): Promise<Captured> {
	await expect(
		model.doGenerate({ prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }),
	).rejects.toThrow();
	const last = calls.at(-1);
	if (!last) throw new Error("the model made no request");
	return last;
}

function recordingFetch(calls: Captured[]): typeof fetch {
	return async (input, init) => {
		const request = new Request(input, init);
		const text = await request.text();
		calls.push({ url: request.url, headers: request.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
		return new Response(JSON.stringify({ error: { message: "stop here", type: "invalid_request_error" } }), {
			status: 400,
			headers: { "content-type": "application/json" },
		});
	};
}

function configError(run: () => unknown): ProviderConfigError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ProviderConfigError);
		return error as ProviderConfigError;
	}
	throw new Error("expected a ProviderConfigError");
}

describe("resolveModel", () => {
	it("has a case for every provider id except the offline ones", () => {
		const covered = new Set(cases.map((c) => c.id));
		expect(providerIds.filter((id) => !covered.has(id))).toEqual(["oracle", "scripted"]);
	});

	it.each(cases)("builds $id", ({ id, settings, provider, className, modelId }) => {
		const resolved = resolveModel({ ...allKeys, ...settings, apiProvider: id }, {});
		expect(resolved.providerId).toBe(id);
		expect(resolved.modelId).toBe(modelId);
		expect(resolved.model.provider).toBe(provider);
		expect(resolved.model.modelId).toBe(modelId);
		expect(resolved.model.constructor.name).toBe(className);
		expect(resolved.info.contextWindow).toBeGreaterThan(0);
		expect(resolved.info.maxTokens).toBeGreaterThan(0);
	});

	it("defaults to anthropic, as Roo Code does", () => {
		expect(resolveModel({ apiKey: "k" }, {}).providerId).toBe("anthropic");
	});

	it("passes the offline providers to createOfflineModel", () => {
		const resolved = resolveModel({ apiProvider: "oracle", apiModelId: "oracle-1", oracleSolutionDir: "/tmp" }, {});
		expect(resolved).toMatchObject({ providerId: "oracle", modelId: "oracle-1" });
		expect(resolved.model.provider).toBe("oracle");
	});

	it("prefers the provider's own model key over apiModelId", () => {
		const resolved = resolveModel(
			{ ...allKeys, apiProvider: "openrouter", apiModelId: "claude-sonnet-4-5", openRouterModelId: "openai/gpt-4.1" },
			{},
		);
		expect(resolved.modelId).toBe("openai/gpt-4.1");
		expect(resolved.info).toMatchObject({ inputPrice: 2, outputPrice: 8, contextWindow: 1_047_576 });
		expect(resolveModel({ ...allKeys, apiProvider: "anthropic", apiModelId: "claude-opus-4-1" }, {}).modelId).toBe(
			"claude-opus-4-1",
		);
	});

	it("takes the key from the settings before the environment", async () => {
		const calls: Captured[] = [];
		const env = { ANTHROPIC_API_KEY: "env-key" };
		const fromSettings = resolveModel({ apiProvider: "anthropic", apiKey: "settings-key" }, env, {
			fetch: recordingFetch(calls),
		});
		expect((await capture(fromSettings.model, calls)).headers.get("x-api-key")).toBe("settings-key");
		const fromEnv = resolveModel({ apiProvider: "anthropic" }, env, { fetch: recordingFetch(calls) });
		expect((await capture(fromEnv.model, calls)).headers.get("x-api-key")).toBe("env-key");
	});

	it.each([
		["openai", "OPENAI_API_KEY"],
		["openai-native", "OPENAI_API_KEY"],
		["openrouter", "OPENROUTER_API_KEY"],
		["deepseek", "DEEPSEEK_API_KEY"],
		["groq", "GROQ_API_KEY"],
		["mistral", "MISTRAL_API_KEY"],
		["xai", "XAI_API_KEY"],
		["fireworks", "FIREWORKS_API_KEY"],
		["together", "TOGETHER_API_KEY"],
		["cerebras", "CEREBRAS_API_KEY"],
		["sambanova", "SAMBANOVA_API_KEY"],
		["requesty", "REQUESTY_API_KEY"],
		["moonshot", "MOONSHOT_API_KEY"],
		["zai", "ZAI_API_KEY"],
		["vercel-ai-gateway", "AI_GATEWAY_API_KEY"],
	] as const)("sends %s the key from %s as a bearer token", async (id, variable) => {
		const calls: Captured[] = [];
		const resolved = resolveModel({ apiProvider: id }, { [variable]: "env-key" }, { fetch: recordingFetch(calls) });
		expect((await capture(resolved.model, calls)).headers.get("authorization")).toBe("Bearer env-key");
	});

	it("reads the Gemini key from GEMINI_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY", async () => {
		const calls: Captured[] = [];
		for (const variable of ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"]) {
			const resolved = resolveModel(
				{ apiProvider: "gemini" },
				{ [variable]: `${variable}-value` },
				{
					fetch: recordingFetch(calls),
				},
			);
			expect((await capture(resolved.model, calls)).headers.get("x-goog-api-key")).toBe(`${variable}-value`);
		}
	});

	it("sends requests to the base URL from the settings, else the environment, else the default", async () => {
		const calls: Captured[] = [];
		const fetch = recordingFetch(calls);
		const anthropic = (settings: Settings, env: NodeJS.ProcessEnv = {}) =>
			resolveModel({ apiProvider: "anthropic", apiKey: "k", ...settings }, env, { fetch }).model;
		// Roo Code's anthropicBaseUrl has no /v1; the AI SDK's does.
		expect((await capture(anthropic({ anthropicBaseUrl: "https://proxy.example/anthropic" }), calls)).url).toBe(
			"https://proxy.example/anthropic/v1/messages",
		);
		expect((await capture(anthropic({}, { ANTHROPIC_BASE_URL: "https://env.example/v1" }), calls)).url).toBe(
			"https://env.example/v1/messages",
		);
		expect(
			(
				await capture(
					anthropic({ anthropicBaseUrl: "https://settings.example" }, { ANTHROPIC_BASE_URL: "https://env.example" }),
					calls,
				)
			).url,
		).toBe("https://settings.example/v1/messages");
		expect((await capture(anthropic({}), calls)).url).toBe("https://api.anthropic.com/v1/messages");

		const openRouter = resolveModel(
			{ apiProvider: "openrouter" },
			{
				OPENROUTER_API_KEY: "k",
				OPENROUTER_BASE_URL: "https://or.example/api/v1",
			},
			{ fetch },
		);
		const request = await capture(openRouter.model, calls);
		expect(request.url).toBe("https://or.example/api/v1/chat/completions");
		expect(request.body).toMatchObject({ usage: { include: true } });

		const ollama = resolveModel(
			{ apiProvider: "ollama", ollamaModelId: "llama3.1", ollamaBaseUrl: "http://gpu:11434" },
			{},
			{
				fetch,
			},
		);
		expect((await capture(ollama.model, calls)).url).toBe("http://gpu:11434/v1/chat/completions");
		const lmStudio = resolveModel({ apiProvider: "lmstudio", lmStudioModelId: "m" }, {}, { fetch });
		expect((await capture(lmStudio.model, calls)).url).toBe("http://localhost:1234/v1/chat/completions");
		const litellm = resolveModel({ apiProvider: "litellm", litellmModelId: "m" }, {}, { fetch });
		expect((await capture(litellm.model, calls)).url).toBe("http://localhost:4000/v1/chat/completions");
		const moonshot = resolveModel(
			{ apiProvider: "moonshot", moonshotApiKey: "k", moonshotBaseUrl: "https://api.moonshot.cn/v1" },
			{},
			{
				fetch,
			},
		);
		expect((await capture(moonshot.model, calls)).url).toBe("https://api.moonshot.cn/v1/chat/completions");
		const together = resolveModel({ apiProvider: "together", togetherApiKey: "k" }, {}, { fetch });
		expect((await capture(together.model, calls)).url).toBe("https://api.together.xyz/v1/chat/completions");
	});

	it("sends openAiHeaders and no Authorization header when openai-compatible has no key", async () => {
		const calls: Captured[] = [];
		const resolved = resolveModel(
			{
				apiProvider: "openai-compatible",
				openAiBaseUrl: "http://localhost:8000/v1",
				openAiModelId: "m",
				openAiHeaders: { "x-team": "evals" },
			},
			{},
			{ fetch: recordingFetch(calls) },
		);
		const request = await capture(resolved.model, calls);
		expect(request.headers.get("authorization")).toBeNull();
		expect(request.headers.get("x-team")).toBe("evals");
	});

	it("says which key is missing and where to put it", () => {
		expect(configError(() => resolveModel({ apiProvider: "anthropic" }, {})).message).toBe(
			'Missing API key for provider "anthropic": set "apiKey" in the settings or the ANTHROPIC_API_KEY environment variable.',
		);
		expect(configError(() => resolveModel({ apiProvider: "gemini" }, {})).message).toBe(
			'Missing API key for provider "gemini": set "geminiApiKey" in the settings or the GEMINI_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY environment variables.',
		);
		expect(configError(() => resolveModel({ apiProvider: "openrouter" }, {})).message).toContain(
			'"openRouterApiKey" in the settings or the OPENROUTER_API_KEY environment variable',
		);
		expect(configError(() => resolveModel({ apiProvider: "bedrock", awsRegion: "us-east-1" }, {})).message).toContain(
			"Missing AWS credentials",
		);
		expect(configError(() => resolveModel({ apiProvider: "bedrock" }, { AWS_ACCESS_KEY_ID: "a" })).message).toContain(
			'"awsRegion"',
		);
		expect(configError(() => resolveModel({ apiProvider: "vertex" }, {})).message).toContain('"vertexProjectId"');
	});

	it("does not need a key for local servers", () => {
		expect(() => resolveModel({ apiProvider: "ollama", ollamaModelId: "m" }, {})).not.toThrow();
		expect(() => resolveModel({ apiProvider: "lmstudio", lmStudioModelId: "m" }, {})).not.toThrow();
		expect(() => resolveModel({ apiProvider: "litellm", litellmModelId: "m" }, {})).not.toThrow();
	});

	it("rejects an unknown provider and lists the known ones", () => {
		const message = configError(() => resolveModel({ apiProvider: "foo" }, {})).message;
		expect(message).toMatch(/^Unknown provider "foo"\. Known providers: anthropic, openai, openai-native, /);
		expect(message).toContain("vercel-ai-gateway");
	});

	it("rejects an unknown model of a closed catalogue unless modelInfo describes it", () => {
		const message = configError(() =>
			resolveModel({ ...allKeys, apiProvider: "anthropic", apiModelId: "claude-9" }, {}),
		).message;
		expect(message).toMatch(/^Unknown model "claude-9" for provider "anthropic"\. Known models: claude-opus-4-6, /);
		expect(message).toMatch(/ \(use "modelInfo" in the settings to describe a custom model\)$/);

		const custom = resolveModel(
			{
				...allKeys,
				apiProvider: "anthropic",
				apiModelId: "claude-9",
				modelInfo: { contextWindow: 500_000, inputPrice: 4 },
			},
			{},
		);
		expect(custom.modelId).toBe("claude-9");
		expect(custom.info).toEqual({ ...DEFAULT_MODEL_INFO, contextWindow: 500_000, inputPrice: 4 });
	});

	it("lets modelInfo override what the table knows", () => {
		const resolved = resolveModel({ ...allKeys, apiProvider: "anthropic", modelInfo: { maxTokens: 8_192 } }, {});
		expect(resolved.info).toMatchObject({ contextWindow: 200_000, maxTokens: 8_192, inputPrice: 3, outputPrice: 15 });
	});

	it("accepts any model on open catalogues, with defaults when the table does not know it", () => {
		for (const id of ["openrouter", "requesty", "vercel-ai-gateway", "together", "fireworks", "openai"] as const) {
			const resolved = resolveModel({ ...allKeys, apiProvider: id, apiModelId: "someone/new-model" }, {});
			expect(resolved.info).toEqual(DEFAULT_MODEL_INFO);
		}
		expect(DEFAULT_MODEL_INFO).toEqual({ contextWindow: 128_000, maxTokens: 8_192, inputPrice: 0, outputPrice: 0 });
	});

	it("prices aggregator slugs from the vendor's table and never prices local models", () => {
		expect(lookupModelInfo("openrouter", "anthropic/claude-3.7-sonnet")).toMatchObject({
			inputPrice: 3,
			outputPrice: 15,
		});
		expect(lookupModelInfo("vercel-ai-gateway", "openai/gpt-4.1-mini")).toMatchObject({ inputPrice: 0.4 });
		expect(lookupModelInfo("requesty", "anthropic/claude-sonnet-4-20250514")).toMatchObject({ inputPrice: 3 });
		expect(lookupModelInfo("litellm", "gpt-4o")).toMatchObject({ inputPrice: 2.5 });
		expect(lookupModelInfo("ollama", "gpt-oss-120b")).toBeUndefined();
		expect(lookupModelInfo("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0")).toMatchObject({ inputPrice: 3 });
		expect(modelCatalog("deepseek")).toHaveProperty("deepseek-reasoner");
		expect(Object.keys(modelCatalog()).length).toBeGreaterThan(50);
	});

	it("says for every catalogue entry whether it caches prompts, as Roo Code's modelsResponse requires", () => {
		const catalog = modelCatalog();
		for (const [id, info] of Object.entries(catalog)) {
			expect(typeof info.supportsPromptCache, id).toBe("boolean");
			expect(info.supportsPromptCache, id).toBe(
				info.cacheReadsPrice !== undefined || info.cacheWritesPrice !== undefined,
			);
		}
		expect(Object.values(catalog).some((info) => info.supportsPromptCache === false)).toBe(true);
	});

	it("adds Roo Code's cross-region prefix to Bedrock ids when asked", () => {
		const resolved = resolveModel(
			{ ...allKeys, apiProvider: "bedrock", awsRegion: "eu-west-1", awsUseCrossRegionInference: true },
			{},
		);
		expect(resolved.model.modelId).toBe("eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
	});

	it("needs a base URL and a model id for openai-compatible", () => {
		const noUrl = configError(() =>
			resolveModel({ ...allKeys, apiProvider: "openai-compatible", openAiBaseUrl: undefined }, {}),
		);
		expect(noUrl.message).toMatch(/^Provider "openai-compatible" needs "openAiBaseUrl"/);
		const noModel = configError(() =>
			resolveModel({ apiProvider: "openai-compatible", openAiBaseUrl: "http://localhost:8000/v1" }, {}),
		);
		expect(noModel.message).toBe(
			'Provider "openai-compatible" needs a model id: set "openAiModelId" (or "apiModelId") in the settings.',
		);
	});

	it("rejects an invalid base URL from the environment without echoing it", () => {
		const error = configError(() =>
			resolveModel(
				{ apiProvider: "openrouter", openRouterApiKey: "k" },
				{ OPENROUTER_BASE_URL: `not a url ${SECRET}` },
			),
		);
		expect(error.message).toContain("OPENROUTER_BASE_URL");
		expect(error.message).not.toContain(SECRET);
	});

	it("never puts a key in an error message", () => {
		const failing: Settings[] = [
			{ ...allKeys, apiProvider: "nope" },
			{ ...allKeys, apiProvider: "anthropic", apiModelId: "claude-9" },
			{ ...allKeys, apiProvider: "openai-compatible", openAiBaseUrl: undefined },
			{ ...allKeys, apiProvider: "vertex", vertexJsonCredentials: `{not json ${SECRET}` },
			{ ...allKeys, apiProvider: "bedrock", awsRegion: undefined },
		];
		for (const id of providerIds) {
			if (id === "oracle" || id === "scripted") continue;
			failing.push({ ...allKeys, apiProvider: id, apiModelId: "unknown-model-x", modelInfo: undefined });
		}
		let failures = 0;
		for (const settings of failing) {
			try {
				resolveModel(settings, { OPENAI_API_KEY: `env-${SECRET}` });
			} catch (error) {
				failures++;
				expect(error).toBeInstanceOf(ProviderConfigError);
				expect(String(error)).not.toContain(SECRET);
				expect((error as Error).stack ?? "").not.toContain(SECRET);
			}
		}
		expect(failures).toBeGreaterThanOrEqual(15);
	});
});
