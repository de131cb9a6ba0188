import type { Settings } from "@agent-evals/types";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { OracleModel, parseOfflineSettings } from "./oracle.js";
import { ScriptedModel } from "./scripted.js";

export { OracleModel } from "./oracle.js";
export { ScriptedModel } from "./scripted.js";

/** Builds one of the offline models; throws ProviderConfigError for a bad configuration. */
export function createOfflineModel(
	providerId: "oracle" | "scripted",
	modelId: string,
	settings: Settings,
): LanguageModelV3 {
	const offline = parseOfflineSettings(settings);
	return providerId === "oracle" ? new OracleModel(modelId, offline) : new ScriptedModel(modelId, offline);
}
