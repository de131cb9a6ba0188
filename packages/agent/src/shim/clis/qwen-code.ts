import { join } from "node:path";
import { providersSpeaking, requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import { claudeStyleParser } from "./claude-code.js";
import { commandOf, commonToolName, jsonLine, num, QUIET_ENV, record, str } from "./common.js";

/*
 * Qwen Code (`qwen -o stream-json`): Claude Code's stream format (system/init, assistant and
 * user messages, result), with OpenAI-style counts (input includes cached tokens) and no cost.
 * Pointed at any OpenAI chat-completions endpoint through OPENAI_BASE_URL / OPENAI_API_KEY.
 * Two differences from Claude Code's stream the parser takes care of:
 * - a model API error is no error in the stream: it becomes the assistant's text
 *   ("[API Error: …]", with no usage) and the run ends with a `success` result and exit code 0;
 * - `result.usage` is the session's total, which on a resumed session counts the earlier runs
 *   too (already in the task's usage), so the per-call usage of its messages is summed instead.
 */

/** How Qwen Code words a model API error it turned into assistant text. */
const API_ERROR_PREFIX = "[API Error: ";

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
		// It warms a connection to its provider's default URL at start when it cannot tell the
		// base URL yet: a request to the internet that an eval never needs.
		QWEN_CODE_DISABLE_PRECONNECT: "1",
		// It starts itself again in a child Node to raise the heap limit, which it does only when
		// the `autoConfigureMemory` setting is on (off by default): a second start of a large
		// bundle, over a second a run on a busy machine, for nothing.
		QWEN_CODE_NO_RELAUNCH: "1",
		// Session titles are a model call of their own (interactive runs only today): never on an
		// eval's model and tokens.
		QWEN_DISABLE_AUTO_TITLE: "1",
	};
	if (endpoint.baseUrl) env.OPENAI_BASE_URL = endpoint.baseUrl;
	return {
		command: request.binPath,
		args,
		env,
		files: [{ path: join(request.configDir, "settings.json"), content: `${JSON.stringify(SETTINGS, null, 2)}\n` }],
	};
}

/** An assistant message that is only Qwen Code's report of a failed model call. */
function apiErrorOf(line: Record<string, unknown>): string | undefined {
	if (line.type !== "assistant") return undefined;
	const message = record(line.message);
	const usage = record(message.usage);
	// A real answer has usage; the error message is made by the CLI, with zero counts.
	if (num(usage.input_tokens) + num(usage.output_tokens) > 0) return undefined;
	const blocks = Array.isArray(message.content) ? message.content.map(record) : [];
	const text = blocks.map((block) => (block.type === "text" ? (str(block.text) ?? "") : "")).join("");
	// Text streamed before the call failed comes first, in the same block.
	const at = text.indexOf(API_ERROR_PREFIX);
	return at >= 0 ? text.slice(at) : undefined;
}

export function qwenParser(): StreamParser {
	const claudeStyle = claudeStyleParser({ inputIncludesCache: true });
	let apiError: string | undefined;
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			const error = apiErrorOf(line);
			if (error) {
				// Said once, as the run's failure, by the result that follows.
				apiError = error;
				return [];
			}
			const events: CliEvent[] = [];
			for (const event of claudeStyle.line(text)) {
				if (event.type === "result") {
					// Its error results carry the message in `error.message`, not in `result`.
					const detail = str(record(line.error).message);
					if (event.ok && apiError && event.text?.endsWith(apiError)) {
						events.push({ type: "result", ok: false, error: apiError });
						continue;
					}
					if (!event.ok && detail) {
						events.push({ ...event, error: [detail, event.error].filter(Boolean).join(" — ") });
						continue;
					}
				}
				// A later answer of the model means the error was retried away.
				if (event.type === "text" || event.type === "tool") apiError = undefined;
				events.push(event);
			}
			return events;
		},
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
	parser: qwenParser,
	toolName: commonToolName,
	commandOf,
};
