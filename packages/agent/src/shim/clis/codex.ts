import { join } from "node:path";
import { requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import { commandOf, commonToolName, jsonLine, num, QUIET_ENV, record, str } from "./common.js";

/*
 * Codex CLI (`codex exec --json`): JSON lines `thread.started` (the session), `item.started` /
 * `item.completed` for each item of the turn (agent_message, reasoning, command_execution,
 * file_change, mcp_tool_call, web_search, todo_list, error), and `turn.completed` with the
 * thread's usage so far (input including cached tokens; after a resume, the earlier runs' too)
 * or `turn.failed`. One `codex exec` is one turn, so usage comes once per run, and a run stopped
 * before its end (timeout, cancel) reports none. Codex speaks only OpenAI's Responses API; the
 * endpoint is configured as a provider of its own in `$CODEX_HOME/config.toml`, with the key in a
 * variable the file names (never in the file). A model missing from Codex's own catalog runs on
 * fallback metadata (an `error` item says so), without the apply_patch tool.
 */

const KEY_VARIABLE = "AGENT_EVALS_CODEX_API_KEY";

function toml(value: string): string {
	// A TOML basic string takes JSON's escapes.
	return JSON.stringify(value);
}

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const config = [
		`model = ${toml(endpoint.modelId)}`,
		`model_provider = "agent_evals"`,
		`approval_policy = "never"`,
		`sandbox_mode = "danger-full-access"`,
		// Nothing leaves the machine but the model calls: no update check, usage analytics,
		// feedback uploads or OpenTelemetry export.
		"check_for_update_on_startup = false",
		"",
		"[analytics]",
		"enabled = false",
		"",
		"[feedback]",
		"enabled = false",
		"",
		"[otel]",
		`exporter = "none"`,
		"",
		// Plugins sync their marketplace from GitHub and chatgpt.com at every start.
		"[features]",
		"plugins = false",
		"",
		"[model_providers.agent_evals]",
		`name = "agent-evals"`,
		`base_url = ${toml(endpoint.baseUrl ?? "https://api.openai.com/v1")}`,
		`env_key = ${toml(KEY_VARIABLE)}`,
		`wire_api = "responses"`,
		"",
	].join("\n");
	const common = [
		"--json",
		"--skip-git-repo-check",
		"--dangerously-bypass-approvals-and-sandbox",
		"-C",
		request.workspace,
		"-m",
		endpoint.modelId,
	];
	// After "--", a prompt that starts with "-" is still the prompt, not an option.
	const args = request.resumeSession
		? ["exec", ...common, "resume", request.resumeSession, "--", request.prompt]
		: ["exec", ...common, "--", request.prompt];
	return {
		command: request.binPath,
		args,
		env: { ...QUIET_ENV, CODEX_HOME: request.configDir, [KEY_VARIABLE]: requireKey(endpoint) },
		files: [{ path: join(request.configDir, "config.toml"), content: config }],
	};
}

function itemEvents(kind: "started" | "completed", item: Record<string, unknown>): CliEvent[] {
	const id = str(item.id) ?? "item";
	switch (item.type) {
		case "agent_message":
			return kind === "completed" && str(item.text) ? [{ type: "text", text: String(item.text) }] : [];
		case "reasoning":
			return kind === "completed" && str(item.text) ? [{ type: "reasoning", text: String(item.text) }] : [];
		case "command_execution": {
			const started: CliEvent = {
				type: "tool",
				id,
				name: "command_execution",
				input: { command: str(item.command) ?? "" },
			};
			if (kind === "started") return [started];
			// A command that ran and exited non-zero did its job; one that never ran did not.
			const ran = typeof item.exit_code === "number";
			return [
				{
					type: "tool_result",
					id,
					output: str(item.aggregated_output) ?? "",
					failed: !ran && item.status !== "completed",
				},
			];
		}
		case "file_change": {
			if (kind === "started") return [];
			const changes = Array.isArray(item.changes) ? item.changes.map(record) : [];
			const summary = changes.map((change) => `${str(change.kind) ?? "update"} ${str(change.path) ?? ""}`).join("\n");
			return [
				{ type: "tool", id, name: "file_change", input: { changes: summary } },
				{ type: "tool_result", id, output: summary, failed: item.status === "failed" },
			];
		}
		case "mcp_tool_call": {
			const input = { server: str(item.server) ?? "", tool: str(item.tool) ?? "", arguments: item.arguments ?? {} };
			if (kind === "started") return [{ type: "tool", id, name: "mcp_tool_call", input }];
			const error = record(item.error);
			const output = str(error.message) ?? JSON.stringify(item.result ?? "");
			return [{ type: "tool_result", id, output, failed: item.status === "failed" }];
		}
		case "web_search":
			if (kind === "started")
				return [{ type: "tool", id, name: "web_search", input: { query: str(item.query) ?? "" } }];
			return [{ type: "tool_result", id, output: "", failed: false }];
		case "error":
			return kind === "completed" && str(item.message) ? [{ type: "error", message: String(item.message) }] : [];
		default:
			return [];
	}
}

/**
 * An API error as Codex passes it on: the provider's response body, as text. The message inside
 * `{"error": {"message": …}}` is what a reader of the task's error wants.
 */
function apiMessage(text: string): string {
	const body = jsonLine(text);
	return str(record(body?.error).message) ?? text;
}

function parser(): StreamParser {
	let lastText: string | undefined;
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			switch (line.type) {
				case "thread.started":
					return str(line.thread_id) ? [{ type: "session", id: String(line.thread_id) }] : [];
				case "item.started":
				case "item.completed": {
					const item = record(line.item);
					if (item.type === "agent_message" && str(item.text)) lastText = String(item.text);
					return itemEvents(line.type === "item.started" ? "started" : "completed", item);
				}
				case "turn.completed": {
					const usage = record(line.usage);
					return [
						{
							type: "usage",
							// The thread's running total: a resumed thread starts from what it had used.
							mode: "session",
							usage: {
								inputTokens: num(usage.input_tokens),
								outputTokens: num(usage.output_tokens),
								cacheReadTokens: num(usage.cached_input_tokens),
								cacheWriteTokens: num(usage.cache_write_input_tokens),
							},
						},
						{ type: "result", ok: true, text: lastText },
					];
				}
				case "turn.failed": {
					const message = apiMessage(str(record(line.error).message) ?? "the turn failed");
					return [{ type: "result", ok: false, error: message }];
				}
				case "error":
					return str(line.message) ? [{ type: "error", message: apiMessage(String(line.message)) }] : [];
				default:
					return [];
			}
		},
	};
}

export const codex: CliAgentSpec = {
	name: "codex",
	title: "Codex CLI",
	package: "@openai/codex",
	version: "0.171.0",
	supports: { min: "0.170.0", below: "1.0.0" },
	bin: "codex",
	providers: ["openai-native", "openai", "openai-compatible", "openrouter", "litellm", "ollama", "lmstudio"],
	providerNote:
		"Codex speaks only OpenAI's Responses API: use openai-native:<model>, or openai-compatible:<model> with an openAiBaseUrl that serves /responses",
	capabilities: { tokens: "per run", cacheTokens: true, cost: "table", tools: true, resume: true },
	launch,
	parser,
	toolName: commonToolName,
	commandOf,
};
