import { type ProviderId, providerIdSchema, type Settings } from "@agent-evals/types";
import { lookupModelInfo } from "@agent-evals/types/models";

export interface ModelSpec {
	provider: ProviderId;
	modelId: string;
	/** The provider and model as settings for StartNewTask. */
	settings: Settings;
}

/**
 * Parses `provider:model` (the model may contain colons or slashes: `openrouter:meta/llama:free`).
 * `oracle` alone is the offline reference-solution model.
 */
export function parseModelSpec(spec: string): ModelSpec {
	const text = spec.trim();
	if (text === "oracle" || text === "scripted") {
		return { provider: text, modelId: text, settings: { apiProvider: text, apiModelId: text } };
	}
	const colon = text.indexOf(":");
	if (colon <= 0 || colon === text.length - 1) {
		throw new Error(`Invalid model "${spec}": use provider:model, e.g. anthropic:claude-sonnet-4-5, or "oracle".`);
	}
	const provider = text.slice(0, colon);
	const modelId = text.slice(colon + 1);
	const parsed = providerIdSchema.safeParse(provider);
	if (!parsed.success) {
		throw new Error(
			`Unknown provider "${provider}" in "${spec}". Known providers: ${providerIdSchema.options.join(", ")}.`,
		);
	}
	return { provider: parsed.data, modelId, settings: { apiProvider: parsed.data, apiModelId: modelId } };
}

/** Prices and context window for the runs table, when the model table knows the model. */
export function modelPricing(spec: ModelSpec) {
	const info = lookupModelInfo(spec.provider, spec.modelId);
	return {
		contextWindow: info?.contextWindow ?? null,
		inputPrice: info?.inputPrice ?? null,
		outputPrice: info?.outputPrice ?? null,
		cacheWritesPrice: info?.cacheWritesPrice ?? null,
		cacheReadsPrice: info?.cacheReadsPrice ?? null,
	};
}
