import type { ModelInfo } from "@agent-evals/types";
import type { LanguageModelUsage, ProviderMetadata } from "ai";
import type { TurnUsage } from "./types.js";

type Prices = Pick<ModelInfo, "inputPrice" | "outputPrice" | "cacheWritesPrice" | "cacheReadsPrice">;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows `path` through nested objects; a non-negative finite number at the end, else undefined. */
function numberAt(root: unknown, ...path: string[]): number | undefined {
	let value: unknown = root;
	for (const key of path) {
		if (!isRecord(value)) return undefined;
		value = value[key];
	}
	return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Normalises the AI SDK's usage of one call. The SDK fills `inputTokenDetails` for the providers
 * we use; the provider metadata is read only when a provider (or an older adapter) left the
 * cache counts out, so they are never counted twice.
 */
export function usageFromAiSdk(usage: LanguageModelUsage, providerMetadata?: ProviderMetadata): TurnUsage {
	const details = usage.inputTokenDetails as LanguageModelUsage["inputTokenDetails"] | undefined;
	const cacheReadTokens =
		details?.cacheReadTokens ??
		usage.cachedInputTokens ??
		numberAt(providerMetadata, "anthropic", "usage", "cache_read_input_tokens") ??
		numberAt(providerMetadata, "bedrock", "usage", "cacheReadInputTokens") ??
		numberAt(providerMetadata, "openrouter", "usage", "promptTokensDetails", "cachedTokens") ??
		0;
	const cacheWriteTokens =
		details?.cacheWriteTokens ??
		numberAt(providerMetadata, "anthropic", "cacheCreationInputTokens") ??
		numberAt(providerMetadata, "anthropic", "usage", "cache_creation_input_tokens") ??
		numberAt(providerMetadata, "bedrock", "usage", "cacheWriteInputTokens") ??
		0;
	const result: TurnUsage = {
		inputTokens: usage.inputTokens ?? 0,
		outputTokens: usage.outputTokens ?? 0,
		cacheReadTokens,
		cacheWriteTokens,
	};
	// OpenRouter bills in USD credits and says what it billed; that beats any table.
	const reportedCost = numberAt(providerMetadata, "openrouter", "usage", "cost");
	if (reportedCost !== undefined) result.reportedCost = reportedCost;
	return result;
}

/**
 * USD cost of one call. `usage.inputTokens` includes cache reads and writes (OpenAI-style).
 * Missing cache prices fall back to the input price: a provider that does not price the cache
 * separately bills those tokens as ordinary input.
 */
export function costOf(usage: TurnUsage, info: Prices): number {
	if (usage.reportedCost !== undefined) return usage.reportedCost;
	const inputPrice = info.inputPrice ?? 0;
	const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
	return (
		(uncached * inputPrice +
			usage.cacheWriteTokens * (info.cacheWritesPrice ?? inputPrice) +
			usage.cacheReadTokens * (info.cacheReadsPrice ?? inputPrice) +
			usage.outputTokens * (info.outputPrice ?? 0)) /
		1_000_000
	);
}

/** Counts as Anthropic reports them: `input` EXCLUDES the cache reads and writes. */
export interface AnthropicStyleUsage {
	input: number;
	output: number;
	cacheRead?: number;
	cacheWrite?: number;
}

/** USD cost from Anthropic-style counts; equals `costOf` of the same call counted OpenAI-style. */
export function costFromAnthropicStyle(usage: AnthropicStyleUsage, info: Prices): number {
	return costOf(turnUsageFromAnthropicStyle(usage), info);
}

/** Converts Anthropic-style counts (cache outside input) to TurnUsage (cache inside input). */
export function turnUsageFromAnthropicStyle(usage: AnthropicStyleUsage): TurnUsage {
	const cacheReadTokens = usage.cacheRead ?? 0;
	const cacheWriteTokens = usage.cacheWrite ?? 0;
	return {
		inputTokens: usage.input + cacheReadTokens + cacheWriteTokens,
		outputTokens: usage.output,
		cacheReadTokens,
		cacheWriteTokens,
	};
}
