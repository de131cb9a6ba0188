// The model table: context windows, output limits and list prices. It lives with the contracts
// because the agent (cost, limits), the evals CLI (run prices) and the dashboard all read it.
import type { ModelInfo } from "./events.js";
import type { ProviderId } from "./providers.js";

/** A table entry: limits and list prices are always known; cache prices only where billed apart. */
export type KnownModelInfo = ModelInfo & {
	contextWindow: number;
	maxTokens: number;
	inputPrice: number;
	outputPrice: number;
};

/** What an unknown model on an open-catalogue provider is assumed to be. */
export const DEFAULT_MODEL_INFO: KnownModelInfo = {
	contextWindow: 128_000,
	maxTokens: 8_192,
	inputPrice: 0,
	outputPrice: 0,
};

interface Prices {
	input: number;
	output: number;
	cacheRead?: number;
	cacheWrite?: number;
}

function model(
	contextWindow: number,
	maxTokens: number,
	prices: Prices,
	extra: Partial<ModelInfo> = {},
): KnownModelInfo {
	const info: KnownModelInfo = {
		contextWindow,
		maxTokens,
		inputPrice: prices.input,
		outputPrice: prices.output,
		...extra,
	};
	if (prices.cacheRead !== undefined) info.cacheReadsPrice = prices.cacheRead;
	if (prices.cacheWrite !== undefined) info.cacheWritesPrice = prices.cacheWrite;
	if (prices.cacheRead !== undefined || prices.cacheWrite !== undefined) info.supportsPromptCache = true;
	return info;
}

// Prices are USD per million tokens from the providers' public price lists. Where a provider
// has tiers by prompt length (Gemini 2.5 Pro, Gemini 3 Pro), the table holds the lower tier.
// Anthropic cache writes are the 5-minute rate (1.25x input); cache reads are 0.1x input.

const claudeOpus46 = model(1_000_000, 128_000, { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 });
const claudeOpus45 = model(200_000, 64_000, { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 });
const claudeOpus41 = model(200_000, 32_000, { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 });
const claudeOpus4 = claudeOpus41;
const claudeSonnet46 = model(1_000_000, 128_000, { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
const claudeSonnet45 = model(200_000, 64_000, { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
const claudeSonnet4 = claudeSonnet45;
const claudeSonnet37 = claudeSonnet45;
const claudeSonnet35 = model(200_000, 8_192, { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 });
const claudeHaiku45 = model(200_000, 64_000, { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 });
const claudeHaiku35 = model(200_000, 8_192, { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 });
const claudeHaiku3 = model(200_000, 4_096, { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 });

const withImages = { supportsImages: true };

export const anthropicModels: Record<string, KnownModelInfo> = {
	"claude-opus-4-6": { ...claudeOpus46, ...withImages },
	"claude-opus-4-5": { ...claudeOpus45, ...withImages },
	"claude-opus-4-5-20251101": { ...claudeOpus45, ...withImages },
	"claude-opus-4-1": { ...claudeOpus41, ...withImages },
	"claude-opus-4-1-20250805": { ...claudeOpus41, ...withImages },
	"claude-opus-4-0": { ...claudeOpus4, ...withImages },
	"claude-opus-4-20250514": { ...claudeOpus4, ...withImages },
	"claude-sonnet-4-6": { ...claudeSonnet46, ...withImages },
	"claude-sonnet-4-5": { ...claudeSonnet45, ...withImages },
	"claude-sonnet-4-5-20250929": { ...claudeSonnet45, ...withImages },
	"claude-sonnet-4-0": { ...claudeSonnet4, ...withImages },
	"claude-sonnet-4-20250514": { ...claudeSonnet4, ...withImages },
	"claude-3-7-sonnet-latest": { ...claudeSonnet37, ...withImages },
	"claude-3-7-sonnet-20250219": { ...claudeSonnet37, ...withImages },
	"claude-3-5-sonnet-latest": { ...claudeSonnet35, ...withImages },
	"claude-3-5-sonnet-20241022": { ...claudeSonnet35, ...withImages },
	"claude-3-5-sonnet-20240620": { ...claudeSonnet35, ...withImages },
	"claude-haiku-4-5": { ...claudeHaiku45, ...withImages },
	"claude-haiku-4-5-20251001": { ...claudeHaiku45, ...withImages },
	"claude-3-5-haiku-latest": claudeHaiku35,
	"claude-3-5-haiku-20241022": claudeHaiku35,
	"claude-3-haiku-20240307": { ...claudeHaiku3, ...withImages },
};

// OpenAI bills no cache writes; cached input is read at the listed "cached input" price.
const gpt5 = model(400_000, 128_000, { input: 1.25, output: 10, cacheRead: 0.125 }, withImages);
const gpt5Mini = model(400_000, 128_000, { input: 0.25, output: 2, cacheRead: 0.025 }, withImages);
const gpt5Nano = model(400_000, 128_000, { input: 0.05, output: 0.4, cacheRead: 0.005 }, withImages);
const gpt52 = model(400_000, 128_000, { input: 1.75, output: 14, cacheRead: 0.175 }, withImages);
const gpt41 = model(1_047_576, 32_768, { input: 2, output: 8, cacheRead: 0.5 }, withImages);
const gpt41Mini = model(1_047_576, 32_768, { input: 0.4, output: 1.6, cacheRead: 0.1 }, withImages);
const gpt41Nano = model(1_047_576, 32_768, { input: 0.1, output: 0.4, cacheRead: 0.025 }, withImages);
const gpt4o = model(128_000, 16_384, { input: 2.5, output: 10, cacheRead: 1.25 }, withImages);
const gpt4oMini = model(128_000, 16_384, { input: 0.15, output: 0.6, cacheRead: 0.075 }, withImages);
const o3 = model(200_000, 100_000, { input: 2, output: 8, cacheRead: 0.5 }, withImages);
const o4Mini = model(200_000, 100_000, { input: 1.1, output: 4.4, cacheRead: 0.275 }, withImages);
const o3Mini = model(200_000, 100_000, { input: 1.1, output: 4.4, cacheRead: 0.55 });
const o1 = model(200_000, 100_000, { input: 15, output: 60, cacheRead: 7.5 }, withImages);

export const openAiModels: Record<string, KnownModelInfo> = {
	"gpt-5.2": gpt52,
	"gpt-5.1": gpt5,
	"gpt-5.1-codex": gpt5,
	"gpt-5.1-codex-mini": gpt5Mini,
	"gpt-5": gpt5,
	"gpt-5-2025-08-07": gpt5,
	"gpt-5-codex": gpt5,
	"gpt-5-mini": gpt5Mini,
	"gpt-5-mini-2025-08-07": gpt5Mini,
	"gpt-5-nano": gpt5Nano,
	"gpt-5-nano-2025-08-07": gpt5Nano,
	"gpt-4.1": gpt41,
	"gpt-4.1-2025-04-14": gpt41,
	"gpt-4.1-mini": gpt41Mini,
	"gpt-4.1-mini-2025-04-14": gpt41Mini,
	"gpt-4.1-nano": gpt41Nano,
	"gpt-4.1-nano-2025-04-14": gpt41Nano,
	"gpt-4o": gpt4o,
	"gpt-4o-2024-11-20": gpt4o,
	"gpt-4o-2024-08-06": gpt4o,
	"gpt-4o-mini": gpt4oMini,
	"gpt-4o-mini-2024-07-18": gpt4oMini,
	o3,
	"o3-2025-04-16": o3,
	"o4-mini": o4Mini,
	"o4-mini-2025-04-16": o4Mini,
	"o3-mini": o3Mini,
	"o3-mini-2025-01-31": o3Mini,
	o1,
};

// Gemini's cache storage is billed per hour, not per written token, so no write price here.
const gemini3Pro = model(1_048_576, 65_536, { input: 2, output: 12, cacheRead: 0.2 }, withImages);
const gemini25Pro = model(1_048_576, 65_536, { input: 1.25, output: 10, cacheRead: 0.125 }, withImages);
const gemini25Flash = model(1_048_576, 65_536, { input: 0.3, output: 2.5, cacheRead: 0.03 }, withImages);
const gemini25FlashLite = model(1_048_576, 65_536, { input: 0.1, output: 0.4, cacheRead: 0.01 }, withImages);
const gemini20Flash = model(1_048_576, 8_192, { input: 0.1, output: 0.4, cacheRead: 0.025 }, withImages);

export const geminiModels: Record<string, KnownModelInfo> = {
	"gemini-3-pro-preview": gemini3Pro,
	"gemini-2.5-pro": gemini25Pro,
	"gemini-2.5-flash": gemini25Flash,
	"gemini-2.5-flash-lite": gemini25FlashLite,
	"gemini-2.0-flash": gemini20Flash,
	"gemini-2.0-flash-001": gemini20Flash,
};

// Vertex serves Gemini at the Gemini API prices, and Claude under `name@date` ids.
export const vertexModels: Record<string, KnownModelInfo> = {
	...geminiModels,
	"claude-opus-4-5@20251101": { ...claudeOpus45, ...withImages },
	"claude-opus-4-1@20250805": { ...claudeOpus41, ...withImages },
	"claude-opus-4@20250514": { ...claudeOpus4, ...withImages },
	"claude-sonnet-4-5@20250929": { ...claudeSonnet45, ...withImages },
	"claude-sonnet-4@20250514": { ...claudeSonnet4, ...withImages },
	"claude-3-7-sonnet@20250219": { ...claudeSonnet37, ...withImages },
	"claude-3-5-sonnet-v2@20241022": { ...claudeSonnet35, ...withImages },
	"claude-haiku-4-5@20251001": { ...claudeHaiku45, ...withImages },
	"claude-3-5-haiku@20241022": claudeHaiku35,
};

// Bedrock ids may carry a cross-region prefix (us., eu., apac., global.); lookups strip it.
export const bedrockModels: Record<string, KnownModelInfo> = {
	"anthropic.claude-opus-4-5-20251101-v1:0": { ...claudeOpus45, ...withImages },
	"anthropic.claude-opus-4-1-20250805-v1:0": { ...claudeOpus41, ...withImages },
	"anthropic.claude-opus-4-20250514-v1:0": { ...claudeOpus4, ...withImages },
	"anthropic.claude-sonnet-4-5-20250929-v1:0": { ...claudeSonnet45, ...withImages },
	"anthropic.claude-sonnet-4-20250514-v1:0": { ...claudeSonnet4, ...withImages },
	"anthropic.claude-3-7-sonnet-20250219-v1:0": { ...claudeSonnet37, ...withImages },
	"anthropic.claude-3-5-sonnet-20241022-v2:0": { ...claudeSonnet35, ...withImages },
	"anthropic.claude-haiku-4-5-20251001-v1:0": { ...claudeHaiku45, ...withImages },
	"anthropic.claude-3-5-haiku-20241022-v1:0": claudeHaiku35,
	"amazon.nova-pro-v1:0": model(300_000, 5_000, { input: 0.8, output: 3.2, cacheRead: 0.2 }, withImages),
	"amazon.nova-lite-v1:0": model(300_000, 5_000, { input: 0.06, output: 0.24, cacheRead: 0.015 }, withImages),
	"amazon.nova-micro-v1:0": model(128_000, 5_000, { input: 0.035, output: 0.14, cacheRead: 0.00875 }),
	"meta.llama3-3-70b-instruct-v1:0": model(128_000, 8_192, { input: 0.72, output: 0.72 }),
	"deepseek.r1-v1:0": model(128_000, 32_768, { input: 1.35, output: 5.4 }),
};

// Mistral does not publish separate output limits; 16k is what its API accepts for all of these.
const codestral = model(256_000, 16_384, { input: 0.3, output: 0.9 });
const devstralMedium = model(131_072, 16_384, { input: 0.4, output: 2 });

export const mistralModels: Record<string, KnownModelInfo> = {
	"mistral-large-latest": model(262_144, 16_384, { input: 0.5, output: 1.5 }, withImages),
	"mistral-large-2411": model(131_072, 16_384, { input: 2, output: 6 }),
	"mistral-medium-latest": model(131_072, 16_384, { input: 0.4, output: 2 }, withImages),
	"mistral-small-latest": model(131_072, 16_384, { input: 0.1, output: 0.3 }, withImages),
	"codestral-latest": codestral,
	"devstral-medium-latest": devstralMedium,
	"devstral-small-latest": model(131_072, 16_384, { input: 0.1, output: 0.3 }),
};

const grok4 = model(256_000, 32_768, { input: 3, output: 15, cacheRead: 0.75 }, withImages);
const grok4Fast = model(2_000_000, 32_768, { input: 0.2, output: 0.5, cacheRead: 0.05 }, withImages);

export const xaiModels: Record<string, KnownModelInfo> = {
	"grok-4": grok4,
	"grok-4-0709": grok4,
	"grok-4-fast-reasoning": grok4Fast,
	"grok-4-fast-non-reasoning": grok4Fast,
	"grok-4-1-fast-reasoning": grok4Fast,
	"grok-4-1-fast-non-reasoning": grok4Fast,
	"grok-code-fast-1": model(256_000, 32_768, { input: 0.2, output: 1.5, cacheRead: 0.02 }),
	"grok-3": model(131_072, 8_192, { input: 3, output: 15, cacheRead: 0.75 }),
	"grok-3-mini": model(131_072, 8_192, { input: 0.3, output: 0.5, cacheRead: 0.075 }),
};

// DeepSeek V3.2 prices: a cache miss is billed at the input price, a hit at a tenth of it.
const deepSeekPrices = { input: 0.28, output: 0.42, cacheRead: 0.028, cacheWrite: 0.28 };
const deepSeekChat = model(128_000, 8_192, deepSeekPrices);
const deepSeekReasoner = model(128_000, 65_536, deepSeekPrices);

export const deepSeekModels: Record<string, KnownModelInfo> = {
	"deepseek-chat": deepSeekChat,
	"deepseek-reasoner": deepSeekReasoner,
};

export const groqModels: Record<string, KnownModelInfo> = {
	"llama-3.3-70b-versatile": model(131_072, 32_768, { input: 0.59, output: 0.79 }),
	"llama-3.1-8b-instant": model(131_072, 131_072, { input: 0.05, output: 0.08 }),
	"meta-llama/llama-4-scout-17b-16e-instruct": model(131_072, 8_192, { input: 0.11, output: 0.34 }, withImages),
	"meta-llama/llama-4-maverick-17b-128e-instruct": model(131_072, 8_192, { input: 0.2, output: 0.6 }, withImages),
	"openai/gpt-oss-120b": model(131_072, 65_536, { input: 0.15, output: 0.75 }),
	"openai/gpt-oss-20b": model(131_072, 65_536, { input: 0.1, output: 0.5 }),
	"moonshotai/kimi-k2-instruct-0905": model(262_144, 16_384, { input: 1, output: 3, cacheRead: 0.5 }),
	"qwen/qwen3-32b": model(131_072, 40_960, { input: 0.29, output: 0.59 }),
};

export const cerebrasModels: Record<string, KnownModelInfo> = {
	"gpt-oss-120b": model(131_072, 40_960, { input: 0.35, output: 0.75 }),
	"qwen-3-coder-480b": model(131_072, 40_960, { input: 2, output: 2 }),
	"qwen-3-235b-a22b-instruct-2507": model(131_072, 40_960, { input: 0.6, output: 1.2 }),
	"qwen-3-32b": model(131_072, 40_960, { input: 0.4, output: 0.8 }),
	"llama-3.3-70b": model(128_000, 8_192, { input: 0.85, output: 1.2 }),
	"llama3.1-8b": model(32_768, 8_192, { input: 0.1, output: 0.1 }),
};

export const sambaNovaModels: Record<string, KnownModelInfo> = {
	"Meta-Llama-3.3-70B-Instruct": model(131_072, 8_192, { input: 0.6, output: 1.2 }),
	"Llama-4-Maverick-17B-128E-Instruct": model(131_072, 8_192, { input: 0.63, output: 1.8 }, withImages),
	"DeepSeek-V3.1": model(131_072, 8_192, { input: 3, output: 4.5 }),
	"DeepSeek-V3-0324": model(131_072, 8_192, { input: 3, output: 4.5 }),
	"DeepSeek-R1-0528": model(131_072, 32_768, { input: 5, output: 7 }),
	"Qwen3-32B": model(32_768, 8_192, { input: 0.4, output: 0.8 }),
	"gpt-oss-120b": model(131_072, 32_768, { input: 0.22, output: 0.59 }),
};

const kimiK2 = model(262_144, 32_768, { input: 0.6, output: 2.5, cacheRead: 0.15 });

export const moonshotModels: Record<string, KnownModelInfo> = {
	"kimi-k2-0905-preview": kimiK2,
	"kimi-k2-thinking": kimiK2,
	"kimi-k2-0711-preview": model(131_072, 32_768, { input: 0.6, output: 2.5, cacheRead: 0.15 }),
	"kimi-k2-turbo-preview": model(262_144, 32_768, { input: 1.15, output: 8, cacheRead: 0.15 }),
};

const glm46 = model(204_800, 131_072, { input: 0.6, output: 2.2, cacheRead: 0.11 });

export const zaiModels: Record<string, KnownModelInfo> = {
	"glm-4.6": glm46,
	"glm-4.5": model(131_072, 98_304, { input: 0.6, output: 2.2, cacheRead: 0.11 }),
	"glm-4.5-air": model(131_072, 98_304, { input: 0.2, output: 1.1, cacheRead: 0.03 }),
	"glm-4.5-flash": model(131_072, 98_304, { input: 0, output: 0 }),
};

export const fireworksModels: Record<string, KnownModelInfo> = {
	"accounts/fireworks/models/kimi-k2-instruct-0905": model(262_144, 16_384, { input: 0.6, output: 2.5 }),
	"accounts/fireworks/models/kimi-k2-instruct": model(131_072, 16_384, { input: 0.6, output: 2.5 }),
	"accounts/fireworks/models/qwen3-coder-480b-a35b-instruct": model(262_144, 32_768, { input: 0.45, output: 1.8 }),
	"accounts/fireworks/models/deepseek-v3p1": model(163_840, 16_384, { input: 0.56, output: 1.68 }),
	"accounts/fireworks/models/glm-4p6": model(202_752, 32_768, { input: 0.55, output: 2.19 }),
	"accounts/fireworks/models/gpt-oss-120b": model(131_072, 32_768, { input: 0.15, output: 0.6 }),
};

export const togetherModels: Record<string, KnownModelInfo> = {
	"Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8": model(262_144, 32_768, { input: 2, output: 2 }),
	"moonshotai/Kimi-K2-Instruct-0905": model(262_144, 16_384, { input: 1, output: 3 }),
	"deepseek-ai/DeepSeek-V3": model(131_072, 8_192, { input: 1.25, output: 1.25 }),
	"meta-llama/Llama-3.3-70B-Instruct-Turbo": model(131_072, 8_192, { input: 0.88, output: 0.88 }),
	"openai/gpt-oss-120b": model(131_072, 32_768, { input: 0.15, output: 0.6 }),
};

// Aggregators (OpenRouter, Requesty, Vercel AI Gateway, LiteLLM) pass the upstream list price
// through, so a `vendor/model` slug is priced from the vendor's own table.
const aggregatorVendors: Record<string, Record<string, KnownModelInfo>> = {
	anthropic: anthropicModels,
	openai: openAiModels,
	google: geminiModels,
	"x-ai": xaiModels,
	xai: xaiModels,
	mistralai: mistralModels,
	mistral: mistralModels,
	deepseek: deepSeekModels,
	moonshotai: moonshotModels,
	"z-ai": zaiModels,
	zai: zaiModels,
};

// Slugs whose name differs from the vendor's own id (OpenRouter and Vercel write versions with dots).
export const aggregatorModels: Record<string, KnownModelInfo> = {
	"anthropic/claude-opus-4.6": claudeOpus46,
	"anthropic/claude-opus-4.5": claudeOpus45,
	"anthropic/claude-opus-4.1": claudeOpus41,
	"anthropic/claude-opus-4": claudeOpus4,
	"anthropic/claude-sonnet-4.6": claudeSonnet46,
	"anthropic/claude-sonnet-4.5": claudeSonnet45,
	"anthropic/claude-sonnet-4": claudeSonnet4,
	"anthropic/claude-3.7-sonnet": claudeSonnet37,
	"anthropic/claude-3.5-sonnet": claudeSonnet35,
	"anthropic/claude-haiku-4.5": claudeHaiku45,
	"anthropic/claude-3.5-haiku": claudeHaiku35,
	"google/gemini-3-pro-preview": gemini3Pro,
	"google/gemini-2.5-pro": gemini25Pro,
	"google/gemini-2.5-flash": gemini25Flash,
	"x-ai/grok-4-fast": grok4Fast,
	"deepseek/deepseek-chat": deepSeekChat,
	"moonshotai/kimi-k2-0905": kimiK2,
	"z-ai/glm-4.6": glm46,
	"mistralai/codestral-2508": codestral,
	"mistralai/devstral-medium": devstralMedium,
};

function own<T>(table: Record<string, T>, id: string): T | undefined {
	return Object.hasOwn(table, id) ? table[id] : undefined;
}

function lookupAggregatorSlug(modelId: string): KnownModelInfo | undefined {
	const exact = own(aggregatorModels, modelId);
	if (exact) return exact;
	const slash = modelId.indexOf("/");
	if (slash <= 0) return undefined;
	const vendor = own(aggregatorVendors, modelId.slice(0, slash).toLowerCase());
	return vendor && own(vendor, modelId.slice(slash + 1));
}

/** The table each provider's model ids are looked up in (undefined: ids are never priced). */
const providerTables: Partial<Record<ProviderId, Record<string, KnownModelInfo>>> = {
	anthropic: anthropicModels,
	openai: openAiModels,
	"openai-native": openAiModels,
	"openai-compatible": openAiModels,
	gemini: geminiModels,
	vertex: vertexModels,
	bedrock: bedrockModels,
	mistral: mistralModels,
	xai: xaiModels,
	groq: groqModels,
	deepseek: deepSeekModels,
	cerebras: cerebrasModels,
	sambanova: sambaNovaModels,
	moonshot: moonshotModels,
	zai: zaiModels,
	fireworks: fireworksModels,
	together: togetherModels,
};

const aggregatorProviders: ReadonlySet<ProviderId> = new Set([
	"openrouter",
	"requesty",
	"vercel-ai-gateway",
	"litellm",
]);

/**
 * What the table knows about a model id on a provider, or undefined. Local runtimes (ollama,
 * lmstudio) are never priced: the same open-weights name costs nothing there.
 */
export function lookupModelInfo(providerId: ProviderId, modelId: string): KnownModelInfo | undefined {
	if (aggregatorProviders.has(providerId)) {
		// LiteLLM model names are often the vendor's bare id, so try the first-party tables too.
		return (
			lookupAggregatorSlug(modelId) ??
			(providerId === "litellm"
				? (own(anthropicModels, modelId) ?? own(openAiModels, modelId) ?? own(geminiModels, modelId))
				: undefined)
		);
	}
	const table = providerTables[providerId];
	if (!table) return undefined;
	const direct = own(table, modelId);
	if (direct) return direct;
	if (providerId === "bedrock") return own(table, modelId.replace(/^(us|eu|apac|jp|au|us-gov|global)\./, ""));
	return undefined;
}

/**
 * Every model the tables know, by id (for `modelsResponse`), or only a provider's. Where two
 * providers use the same id, the first-party table wins. Each entry says `supportsPromptCache`
 * (false where the table has no cache prices): Roo Code's schema requires it, like
 * `contextWindow`, and a Roo Code runner drops a `modelsResponse` without it.
 */
export function modelCatalog(
	providerId?: ProviderId,
): Record<string, KnownModelInfo & { supportsPromptCache: boolean }> {
	const tables =
		providerId !== undefined ? [tableFor(providerId)] : [...Object.values(providerTables), aggregatorModels];
	const catalog: Record<string, KnownModelInfo & { supportsPromptCache: boolean }> = {};
	for (const table of tables) {
		for (const [id, info] of Object.entries(table)) {
			if (!Object.hasOwn(catalog, id))
				catalog[id] = { ...info, supportsPromptCache: info.supportsPromptCache ?? false };
		}
	}
	return catalog;
}

function tableFor(providerId: ProviderId): Record<string, KnownModelInfo> {
	return aggregatorProviders.has(providerId) ? aggregatorModels : (providerTables[providerId] ?? {});
}

/** Model ids the table knows for a provider (for error messages). */
export function knownModelIds(providerId: ProviderId): string[] {
	return Object.keys(tableFor(providerId));
}
