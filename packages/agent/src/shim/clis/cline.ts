import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { providersSpeaking, requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import { commandOf, commonToolName, jsonLine, num, QUIET_ENV, record, str } from "./common.js";

/*
 * Cline's CLI (`cline --json`): `agent_event` lines carry the agent loop — `content_start` /
 * `content_update` / `content_end` for text, reasoning and tools (input at the start, command
 * output as updates, the result at the end), `usage` after every model call (input including
 * cached tokens, running totals), `error` — and `run_result` ends the run with its aggregate
 * usage. It reads its provider (key included) only from `providers.json` in its data folder, so
 * that file is written for the run and removed after it. `--data-dir` and
 * CLINE_SESSION_BACKEND_MODE=local keep everything in the task's folder and in this process:
 * otherwise it starts a background "hub" daemon that outlives the run.
 */

const COMMAND_EXIT = /^Command exited with code \d+/;

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const dataDir = join(request.configDir, "data");
	const providers = {
		version: 1,
		lastUsedProvider: "openai-compatible",
		modes: {},
		providers: {
			"openai-compatible": {
				settings: {
					provider: "openai-compatible",
					apiKey: requireKey(endpoint),
					model: endpoint.modelId,
					baseUrl: endpoint.baseUrl,
				},
				// Without it the entry is ignored and Cline falls back to its own hosted provider.
				updatedAt: new Date().toISOString(),
				tokenSource: "manual",
			},
		},
	};
	const args = ["--json", "--data-dir", dataDir, "-P", "openai-compatible", "-m", endpoint.modelId];
	if (request.resumeSession) args.push("--id", request.resumeSession);
	args.push(request.prompt);
	return {
		command: request.binPath,
		args,
		env: { ...QUIET_ENV, CLINE_SESSION_BACKEND_MODE: "local", CLINE_NO_AUTO_UPDATE: "1" },
		files: [
			{
				path: join(dataDir, "settings", "providers.json"),
				content: `${JSON.stringify(providers, null, 2)}\n`,
				secret: true,
			},
		],
	};
}

/** A tool's result (one entry, or one per command or file) as text, and whether it failed. */
function toolOutcome(output: unknown): { text: string; failed: boolean } {
	const entries = (Array.isArray(output) ? output : [output]).map(record);
	const texts: string[] = [];
	let failed = false;
	for (const entry of entries) {
		const result = typeof entry.result === "string" ? entry.result : JSON.stringify(entry.result ?? "");
		const error = str(entry.error);
		texts.push(error && !result.includes(error) ? `${result}\n${error}`.trim() : result);
		// A command that ran and exited non-zero did its job, as with our own agent.
		if (entry.success === false && !(error && COMMAND_EXIT.test(error))) failed = true;
	}
	return { text: texts.join("\n"), failed };
}

function parser(): StreamParser {
	let lastError: string | undefined;
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			if (line.type === "run_result") {
				const events: CliEvent[] = [];
				const usage = record(line.aggregateUsage ?? line.usage);
				events.push({
					type: "usage",
					mode: "total",
					usage: {
						inputTokens: num(usage.inputTokens),
						outputTokens: num(usage.outputTokens),
						cacheReadTokens: num(usage.cacheReadTokens),
						cacheWriteTokens: num(usage.cacheWriteTokens),
						cost: num(usage.totalCost),
					},
				});
				const ok = line.finishReason === "completed";
				events.push({
					type: "result",
					ok,
					text: ok ? str(line.text) : undefined,
					error: ok ? undefined : (lastError ?? `finished: ${String(line.finishReason)}`),
				});
				return events;
			}
			if (line.type !== "agent_event") return [];
			const event = record(line.event);
			switch (event.type) {
				case "content_start":
					if (event.contentType === "tool") {
						return [
							{
								type: "tool",
								id: str(event.toolCallId) ?? "tool",
								name: str(event.toolName) ?? "unknown",
								input: record(event.input),
							},
						];
					}
					return [];
				case "content_update": {
					const update = record(event.update);
					if (event.contentType !== "tool" || !str(update.chunk)) return [];
					return [{ type: "tool_output", id: str(event.toolCallId) ?? "tool", chunk: String(update.chunk) }];
				}
				case "content_end": {
					if (event.contentType === "text" && str(event.text)) return [{ type: "text", text: String(event.text) }];
					if ((event.contentType === "reasoning" || event.contentType === "thinking") && str(event.text))
						return [{ type: "reasoning", text: String(event.text) }];
					if (event.contentType === "tool") {
						const { text: output, failed } = toolOutcome(event.output);
						return [{ type: "tool_result", id: str(event.toolCallId) ?? "tool", output, failed }];
					}
					return [];
				}
				case "usage":
					return [
						{
							type: "usage",
							mode: "add",
							usage: {
								inputTokens: num(event.inputTokens),
								outputTokens: num(event.outputTokens),
								cacheReadTokens: num(event.cacheReadTokens),
								cacheWriteTokens: num(event.cacheWriteTokens),
								cost: typeof event.cost === "number" ? event.cost : undefined,
							},
						},
					];
				case "error": {
					lastError = str(record(event.error).message) ?? "error";
					return [{ type: "error", message: lastError }];
				}
				default:
					return [];
			}
		},
	};
}

/** Cline names its session only in its data folder: the task's folder holds exactly its own. */
async function findSession(configDir: string): Promise<string | undefined> {
	const sessions = join(configDir, "data", "sessions");
	let names: string[];
	try {
		names = await readdir(sessions);
	} catch {
		return undefined;
	}
	let newest: { name: string; time: number } | undefined;
	for (const name of names) {
		const time = (await stat(join(sessions, name)).catch(() => undefined))?.mtimeMs ?? 0;
		if (!newest || time > newest.time) newest = { name, time };
	}
	return newest?.name;
}

export const cline: CliAgentSpec = {
	name: "cline",
	title: "Cline CLI",
	package: "cline",
	version: "3.0.65",
	supports: { min: "3.0.0", below: "4.0.0" },
	bin: "cline",
	providers: providersSpeaking("openai-chat"),
	providerNote:
		"the adapter points Cline at OpenAI chat-completions endpoints (openai-compatible, openai, openrouter, …)",
	capabilities: { tokens: "per call", cacheTokens: true, cost: "table", tools: true, resume: true },
	launch,
	parser,
	findSession,
	// Its editor both creates files (no old_text) and edits them.
	toolName: (name, input) =>
		name === "editor" ? (input.old_text ? "search_replace" : "write_to_file") : commonToolName(name),
	commandOf,
};
