import type { ModelInfo, ProviderId } from "@agent-evals/types";
import type { LanguageModelV3 } from "@ai-sdk/provider";

/** A model ready to be called, with what we know about it for limits and cost. */
export interface ResolvedModel {
	providerId: ProviderId;
	modelId: string;
	model: LanguageModelV3;
	/** Context window, max output and USD prices per million tokens (0 when unknown). */
	info: Required<Pick<ModelInfo, "contextWindow" | "maxTokens">> & ModelInfo;
}

/**
 * Token counts of one model call, normalised: `inputTokens` includes cache reads and writes
 * (the AI SDK's convention, and OpenAI's). `reportedCost` is a cost the provider itself billed
 * (OpenRouter), preferred over our own arithmetic when present.
 */
export interface TurnUsage {
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	reportedCost?: number;
}

/** A user mistake in provider settings (missing key, unknown model or provider): said plainly. */
export class ProviderConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "ProviderConfigError";
	}
}
