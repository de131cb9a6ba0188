import { join } from "node:path";
import { providersSpeaking, requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliLaunch, LaunchRequest } from "../spec.js";
import { claudeStyleParser } from "./claude-code.js";
import { commandOf, commonToolName, QUIET_ENV } from "./common.js";

/*
 * Qwen Code (`qwen -o stream-json`): Claude Code's stream format (system/init, assistant and
 * user messages, result), with OpenAI-style counts (input includes cached tokens) and no cost.
 * Pointed at any OpenAI chat-completions endpoint through OPENAI_BASE_URL / OPENAI_API_KEY.
 */

/** Its settings file: no memory extraction (an extra model call after the task), no telemetry or update checks. */
const SETTINGS = {
	memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
	privacy: { usageStatisticsEnabled: false },
	telemetry: { enabled: false },
	general: { disableAutoUpdate: true, disableUpdateNag: true },
};

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const args = ["--auth-type", "openai", "-m", endpoint.modelId, "--yolo", "-o", "stream-json"];
	if (request.resumeSession) args.push("--resume", request.resumeSession);
	args.push(request.prompt);
	const env: Record<string, string> = {
		...QUIET_ENV,
		QWEN_HOME: request.configDir,
		OPENAI_API_KEY: requireKey(endpoint),
		OPENAI_MODEL: endpoint.modelId,
	};
	if (endpoint.baseUrl) env.OPENAI_BASE_URL = endpoint.baseUrl;
	return {
		command: request.binPath,
		args,
		env,
		files: [{ path: join(request.configDir, "settings.json"), content: `${JSON.stringify(SETTINGS, null, 2)}\n` }],
	};
}

export const qwenCode: CliAgentSpec = {
	name: "qwen-code",
	title: "Qwen Code",
	package: "@qwen-code/qwen-code",
	// The newest release that runs on Node 20; later ones require Node 22.
	version: "0.15.10",
	supports: { min: "0.15.0", below: "1.0.0" },
	bin: "qwen",
	providers: providersSpeaking("openai-chat"),
	providerNote:
		"the adapter points Qwen Code at OpenAI chat-completions endpoints (openai-compatible, openai, openrouter, …)",
	capabilities: { tokens: "per call", cacheTokens: true, cost: "table", tools: true, resume: true },
	launch,
	parser: () => claudeStyleParser({ inputIncludesCache: true }),
	toolName: commonToolName,
	commandOf,
};
