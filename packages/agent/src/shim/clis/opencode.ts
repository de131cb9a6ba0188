import { join } from "node:path";
import { providersSpeaking, requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import { commandOf, commonToolName, fromAnthropicStyle, jsonLine, num, QUIET_ENV, record, str } from "./common.js";

/*
 * OpenCode (`opencode run --format json`): one event a line — `step_start`, `text`, `reasoning`,
 * `tool_use` (a finished tool call, its state completed or error), `step_finish` (that model
 * call's tokens, input without the cache, and its cost from the model's configured prices) and
 * `error`; the run ends when the process exits. The endpoint is an `@ai-sdk/openai-compatible`
 * provider in the config passed through OPENCODE_CONFIG_CONTENT, its key read from a variable.
 */

const PROVIDER_ID = "agent-evals";
const KEY_VARIABLE = "AGENT_EVALS_OPENCODE_API_KEY";

function config(request: LaunchRequest): string {
	const { endpoint } = request;
	const prices = endpoint.prices;
	const model: Record<string, unknown> = { name: endpoint.modelId };
	// Its cost comes from these prices; without them it reports 0 and the shim prices the tokens.
	if (prices && (prices.inputPrice || prices.outputPrice)) {
		model.cost = {
			input: prices.inputPrice ?? 0,
			output: prices.outputPrice ?? 0,
			cache_read: prices.cacheReadsPrice ?? prices.inputPrice ?? 0,
			cache_write: prices.cacheWritesPrice ?? prices.inputPrice ?? 0,
		};
	}
	return JSON.stringify({
		$schema: "https://opencode.ai/config.json",
		autoupdate: false,
		share: "disabled",
		provider: {
			[PROVIDER_ID]: {
				npm: "@ai-sdk/openai-compatible",
				name: "agent-evals",
				options: { baseURL: endpoint.baseUrl, apiKey: `{env:${KEY_VARIABLE}}` },
				models: { [endpoint.modelId]: model },
			},
		},
	});
}

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const args = ["run", "--format", "json", "-m", `${PROVIDER_ID}/${endpoint.modelId}`, "--auto"];
	// A title of our own: otherwise it asks the model for one, a call outside the task.
	args.push("--title", "agent-evals task");
	if (request.resumeSession) args.push("--session", request.resumeSession);
	args.push(request.prompt);
	return {
		command: request.binPath,
		args,
		env: {
			...QUIET_ENV,
			OPENCODE_CONFIG_CONTENT: config(request),
			[KEY_VARIABLE]: requireKey(endpoint),
			// Its configuration, sessions and logs per task; what it downloads is shared.
			XDG_CONFIG_HOME: join(request.configDir, "config"),
			XDG_DATA_HOME: join(request.configDir, "data"),
			XDG_STATE_HOME: join(request.configDir, "state"),
			XDG_CACHE_HOME: request.cacheDir,
			OPENCODE_DISABLE_AUTOUPDATE: "1",
		},
	};
}

function parser(): StreamParser {
	let session: string | undefined;
	let lastText: string | undefined;
	let failure: string | undefined;
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			const events: CliEvent[] = [];
			const id = str(line.sessionID);
			if (id && id !== session) {
				session = id;
				events.push({ type: "session", id });
			}
			const part = record(line.part);
			switch (line.type) {
				case "text":
					if (str(part.text)) {
						lastText = String(part.text);
						events.push({ type: "text", text: lastText });
					}
					break;
				case "reasoning":
					if (str(part.text)) events.push({ type: "reasoning", text: String(part.text) });
					break;
				case "tool_use": {
					const state = record(part.state);
					const callId = str(part.callID) ?? str(part.id) ?? "tool";
					events.push({ type: "tool", id: callId, name: str(part.tool) ?? "unknown", input: record(state.input) });
					const failed = state.status === "error";
					const output = failed ? (str(state.error) ?? "error") : (str(state.output) ?? "");
					events.push({ type: "tool_result", id: callId, output, failed });
					break;
				}
				case "step_finish": {
					const tokens = record(part.tokens);
					const cache = record(tokens.cache);
					const cost = typeof part.cost === "number" ? part.cost : undefined;
					events.push({
						type: "usage",
						mode: "add",
						usage: fromAnthropicStyle(
							num(tokens.input),
							num(tokens.output) + num(tokens.reasoning),
							num(cache.read),
							num(cache.write),
							cost,
						),
					});
					break;
				}
				case "error": {
					const error = record(line.error);
					failure = str(record(error.data).message) ?? str(error.message) ?? str(error.name) ?? "error";
					events.push({ type: "error", message: failure });
					break;
				}
			}
			return events;
		},
		end() {
			// Its stream has no closing verdict: a run without an error event succeeded.
			return [failure ? { type: "result", ok: false, error: failure } : { type: "result", ok: true, text: lastText }];
		},
	};
}

export const opencode: CliAgentSpec = {
	name: "opencode",
	title: "OpenCode",
	package: "opencode-ai",
	version: "1.18.33",
	supports: { min: "1.18.0", below: "2.0.0" },
	bin: "opencode",
	providers: providersSpeaking("openai-chat"),
	providerNote:
		"the adapter points OpenCode at OpenAI chat-completions endpoints (openai-compatible, openai, openrouter, …)",
	capabilities: { tokens: "per call", cacheTokens: true, cost: "cli", tools: true, resume: true },
	launch,
	parser,
	toolName: commonToolName,
	commandOf,
};
