import { z } from "zod";
import { modelInfoSchema } from "./events.js";
import { type ProviderId, providerIds } from "./providers.js";

export { type ProviderId, providerIds };

export const providerIdSchema = z.enum(providerIds);

/** Offline providers run with no network and no key. */
export const offlineProviderIds = ["oracle", "scripted"] as const satisfies readonly ProviderId[];

const secret = z.string();
const url = z.url({ error: "must be an absolute URL such as https://host/v1" });
const flag = z.boolean();
const seconds = z.number().nonnegative();

/**
 * The settings object carried by `StartNewTask.configuration` and read from settings files.
 * Key names follow Roo Code so a Roo Code runner and ours send the same object. Known keys are
 * type-checked; unknown keys are preserved, because Roo Code has hundreds of settings and a relay
 * must not drop the ones it does not understand. `apiProvider` is any string here: the agent
 * refuses providers it cannot run with its own message, instead of the whole command being dropped.
 */
export const settingsSchema = z.looseObject({
	// Provider and model
	apiProvider: z.string().min(1).optional(),
	apiModelId: z.string().min(1).optional(),
	modelTemperature: z.number().min(0).max(2).nullable().optional(),
	modelMaxTokens: z.number().int().positive().optional(),
	// Describes a model the agent has no table entry for (context window, max output, prices).
	modelInfo: modelInfoSchema.optional(),

	// Keys and endpoints (secrets: never stored, logged or streamed; see secretSettingKeys)
	apiKey: secret.optional(),
	anthropicBaseUrl: url.optional(),
	openAiApiKey: secret.optional(),
	openAiBaseUrl: url.optional(),
	openAiModelId: z.string().optional(),
	openAiHeaders: z.record(z.string(), z.string()).optional(),
	openAiNativeApiKey: secret.optional(),
	openAiNativeBaseUrl: url.optional(),
	openRouterApiKey: secret.optional(),
	openRouterBaseUrl: url.optional(),
	openRouterModelId: z.string().optional(),
	geminiApiKey: secret.optional(),
	googleGeminiBaseUrl: url.optional(),
	vertexProjectId: z.string().optional(),
	vertexRegion: z.string().optional(),
	vertexJsonCredentials: secret.optional(),
	awsAccessKey: secret.optional(),
	awsSecretKey: secret.optional(),
	awsSessionToken: secret.optional(),
	awsRegion: z.string().optional(),
	mistralApiKey: secret.optional(),
	xaiApiKey: secret.optional(),
	groqApiKey: secret.optional(),
	deepSeekApiKey: secret.optional(),
	deepSeekBaseUrl: url.optional(),
	ollamaBaseUrl: url.optional(),
	ollamaModelId: z.string().optional(),
	lmStudioBaseUrl: url.optional(),
	lmStudioModelId: z.string().optional(),
	litellmApiKey: secret.optional(),
	litellmBaseUrl: url.optional(),
	litellmModelId: z.string().optional(),
	fireworksApiKey: secret.optional(),
	togetherApiKey: secret.optional(),
	cerebrasApiKey: secret.optional(),
	sambaNovaApiKey: secret.optional(),
	requestyApiKey: secret.optional(),
	requestyBaseUrl: url.optional(),
	moonshotApiKey: secret.optional(),
	moonshotBaseUrl: url.optional(),
	zaiApiKey: secret.optional(),
	vercelAiGatewayApiKey: secret.optional(),

	// Auto-approval (an eval agent runs unattended, so everything is approved by default)
	autoApprovalEnabled: flag.optional(),
	alwaysAllowReadOnly: flag.optional(),
	alwaysAllowReadOnlyOutsideWorkspace: flag.optional(),
	alwaysAllowWrite: flag.optional(),
	alwaysAllowWriteOutsideWorkspace: flag.optional(),
	alwaysAllowExecute: flag.optional(),
	alwaysAllowBrowser: flag.optional(),
	alwaysAllowMcp: flag.optional(),
	alwaysAllowModeSwitch: flag.optional(),
	alwaysAllowSubtasks: flag.optional(),
	alwaysAllowFollowupQuestions: flag.optional(),
	alwaysApproveResubmit: flag.optional(),
	allowedCommands: z.array(z.string()).optional(),
	deniedCommands: z.array(z.string()).optional(),

	// Limits and timeouts
	commandExecutionTimeout: seconds.optional(),
	apiRequestTimeout: seconds.optional(),
	requestDelaySeconds: seconds.optional(),
	consecutiveMistakeLimit: z.number().int().nonnegative().optional(),
	allowedMaxRequests: z.number().int().positive().nullable().optional(),
	allowedMaxCost: z.number().positive().nullable().optional(),
	terminalOutputLineLimit: z.number().int().positive().optional(),

	/**
	 * Ours: the model a task continues with when `apiProvider`/`apiModelId` fail in a way retries
	 * do not fix. The other settings (base URLs, keys from the environment) apply to it too.
	 */
	fallbackApiProvider: z.string().min(1).optional(),
	fallbackApiModelId: z.string().min(1).optional(),

	// Behaviour
	mode: z.string().optional(),
	customInstructions: z.string().optional(),
	mcpEnabled: flag.optional(),
	/** Replaces the global MCP config file (`<AGENT_EVALS_HOME>/mcp.json`) for this run. */
	mcpConfigPath: z.string().min(1).optional(),
	/**
	 * MCP servers for this run, by name, on top of the global and project files. Each is checked
	 * on its own by the agent (mcpServerConfigSchema), so one bad entry skips only that server.
	 */
	mcpServers: z.record(z.string(), z.unknown()).optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Settings keys that hold secrets, by name. */
export const secretSettingKeys = [
	"apiKey",
	"openAiApiKey",
	"openAiNativeApiKey",
	"openRouterApiKey",
	"geminiApiKey",
	"vertexJsonCredentials",
	"awsAccessKey",
	"awsSecretKey",
	"awsSessionToken",
	"mistralApiKey",
	"xaiApiKey",
	"groqApiKey",
	"deepSeekApiKey",
	"litellmApiKey",
	"ollamaApiKey",
	"fireworksApiKey",
	"togetherApiKey",
	"cerebrasApiKey",
	"sambaNovaApiKey",
	"requestyApiKey",
	"moonshotApiKey",
	"zaiApiKey",
	"vercelAiGatewayApiKey",
] as const satisfies readonly (keyof Settings)[];

/**
 * Where each secret comes from instead of a settings file or a flag: the environment variables
 * the agent reads for it, first match wins.
 */
export const secretSettingEnv = {
	apiKey: ["ANTHROPIC_API_KEY"],
	openAiApiKey: ["OPENAI_API_KEY"],
	openAiNativeApiKey: ["OPENAI_API_KEY"],
	openRouterApiKey: ["OPENROUTER_API_KEY"],
	geminiApiKey: ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"],
	vertexJsonCredentials: ["GOOGLE_VERTEX_JSON_CREDENTIALS"],
	awsAccessKey: ["AWS_ACCESS_KEY_ID"],
	awsSecretKey: ["AWS_SECRET_ACCESS_KEY"],
	awsSessionToken: ["AWS_SESSION_TOKEN"],
	mistralApiKey: ["MISTRAL_API_KEY"],
	xaiApiKey: ["XAI_API_KEY"],
	groqApiKey: ["GROQ_API_KEY"],
	deepSeekApiKey: ["DEEPSEEK_API_KEY"],
	litellmApiKey: ["LITELLM_API_KEY"],
	ollamaApiKey: ["OLLAMA_API_KEY"],
	fireworksApiKey: ["FIREWORKS_API_KEY"],
	togetherApiKey: ["TOGETHER_API_KEY"],
	cerebrasApiKey: ["CEREBRAS_API_KEY"],
	sambaNovaApiKey: ["SAMBANOVA_API_KEY"],
	requestyApiKey: ["REQUESTY_API_KEY"],
	moonshotApiKey: ["MOONSHOT_API_KEY"],
	zaiApiKey: ["ZAI_API_KEY"],
	vercelAiGatewayApiKey: ["AI_GATEWAY_API_KEY"],
} as const satisfies Record<(typeof secretSettingKeys)[number], readonly string[]>;

// Unknown keys are preserved, so secrets are also recognised by the shape of their name.
const secretKeyPattern = /(api[-_]?key|secret|token|password|credential|authorization)/i;

export function isSecretSettingKey(key: string): boolean {
	return (secretSettingKeys as readonly string[]).includes(key) || secretKeyPattern.test(key);
}

/** A copy of the settings without any secret, for storage, logs and events. */
export function redactSettings<T extends Record<string, unknown>>(settings: T): Partial<T> {
	return Object.fromEntries(Object.entries(settings).filter(([key]) => !isSecretSettingKey(key))) as Partial<T>;
}
