export {
	DEFAULT_MODEL_INFO,
	type KnownModelInfo,
	knownModelIds,
	lookupModelInfo,
	modelCatalog,
} from "@agent-evals/types/models";
export {
	type AnthropicStyleUsage,
	costFromAnthropicStyle,
	costOf,
	turnUsageFromAnthropicStyle,
	usageFromAiSdk,
} from "./cost.js";
export { DEFAULT_PROVIDER_ID, type ResolveModelOptions, resolveModel } from "./registry.js";
export {
	findApiCallError,
	isRetryableError,
	isRetryableStatus,
	type RetryInfo,
	type RetryOptions,
	retryAfterMs,
	statusOf,
	withRetries,
} from "./retry.js";
export { type CollectedToolCall, type CollectedTurn, collectStream } from "./stream.js";
export * from "./types.js";
