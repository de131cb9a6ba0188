import { type ModelInfo, type ProviderId, type Settings, secretSettingEnv } from "@agent-evals/types";
import { lookupModelInfo } from "@agent-evals/types/models";

/*
 * Where a CLI agent's model lives: provider, model id, base URL and key, read from Roo Code's
 * setting names (and the usual environment variables), so `-m provider:model` and the run's
 * settings mean the same for a CLI as for our own agent. Keys never leave the environment of
 * the CLI's process (or, for a CLI that only reads files, a file removed after the run).
 */

type SecretKey = keyof typeof secretSettingEnv;

interface ProviderEndpoint {
	/** The settings key holding the key (its environment variables come from secretSettingEnv). */
	keySetting: SecretKey;
	/** The settings key of the base URL, and the environment variables read after it. */
	baseUrlSetting?: keyof Settings;
	baseUrlEnv?: readonly string[];
	/** Where the provider lives when nothing says otherwise; absent means a base URL is required. */
	defaultBaseUrl?: string;
	/** Roo Code's provider-specific model key, read before `apiModelId`. */
	modelKey?: keyof Settings;
	/** The wire format its endpoint speaks. */
	api: "anthropic" | "openai-chat" | "openai-responses" | "gemini";
}

const PROVIDERS: Partial<Record<ProviderId, ProviderEndpoint>> = {
	anthropic: {
		keySetting: "apiKey",
		baseUrlSetting: "anthropicBaseUrl",
		baseUrlEnv: ["ANTHROPIC_BASE_URL"],
		defaultBaseUrl: "https://api.anthropic.com",
		api: "anthropic",
	},
	"openai-compatible": {
		keySetting: "openAiApiKey",
		baseUrlSetting: "openAiBaseUrl",
		baseUrlEnv: ["OPENAI_BASE_URL"],
		modelKey: "openAiModelId",
		api: "openai-chat",
	},
	openai: {
		keySetting: "openAiApiKey",
		baseUrlSetting: "openAiBaseUrl",
		baseUrlEnv: ["OPENAI_BASE_URL"],
		defaultBaseUrl: "https://api.openai.com/v1",
		modelKey: "openAiModelId",
		api: "openai-chat",
	},
	"openai-native": {
		keySetting: "openAiNativeApiKey",
		baseUrlSetting: "openAiNativeBaseUrl",
		baseUrlEnv: ["OPENAI_BASE_URL"],
		defaultBaseUrl: "https://api.openai.com/v1",
		api: "openai-responses",
	},
	openrouter: {
		keySetting: "openRouterApiKey",
		baseUrlSetting: "openRouterBaseUrl",
		baseUrlEnv: ["OPENROUTER_BASE_URL"],
		defaultBaseUrl: "https://openrouter.ai/api/v1",
		modelKey: "openRouterModelId",
		api: "openai-chat",
	},
	gemini: {
		keySetting: "geminiApiKey",
		baseUrlSetting: "googleGeminiBaseUrl",
		baseUrlEnv: ["GOOGLE_GEMINI_BASE_URL", "GEMINI_BASE_URL"],
		defaultBaseUrl: "https://generativelanguage.googleapis.com",
		api: "gemini",
	},
	deepseek: {
		keySetting: "deepSeekApiKey",
		baseUrlSetting: "deepSeekBaseUrl",
		defaultBaseUrl: "https://api.deepseek.com/v1",
		api: "openai-chat",
	},
	groq: { keySetting: "groqApiKey", defaultBaseUrl: "https://api.groq.com/openai/v1", api: "openai-chat" },
	xai: { keySetting: "xaiApiKey", defaultBaseUrl: "https://api.x.ai/v1", api: "openai-chat" },
	mistral: { keySetting: "mistralApiKey", defaultBaseUrl: "https://api.mistral.ai/v1", api: "openai-chat" },
	litellm: {
		keySetting: "litellmApiKey",
		baseUrlSetting: "litellmBaseUrl",
		modelKey: "litellmModelId",
		api: "openai-chat",
	},
	ollama: {
		keySetting: "ollamaApiKey",
		baseUrlSetting: "ollamaBaseUrl",
		defaultBaseUrl: "http://localhost:11434/v1",
		modelKey: "ollamaModelId",
		api: "openai-chat",
	},
	lmstudio: {
		keySetting: "openAiApiKey",
		baseUrlSetting: "lmStudioBaseUrl",
		defaultBaseUrl: "http://localhost:1234/v1",
		modelKey: "lmStudioModelId",
		api: "openai-chat",
	},
};

/** Providers a CLI speaking `api` can be pointed at. */
export function providersSpeaking(...apis: ProviderEndpoint["api"][]): ProviderId[] {
	return Object.entries(PROVIDERS)
		.filter(([, endpoint]) => endpoint && apis.includes(endpoint.api))
		.map(([id]) => id as ProviderId);
}

/** The model a task asked for, resolved: everything a CLI needs to reach it. */
export interface Endpoint {
	provider: string;
	modelId: string;
	/** No trailing slash. Undefined: the CLI's own default for the provider. */
	baseUrl: string | undefined;
	apiKey: string | undefined;
	/** Where the key came from (a settings key or variable name), for messages; never the key. */
	keySource: string | undefined;
	api: ProviderEndpoint["api"];
	/** Prices for the cost when the CLI reports none: the run's `modelInfo`, else the model table. */
	prices: Pick<ModelInfo, "inputPrice" | "outputPrice" | "cacheReadsPrice" | "cacheWritesPrice"> | undefined;
	/** True when the run described the model itself (`modelInfo`): its prices beat a CLI's own estimate. */
	pricesFromRun: boolean;
}

/** A task the CLI cannot run as configured: said to the runner as the task's error. */
export class EndpointError extends Error {
	override readonly name = "EndpointError";
}

function text(value: unknown): string | undefined {
	return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function resolveEndpoint(settings: Settings, env: NodeJS.ProcessEnv, supported: readonly string[]): Endpoint {
	const provider = text(settings.apiProvider) ?? "anthropic";
	const spec = PROVIDERS[provider as ProviderId];
	if (!spec || !supported.includes(provider)) {
		throw new EndpointError(`provider "${provider}" is not supported here (supported: ${supported.join(", ")})`);
	}
	const modelId = text(spec.modelKey ? settings[spec.modelKey] : undefined) ?? text(settings.apiModelId);
	if (!modelId) throw new EndpointError(`no model: set "apiModelId" (e.g. -m ${provider}:<model>)`);
	const fromSettings = spec.baseUrlSetting ? text(settings[spec.baseUrlSetting]) : undefined;
	const fromEnv = (spec.baseUrlEnv ?? []).map((name) => text(env[name])).find((value) => value !== undefined);
	const baseUrl = (fromSettings ?? fromEnv ?? spec.defaultBaseUrl)?.replace(/\/+$/, "");
	if (!baseUrl) {
		throw new EndpointError(
			`provider "${provider}" needs a base URL: set "${String(spec.baseUrlSetting)}" in the settings (e.g. --set ${String(spec.baseUrlSetting)}=http://host/v1)`,
		);
	}
	let apiKey = text(settings[spec.keySetting]);
	let keySource: string | undefined = apiKey ? spec.keySetting : undefined;
	if (!apiKey) {
		for (const name of secretSettingEnv[spec.keySetting]) {
			apiKey = text(env[name]);
			if (apiKey) {
				keySource = name;
				break;
			}
		}
	}
	const ownInfo = settings.modelInfo;
	const runPrices = ownInfo && (ownInfo.inputPrice !== undefined || ownInfo.outputPrice !== undefined);
	const table = lookupModelInfo(provider as ProviderId, modelId);
	return {
		provider,
		modelId,
		baseUrl,
		apiKey,
		keySource,
		api: spec.api,
		prices: runPrices ? ownInfo : table,
		pricesFromRun: Boolean(runPrices),
	};
}

/** The key a CLI must have, or an error naming where to put it. */
export function requireKey(endpoint: Endpoint): string {
	if (endpoint.apiKey) return endpoint.apiKey;
	const spec = PROVIDERS[endpoint.provider as ProviderId];
	// Local servers take any key; the CLIs still insist on one.
	if (endpoint.provider === "ollama" || endpoint.provider === "lmstudio") return "local";
	const names = spec ? secretSettingEnv[spec.keySetting].join(" or ") : "the provider's key variable";
	throw new EndpointError(`no API key for provider "${endpoint.provider}": set ${names} in the environment`);
}
