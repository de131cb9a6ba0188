import { join } from "node:path";
import { requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import { commandOf, commonToolName, jsonLine, num, QUIET_ENV, record, str } from "./common.js";

/*
 * Gemini CLI (`gemini -p … -o stream-json`): `init` (session id), `message` (the assistant's
 * text in deltas), `tool_use` / `tool_result` (status success or error), `error`, and a final
 * `result` whose `stats` hold the run's tokens (input including cached): totals, none per call,
 * and none at all for a run that was stopped. No cost. It speaks only Google's Gemini API;
 * GOOGLE_GEMINI_BASE_URL moves it to another endpoint.
 */

const GEMINI_DEFAULT_URL = "https://generativelanguage.googleapis.com";

/**
 * Its settings (under GEMINI_CLI_HOME/.gemini): the API key as the auth method, nothing sent
 * home, no update check. The update switches under their current names: the old
 * disableAutoUpdate / disableUpdateNag are migrated by the CLI, which rewrites the file each run.
 */
const SETTINGS = {
	security: { auth: { selectedType: "gemini-api-key" } },
	privacy: { usageStatisticsEnabled: false },
	telemetry: { enabled: false },
	general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
};

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const args = ["-m", endpoint.modelId, "--yolo", "--skip-trust", "-o", "stream-json"];
	if (request.resumeSession) args.push("--resume", request.resumeSession);
	args.push("-p", request.prompt);
	const env: Record<string, string> = {
		...QUIET_ENV,
		GEMINI_CLI_HOME: request.configDir,
		GEMINI_API_KEY: requireKey(endpoint),
	};
	if (endpoint.baseUrl && endpoint.baseUrl !== GEMINI_DEFAULT_URL) env.GOOGLE_GEMINI_BASE_URL = endpoint.baseUrl;
	return {
		command: request.binPath,
		args,
		env,
		files: [
			{ path: join(request.configDir, ".gemini", "settings.json"), content: `${JSON.stringify(SETTINGS, null, 2)}\n` },
		],
	};
}

/**
 * Output tokens as Google bills them. `output_tokens` is the sum of candidatesTokenCount, which
 * leaves out thinking (thoughtsTokenCount, billed as output); the stream has no thoughts count,
 * but `total_tokens` (the sum of totalTokenCount) holds it, so the rest of the total is output.
 */
function outputOf(stats: Record<string, unknown>): number {
	return Math.max(num(stats.output_tokens), num(stats.total_tokens) - num(stats.input_tokens));
}

function parser(): StreamParser {
	// An invalid model stream (empty, blocked, cut at max tokens) is told in an `error` line and
	// then ends in a `result` with status error but no message of its own.
	let lastError: string | undefined;
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			switch (line.type) {
				case "init":
					return str(line.session_id) ? [{ type: "session", id: String(line.session_id) }] : [];
				case "message": {
					if (line.role !== "assistant" || !str(line.content)) return [];
					return [{ type: "text", text: String(line.content), delta: line.delta === true }];
				}
				case "tool_use":
					return [
						{
							type: "tool",
							id: str(line.tool_id) ?? "tool",
							name: str(line.tool_name) ?? "unknown",
							input: record(line.parameters),
						},
					];
				case "tool_result": {
					const failed = line.status === "error";
					const error = record(line.error);
					const output = (failed ? str(error.message) : undefined) ?? str(line.output) ?? "";
					return [{ type: "tool_result", id: str(line.tool_id) ?? "tool", output, failed }];
				}
				case "error": {
					const message = str(line.message) ?? str(record(line.error).message) ?? "error";
					// Warnings (a retried call, a hook's note) do not explain a failure.
					if (line.severity !== "warning") lastError = message;
					return [{ type: "error", message }];
				}
				case "result": {
					const events: CliEvent[] = [];
					const stats = record(line.stats);
					if (Object.keys(stats).length > 0) {
						events.push({
							type: "usage",
							mode: "total",
							usage: {
								inputTokens: num(stats.input_tokens),
								outputTokens: outputOf(stats),
								cacheReadTokens: num(stats.cached),
								cacheWriteTokens: 0,
							},
						});
					}
					const ok = line.status === "success";
					const error = str(record(line.error).message);
					events.push({
						type: "result",
						ok,
						error: ok ? undefined : (error ?? lastError ?? `status ${String(line.status)}`),
					});
					return events;
				}
				default:
					return [];
			}
		},
	};
}

export const geminiCli: CliAgentSpec = {
	name: "gemini-cli",
	title: "Gemini CLI",
	package: "@google/gemini-cli",
	version: "0.61.0",
	supports: { min: "0.60.0", below: "1.0.0" },
	bin: "gemini",
	providers: ["gemini"],
	providerNote:
		"Gemini CLI speaks only Google's Gemini API: use -m gemini:<model> (googleGeminiBaseUrl for another endpoint)",
	capabilities: { tokens: "per run", cacheTokens: true, cost: "table", tools: true, resume: true },
	launch,
	parser,
	toolName: commonToolName,
	commandOf,
};
