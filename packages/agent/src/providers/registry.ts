import { createRequire } from "node:module";
import { type ModelInfo, type ProviderId, providerIds, type Settings, secretSettingEnv } from "@agent-evals/types";
import { DEFAULT_MODEL_INFO, knownModelIds, lookupModelInfo } from "@agent-evals/types/models";
import type * as AmazonBedrock from "@ai-sdk/amazon-bedrock";
import type * as Anthropic from "@ai-sdk/anthropic";
import type * as DeepSeek from "@ai-sdk/deepseek";
import type * as Google from "@ai-sdk/google";
import type * as GoogleVertex from "@ai-sdk/google-vertex";
import type * as GoogleVertexAnthropic from "@ai-sdk/google-vertex/anthropic";
import type * as Groq from "@ai-sdk/groq";
import type * as Mistral from "@ai-sdk/mistral";
import type * as OpenAI from "@ai-sdk/openai";
import type * as OpenAICompatible from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type * as Xai from "@ai-sdk/xai";
import type * as OpenRouter from "@openrouter/ai-sdk-provider";
import { createOfflineModel } from "./offline/index.js";
import { ProviderConfigError, type ResolvedModel } from "./types.js";

// Provider packages are loaded when a model of theirs is first made, not at start-up: loading
// all of them costs about 300 ms on every agent start, and a task uses one. `require` keeps
// resolveModel synchronous; every package ships a CommonJS build, and AI SDK errors are
// recognised by marker (isInstance), not by class identity, so the two builds mix safely.
const load = createRequire(import.meta.url);
const createAmazonBedrock: typeof AmazonBedrock.createAmazonBedrock = (...args) =>
	(load("@ai-sdk/amazon-bedrock") as typeof AmazonBedrock).createAmazonBedrock(...args);
const createAnthropic: typeof Anthropic.createAnthropic = (...args) =>
	(load("@ai-sdk/anthropic") as typeof Anthropic).createAnthropic(...args);
const createDeepSeek: typeof DeepSeek.createDeepSeek = (...args) =>
	(load("@ai-sdk/deepseek") as typeof DeepSeek).createDeepSeek(...args);
const createGoogleGenerativeAI: typeof Google.createGoogleGenerativeAI = (...args) =>
	(load("@ai-sdk/google") as typeof Google).createGoogleGenerativeAI(...args);
const createVertex: typeof GoogleVertex.createVertex = (...args) =>
	(load("@ai-sdk/google-vertex") as typeof GoogleVertex).createVertex(...args);
const createVertexAnthropic: typeof GoogleVertexAnthropic.createVertexAnthropic = (...args) =>
	(load("@ai-sdk/google-vertex/anthropic") as typeof GoogleVertexAnthropic).createVertexAnthropic(...args);
const createGroq: typeof Groq.createGroq = (...args) => (load("@ai-sdk/groq") as typeof Groq).createGroq(...args);
const createMistral: typeof Mistral.createMistral = (...args) =>
	(load("@ai-sdk/mistral") as typeof Mistral).createMistral(...args);
const createOpenAI: typeof OpenAI.createOpenAI = (...args) =>
	(load("@ai-sdk/openai") as typeof OpenAI).createOpenAI(...args);
const createOpenAICompatible: typeof OpenAICompatible.createOpenAICompatible = (...args) =>
	(load("@ai-sdk/openai-compatible") as typeof OpenAICompatible).createOpenAICompatible(...args);
const createXai: typeof Xai.createXai = (...args) => (load("@ai-sdk/xai") as typeof Xai).createXai(...args);
const createOpenRouter: typeof OpenRouter.createOpenRouter = (...args) =>
	(load("@openrouter/ai-sdk-provider") as typeof OpenRouter).createOpenRouter(...args);

export interface ResolveModelOptions {
	/** Passed to every provider factory; tests use it to intercept or fake HTTP. */
	fetch?: typeof fetch;
}

/** Roo Code's default when `apiProvider` is absent. */
export const DEFAULT_PROVIDER_ID: ProviderId = "anthropic";

// Settings keep unknown keys (an index signature), which would swallow every named key here.
type NamedSettings = { [K in keyof Settings as string extends K ? never : K]-?: Settings[K] };
type StringSettingKey = {
	[K in keyof NamedSettings]: NonNullable<NamedSettings[K]> extends string ? K : never;
}[keyof NamedSettings];

interface Context {
	providerId: ProviderId;
	modelId: string;
	settings: Settings;
	env: NodeJS.ProcessEnv;
	fetch: typeof fetch | undefined;
}

/** What the helpers below need: everything but the model id. */
type Scope = Omit<Context, "modelId">;

interface ProviderSpec {
	/** Closed catalogues accept only ids in the model table, unless settings carry `modelInfo`. */
	catalogue: "open" | "closed";
	/** The provider-specific model id key Roo Code uses, preferred over `apiModelId`. */
	modelKey?: StringSettingKey;
	/** Undefined where no model is a sensible guess (local servers, arbitrary endpoints). */
	defaultModel?: string;
	/** Checks made before the model id, for errors that matter more than a missing model. */
	preflight?(ctx: Scope): void;
	create(ctx: Context): LanguageModelV3;
}

function text(value: unknown): string | undefined {
	return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function fromEnv(env: NodeJS.ProcessEnv, names: readonly string[]): { value: string; name: string } | undefined {
	for (const name of names) {
		const value = text(env[name]);
		if (value !== undefined) return { value, name };
	}
	return undefined;
}

function envList(names: readonly string[]): string {
	const variable = names.length === 1 ? "environment variable" : "environment variables";
	return `the ${names.join(" or ")} ${variable}`;
}

type SecretKey = keyof typeof secretSettingEnv;

/** A key from the settings, else from its environment variables; undefined if neither has one. */
function optionalKey(ctx: Scope, settingKey: SecretKey): string | undefined {
	return text(ctx.settings[settingKey]) ?? fromEnv(ctx.env, secretSettingEnv[settingKey])?.value;
}

function requireKey(ctx: Scope, settingKey: SecretKey): string {
	const key = optionalKey(ctx, settingKey);
	const envNames = secretSettingEnv[settingKey];
	if (key !== undefined) return key;
	throw new ProviderConfigError(
		`Missing API key for provider "${ctx.providerId}": set "${settingKey}" in the settings or ${envList(envNames)}.`,
	);
}

/**
 * A base URL from the settings, else the environment; undefined leaves the provider's default.
 * The value is never echoed in errors, since a URL can carry credentials.
 */
function baseUrl(ctx: Scope, settingKey: string | undefined, envNames: readonly string[]): string | undefined {
	const fromSettings = settingKey !== undefined ? text(ctx.settings[settingKey]) : undefined;
	if (fromSettings !== undefined) return checkedUrl(ctx, fromSettings, `"${settingKey}" in the settings`);
	const found = fromEnv(ctx.env, envNames);
	return found ? checkedUrl(ctx, found.value, `the ${found.name} environment variable`) : undefined;
}

function checkedUrl(ctx: Scope, value: string, source: string): string {
	if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
		throw new ProviderConfigError(
			`Invalid base URL for provider "${ctx.providerId}" in ${source}: it must be an absolute http(s) URL such as https://host/v1.`,
		);
	}
	return value.replace(/\/+$/, "");
}

/**
 * Roo Code stores some base URLs without the API version that the AI SDK expects at the end
 * (Anthropic's SDK and Ollama's native client add it themselves), so add it when missing.
 */
function withVersionSuffix(url: string | undefined, suffix: string): string | undefined {
	if (url === undefined) return undefined;
	return /\/v\d+[a-z0-9]*$/i.test(url) ? url : `${url}${suffix}`;
}

function headersSetting(settings: Settings): Record<string, string> | undefined {
	const headers = settings.openAiHeaders;
	return headers && Object.keys(headers).length > 0 ? headers : undefined;
}

/** An OpenAI-style chat endpoint: the shape most hosted and local providers speak. */
function compatibleChat(
	ctx: Context,
	options: { baseURL: string; apiKey: string | undefined; headers?: Record<string, string> | undefined },
): LanguageModelV3 {
	return createOpenAICompatible({
		name: ctx.providerId,
		baseURL: options.baseURL,
		apiKey: options.apiKey,
		headers: options.headers,
		fetch: ctx.fetch,
		// Usage in the stream is what cost and context-window accounting are built on.
		includeUsage: true,
	}).chatModel(ctx.modelId);
}

/** A hosted OpenAI-compatible provider with a required key and a documented base URL. */
function hosted(options: {
	catalogue: "open" | "closed";
	keySetting: SecretKey;
	baseUrlSetting?: StringSettingKey;
	baseUrlEnv: readonly string[];
	defaultBaseUrl: string;
	defaultModel: string;
}): ProviderSpec {
	return {
		catalogue: options.catalogue,
		defaultModel: options.defaultModel,
		create: (ctx) =>
			compatibleChat(ctx, {
				apiKey: requireKey(ctx, options.keySetting),
				baseURL: baseUrl(ctx, options.baseUrlSetting, options.baseUrlEnv) ?? options.defaultBaseUrl,
			}),
	};
}

function compatibleBaseUrl(ctx: Scope): string {
	const url = baseUrl(ctx, "openAiBaseUrl", ["OPENAI_BASE_URL"]);
	if (url !== undefined) return url;
	throw new ProviderConfigError(
		`Provider "openai-compatible" needs "openAiBaseUrl" in the settings (or the OPENAI_BASE_URL environment variable), e.g. http://localhost:8000/v1.`,
	);
}

/** Roo Code's cross-region inference prefix for a Bedrock region (us-east-1 → "us."). */
function bedrockRegionPrefix(region: string): string | undefined {
	if (region.startsWith("us-gov-")) return "us-gov.";
	if (region.startsWith("us-")) return "us.";
	if (region.startsWith("eu-")) return "eu.";
	if (region.startsWith("ap-")) return "apac.";
	return undefined;
}

function parseVertexCredentials(ctx: Scope): Record<string, unknown> | undefined {
	const json = text(ctx.settings.vertexJsonCredentials) ?? text(ctx.env.GOOGLE_VERTEX_JSON_CREDENTIALS);
	if (json === undefined) return undefined;
	try {
		const parsed: unknown = JSON.parse(json);
		if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
			return parsed as Record<string, unknown>;
		}
	} catch {
		// Reported below without the content, which is a secret.
	}
	throw new ProviderConfigError(
		`Invalid "vertexJsonCredentials" for provider "vertex": it must be the JSON text of a Google service account key.`,
	);
}

const providers: Record<Exclude<ProviderId, "oracle" | "scripted">, ProviderSpec> = {
	anthropic: {
		catalogue: "closed",
		defaultModel: "claude-sonnet-4-5",
		create: (ctx) =>
			createAnthropic({
				apiKey: requireKey(ctx, "apiKey"),
				baseURL: withVersionSuffix(baseUrl(ctx, "anthropicBaseUrl", ["ANTHROPIC_BASE_URL"]), "/v1"),
				fetch: ctx.fetch,
			}).messages(ctx.modelId),
	},
	// Roo Code's "OpenAI Compatible": the OpenAI chat API at any base URL, OpenAI's by default.
	openai: {
		catalogue: "open",
		modelKey: "openAiModelId",
		defaultModel: "gpt-4.1",
		create: (ctx) =>
			createOpenAI({
				apiKey: requireKey(ctx, "openAiApiKey"),
				baseURL: baseUrl(ctx, "openAiBaseUrl", ["OPENAI_BASE_URL"]),
				headers: headersSetting(ctx.settings),
				fetch: ctx.fetch,
			}).chat(ctx.modelId),
	},
	// OpenAI itself, through the Responses API (the one OpenAI's newest models require).
	"openai-native": {
		catalogue: "closed",
		defaultModel: "gpt-5.1",
		create: (ctx) =>
			createOpenAI({
				apiKey: requireKey(ctx, "openAiNativeApiKey"),
				baseURL: baseUrl(ctx, "openAiNativeBaseUrl", ["OPENAI_BASE_URL"]),
				fetch: ctx.fetch,
			}).responses(ctx.modelId),
	},
	"openai-compatible": {
		catalogue: "open",
		modelKey: "openAiModelId",
		preflight: (ctx) => void compatibleBaseUrl(ctx),
		create: (ctx) =>
			compatibleChat(ctx, {
				baseURL: compatibleBaseUrl(ctx),
				apiKey: optionalKey(ctx, "openAiApiKey"),
				headers: headersSetting(ctx.settings),
			}),
	},
	openrouter: {
		catalogue: "open",
		modelKey: "openRouterModelId",
		defaultModel: "anthropic/claude-sonnet-4.5",
		create: (ctx) =>
			createOpenRouter({
				apiKey: requireKey(ctx, "openRouterApiKey"),
				baseURL: baseUrl(ctx, "openRouterBaseUrl", ["OPENROUTER_BASE_URL"]),
				// "strict" asks for usage in the stream; usage.include adds the billed cost.
				compatibility: "strict",
				fetch: ctx.fetch,
			}).chat(ctx.modelId, { usage: { include: true } }),
	},
	gemini: {
		catalogue: "closed",
		defaultModel: "gemini-2.5-pro",
		create: (ctx) =>
			createGoogleGenerativeAI({
				apiKey: requireKey(ctx, "geminiApiKey"),
				baseURL: withVersionSuffix(
					baseUrl(ctx, "googleGeminiBaseUrl", ["GOOGLE_GEMINI_BASE_URL", "GEMINI_BASE_URL"]),
					"/v1beta",
				),
				fetch: ctx.fetch,
			}).languageModel(ctx.modelId),
	},
	vertex: {
		catalogue: "closed",
		defaultModel: "gemini-2.5-pro",
		create: (ctx) => {
			// Express mode: an API key instead of a project and Google credentials.
			const apiKey = text(ctx.env.GOOGLE_VERTEX_API_KEY);
			const project =
				text(ctx.settings.vertexProjectId) ??
				fromEnv(ctx.env, ["GOOGLE_VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT"])?.value;
			if (project === undefined && apiKey === undefined) {
				throw new ProviderConfigError(
					`Provider "vertex" needs a Google Cloud project: set "vertexProjectId" in the settings or the GOOGLE_VERTEX_PROJECT environment variable.`,
				);
			}
			const location =
				text(ctx.settings.vertexRegion) ??
				fromEnv(ctx.env, ["GOOGLE_VERTEX_LOCATION", "GOOGLE_CLOUD_LOCATION"])?.value ??
				"global";
			const credentials = parseVertexCredentials(ctx);
			const keyFilename = text(ctx.settings.vertexKeyFile);
			const googleAuthOptions = credentials ? { credentials } : keyFilename ? { keyFilename } : undefined;
			const baseURL = baseUrl(ctx, undefined, ["GOOGLE_VERTEX_BASE_URL"]);
			if (ctx.modelId.startsWith("claude-")) {
				return createVertexAnthropic({ project, location, googleAuthOptions, baseURL, fetch: ctx.fetch })(ctx.modelId);
			}
			return createVertex({ apiKey, project, location, googleAuthOptions, baseURL, fetch: ctx.fetch })(ctx.modelId);
		},
	},
	bedrock: {
		catalogue: "closed",
		defaultModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
		create: (ctx) => {
			const { settings, env } = ctx;
			const region = text(settings.awsRegion) ?? fromEnv(env, ["AWS_REGION", "AWS_DEFAULT_REGION"])?.value;
			if (region === undefined) {
				throw new ProviderConfigError(
					`Provider "bedrock" needs an AWS region: set "awsRegion" in the settings or the AWS_REGION environment variable.`,
				);
			}
			const fromSettings = text(settings.awsAccessKey) !== undefined && text(settings.awsSecretKey) !== undefined;
			const accessKeyId = fromSettings ? text(settings.awsAccessKey) : text(env.AWS_ACCESS_KEY_ID);
			const secretAccessKey = fromSettings ? text(settings.awsSecretKey) : text(env.AWS_SECRET_ACCESS_KEY);
			const sessionToken = fromSettings ? text(settings.awsSessionToken) : text(env.AWS_SESSION_TOKEN);
			const bearer = text(settings.awsApiKey) ?? text(env.AWS_BEARER_TOKEN_BEDROCK);
			const sigV4 = accessKeyId !== undefined && secretAccessKey !== undefined;
			if (!sigV4 && bearer === undefined) {
				throw new ProviderConfigError(
					`Missing AWS credentials for provider "bedrock": set "awsAccessKey" and "awsSecretKey" in the settings, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables (or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key).`,
				);
			}
			let modelId = ctx.modelId;
			const prefix = bedrockRegionPrefix(region);
			if (settings.awsUseCrossRegionInference === true && prefix && !/^[a-z-]+\.[a-z]+\./.test(modelId)) {
				modelId = `${prefix}${modelId}`;
			}
			return createAmazonBedrock({
				region,
				accessKeyId,
				secretAccessKey,
				sessionToken,
				// An empty string, not undefined, when signing with keys: undefined would make the
				// SDK pick AWS_BEARER_TOKEN_BEDROCK from the process environment behind our back.
				apiKey: sigV4 ? (bearer ?? "") : bearer,
				baseURL: baseUrl(ctx, undefined, ["AWS_BEDROCK_BASE_URL"]),
				fetch: ctx.fetch,
			})(modelId);
		},
	},
	mistral: {
		catalogue: "closed",
		defaultModel: "codestral-latest",
		create: (ctx) =>
			createMistral({
				apiKey: requireKey(ctx, "mistralApiKey"),
				baseURL: baseUrl(ctx, undefined, ["MISTRAL_BASE_URL"]),
				fetch: ctx.fetch,
			})(ctx.modelId),
	},
	xai: {
		catalogue: "closed",
		defaultModel: "grok-code-fast-1",
		create: (ctx) =>
			createXai({
				apiKey: requireKey(ctx, "xaiApiKey"),
				baseURL: baseUrl(ctx, undefined, ["XAI_BASE_URL"]),
				fetch: ctx.fetch,
			}).chat(ctx.modelId),
	},
	groq: {
		catalogue: "closed",
		defaultModel: "moonshotai/kimi-k2-instruct-0905",
		create: (ctx) =>
			createGroq({
				apiKey: requireKey(ctx, "groqApiKey"),
				baseURL: baseUrl(ctx, undefined, ["GROQ_BASE_URL"]),
				fetch: ctx.fetch,
			})(ctx.modelId),
	},
	deepseek: {
		catalogue: "closed",
		defaultModel: "deepseek-chat",
		create: (ctx) =>
			createDeepSeek({
				apiKey: requireKey(ctx, "deepSeekApiKey"),
				baseURL: baseUrl(ctx, "deepSeekBaseUrl", ["DEEPSEEK_BASE_URL"]),
				fetch: ctx.fetch,
			})(ctx.modelId),
	},
	ollama: {
		catalogue: "open",
		modelKey: "ollamaModelId",
		create: (ctx) =>
			compatibleChat(ctx, {
				// Roo Code's ollamaBaseUrl is the server root; the OpenAI-style API lives under /v1.
				baseURL:
					withVersionSuffix(baseUrl(ctx, "ollamaBaseUrl", ["OLLAMA_BASE_URL"]), "/v1") ?? "http://localhost:11434/v1",
				// Only Ollama's hosted service checks a key; a local server ignores it.
				apiKey: optionalKey(ctx, "ollamaApiKey"),
			}),
	},
	lmstudio: {
		catalogue: "open",
		modelKey: "lmStudioModelId",
		create: (ctx) =>
			compatibleChat(ctx, {
				baseURL:
					withVersionSuffix(baseUrl(ctx, "lmStudioBaseUrl", ["LMSTUDIO_BASE_URL", "LM_STUDIO_BASE_URL"]), "/v1") ??
					"http://localhost:1234/v1",
				apiKey: undefined,
			}),
	},
	litellm: {
		catalogue: "open",
		modelKey: "litellmModelId",
		create: (ctx) =>
			compatibleChat(ctx, {
				// LiteLLM answers both with and without /v1, so the URL is used as given.
				baseURL: baseUrl(ctx, "litellmBaseUrl", ["LITELLM_BASE_URL"]) ?? "http://localhost:4000/v1",
				// A LiteLLM proxy without a master key accepts requests without one.
				apiKey: optionalKey(ctx, "litellmApiKey"),
			}),
	},
	fireworks: hosted({
		catalogue: "open",
		keySetting: "fireworksApiKey",
		baseUrlEnv: ["FIREWORKS_BASE_URL"],
		defaultBaseUrl: "https://api.fireworks.ai/inference/v1",
		defaultModel: "accounts/fireworks/models/kimi-k2-instruct-0905",
	}),
	together: hosted({
		catalogue: "open",
		keySetting: "togetherApiKey",
		baseUrlEnv: ["TOGETHER_BASE_URL"],
		defaultBaseUrl: "https://api.together.xyz/v1",
		defaultModel: "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8",
	}),
	cerebras: hosted({
		catalogue: "closed",
		keySetting: "cerebrasApiKey",
		baseUrlEnv: ["CEREBRAS_BASE_URL"],
		defaultBaseUrl: "https://api.cerebras.ai/v1",
		defaultModel: "gpt-oss-120b",
	}),
	sambanova: hosted({
		catalogue: "closed",
		keySetting: "sambaNovaApiKey",
		baseUrlEnv: ["SAMBANOVA_BASE_URL"],
		defaultBaseUrl: "https://api.sambanova.ai/v1",
		defaultModel: "Meta-Llama-3.3-70B-Instruct",
	}),
	requesty: hosted({
		catalogue: "open",
		keySetting: "requestyApiKey",
		baseUrlSetting: "requestyBaseUrl",
		baseUrlEnv: ["REQUESTY_BASE_URL"],
		defaultBaseUrl: "https://router.requesty.ai/v1",
		defaultModel: "anthropic/claude-sonnet-4-20250514",
	}),
	moonshot: hosted({
		catalogue: "closed",
		keySetting: "moonshotApiKey",
		baseUrlSetting: "moonshotBaseUrl",
		baseUrlEnv: ["MOONSHOT_BASE_URL"],
		defaultBaseUrl: "https://api.moonshot.ai/v1",
		defaultModel: "kimi-k2-0905-preview",
	}),
	zai: hosted({
		catalogue: "closed",
		keySetting: "zaiApiKey",
		baseUrlEnv: ["ZAI_BASE_URL"],
		defaultBaseUrl: "https://api.z.ai/api/paas/v4",
		defaultModel: "glm-4.6",
	}),
	"vercel-ai-gateway": hosted({
		catalogue: "open",
		keySetting: "vercelAiGatewayApiKey",
		baseUrlEnv: ["AI_GATEWAY_BASE_URL"],
		defaultBaseUrl: "https://ai-gateway.vercel.sh/v1",
		defaultModel: "anthropic/claude-sonnet-4",
	}),
};

function isProviderId(value: string): value is ProviderId {
	return (providerIds as readonly string[]).includes(value);
}

/** Fields of a user's modelInfo that are set, so they override the table without erasing it. */
function definedFields(info: ModelInfo | undefined): Partial<ModelInfo> {
	if (!info) return {};
	return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined)) as Partial<ModelInfo>;
}

function modelIdFor(providerId: ProviderId, spec: ProviderSpec | undefined, settings: Settings): string {
	const specific = spec?.modelKey !== undefined ? text(settings[spec.modelKey]) : undefined;
	// The provider's own key wins: Roo Code keeps `apiModelId` from other providers in the same
	// settings object, so it may name a model of a different provider.
	const modelId = specific ?? text(settings.apiModelId) ?? spec?.defaultModel;
	if (modelId !== undefined) return modelId;
	if (spec === undefined) return providerId;
	const keys = spec.modelKey !== undefined ? `"${spec.modelKey}" (or "apiModelId")` : `"apiModelId"`;
	throw new ProviderConfigError(`Provider "${providerId}" needs a model id: set ${keys} in the settings.`);
}

/**
 * Builds the model named by the settings (`apiProvider`, model id keys, keys and base URLs),
 * with its limits and prices. Keys come from the settings first, then the environment.
 * Throws ProviderConfigError, with a message meant for the user, when the settings cannot work.
 */
export function resolveModel(
	settings: Settings,
	env: NodeJS.ProcessEnv = process.env,
	options: ResolveModelOptions = {},
): ResolvedModel {
	const requested = text(settings.apiProvider) ?? DEFAULT_PROVIDER_ID;
	if (!isProviderId(requested)) {
		throw new ProviderConfigError(`Unknown provider "${requested}". Known providers: ${providerIds.join(", ")}.`);
	}
	const providerId = requested;

	if (providerId === "oracle" || providerId === "scripted") {
		const modelId = text(settings.apiModelId) ?? providerId;
		const info = { ...DEFAULT_MODEL_INFO, ...definedFields(settings.modelInfo) };
		return { providerId, modelId, model: createOfflineModel(providerId, modelId, settings), info };
	}

	const spec = providers[providerId];
	spec.preflight?.({ providerId, settings, env, fetch: options.fetch });
	const modelId = modelIdFor(providerId, spec, settings);
	const known = lookupModelInfo(providerId, modelId);
	const custom = definedFields(settings.modelInfo);
	if (!known && spec.catalogue === "closed" && Object.keys(custom).length === 0) {
		throw new ProviderConfigError(
			`Unknown model "${modelId}" for provider "${providerId}". Known models: ${knownModelIds(providerId).join(", ")} (use "modelInfo" in the settings to describe a custom model)`,
		);
	}
	const model = spec.create({ providerId, modelId, settings, env, fetch: options.fetch });
	const info = { ...DEFAULT_MODEL_INFO, ...known, ...custom };
	return { providerId, modelId, model, info };
}
