import { requireKey } from "../endpoints.js";
import type { CliAgentSpec, CliEvent, CliLaunch, LaunchRequest, StreamParser } from "../spec.js";
import {
	commandOf,
	commonToolName,
	fromAnthropicStyle,
	jsonLine,
	num,
	QUIET_ENV,
	record,
	str,
	textOf,
} from "./common.js";

/*
 * Claude Code (`claude -p … --output-format stream-json --verbose`): one JSON object a line —
 * `system/init` (session id), `assistant` and `user` messages in Anthropic's block format
 * (text, thinking, tool_use; tool_result), and a final `result` with the usage of every model the
 * run used (`modelUsage`, side calls such as the session title included) and its own cost.
 */

const ANTHROPIC_DEFAULT_URL = "https://api.anthropic.com";

function launch(request: LaunchRequest): CliLaunch {
	const { endpoint } = request;
	const env: Record<string, string> = {
		...QUIET_ENV,
		ANTHROPIC_API_KEY: requireKey(endpoint),
		// Its settings, sessions and credentials live here, never in the user's ~/.claude.
		CLAUDE_CONFIG_DIR: request.configDir,
		// Side calls (titles, summaries) go to a "small fast" model: the same one, so an endpoint
		// that serves one model serves them too.
		ANTHROPIC_SMALL_FAST_MODEL: endpoint.modelId,
		ANTHROPIC_DEFAULT_HAIKU_MODEL: endpoint.modelId,
		DISABLE_AUTOUPDATER: "1",
		DISABLE_TELEMETRY: "1",
		DISABLE_ERROR_REPORTING: "1",
		CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
	};
	if (endpoint.baseUrl && endpoint.baseUrl !== ANTHROPIC_DEFAULT_URL) env.ANTHROPIC_BASE_URL = endpoint.baseUrl;
	// It refuses to skip permissions as root unless told it runs in a sandbox, which an eval
	// workspace is meant to be.
	if (process.getuid?.() === 0) env.IS_SANDBOX = "1";
	const args = [
		"-p",
		request.prompt,
		"--output-format",
		"stream-json",
		"--verbose",
		"--model",
		endpoint.modelId,
		"--dangerously-skip-permissions",
	];
	if (request.resumeSession) args.push("--resume", request.resumeSession);
	return { command: request.binPath, args, env };
}

function usageOfResult(line: Record<string, unknown>): CliEvent | undefined {
	const models = record(line.modelUsage);
	const cost = typeof line.total_cost_usd === "number" ? line.total_cost_usd : undefined;
	const entries = Object.values(models).map(record);
	if (entries.length > 0) {
		let input = 0;
		let output = 0;
		let cacheRead = 0;
		let cacheWrite = 0;
		for (const model of entries) {
			input += num(model.inputTokens);
			output += num(model.outputTokens);
			cacheRead += num(model.cacheReadInputTokens);
			cacheWrite += num(model.cacheCreationInputTokens);
		}
		return { type: "usage", mode: "total", usage: fromAnthropicStyle(input, output, cacheRead, cacheWrite, cost) };
	}
	const usage = record(line.usage);
	if (Object.keys(usage).length === 0) return undefined;
	return {
		type: "usage",
		mode: "total",
		usage: fromAnthropicStyle(
			num(usage.input_tokens),
			num(usage.output_tokens),
			num(usage.cache_read_input_tokens),
			num(usage.cache_creation_input_tokens),
			cost,
		),
	};
}

/** Claude Code's stream, which Qwen Code copies (with OpenAI-style counts): `inputIncludesCache` says which. */
export function claudeStyleParser(options: { inputIncludesCache: boolean }): StreamParser {
	const seenMessages = new Set<string>();
	const toolNames = new Map<string, string>();
	return {
		line(text) {
			const line = jsonLine(text);
			if (!line) return [];
			const events: CliEvent[] = [];
			const message = record(line.message);
			switch (line.type) {
				case "system": {
					const session = str(line.session_id);
					if (line.subtype === "init" && session) events.push({ type: "session", id: session });
					break;
				}
				case "assistant": {
					for (const block of Array.isArray(message.content) ? message.content.map(record) : []) {
						if (block.type === "text" && str(block.text)) events.push({ type: "text", text: String(block.text) });
						else if (block.type === "thinking" && str(block.thinking))
							events.push({ type: "reasoning", text: String(block.thinking) });
						else if (block.type === "tool_use") {
							const id = str(block.id) ?? `tool-${toolNames.size}`;
							const name = str(block.name) ?? "unknown";
							toolNames.set(id, name);
							events.push({ type: "tool", id, name, input: record(block.input) });
						}
					}
					// Each content block arrives as its own line with the same message id and usage.
					const id = str(message.id);
					const usage = record(message.usage);
					if (id && !seenMessages.has(id) && Object.keys(usage).length > 0) {
						seenMessages.add(id);
						const input = num(usage.input_tokens);
						const cacheRead = num(usage.cache_read_input_tokens);
						const cacheWrite = num(usage.cache_creation_input_tokens);
						const report = options.inputIncludesCache
							? {
									inputTokens: input,
									outputTokens: num(usage.output_tokens),
									cacheReadTokens: cacheRead,
									cacheWriteTokens: cacheWrite,
								}
							: fromAnthropicStyle(input, num(usage.output_tokens), cacheRead, cacheWrite);
						if (report.inputTokens + report.outputTokens > 0)
							events.push({ type: "usage", mode: "add", usage: report });
					}
					break;
				}
				case "user": {
					for (const block of Array.isArray(message.content) ? message.content.map(record) : []) {
						if (block.type !== "tool_result") continue;
						const id = str(block.tool_use_id) ?? "";
						const output = textOf(block.content);
						// A command that ran and exited non-zero did its job, as with our own agent.
						const exitedNonZero = toolNames.get(id) === "Bash" && /^Exit code \d+/.test(output);
						events.push({ type: "tool_result", id, output, failed: block.is_error === true && !exitedNonZero });
					}
					break;
				}
				case "result": {
					// Qwen Code's result usage is its session's total, earlier runs of a resume included:
					// its per-call usage is counted instead.
					const usage = options.inputIncludesCache ? undefined : usageOfResult(line);
					if (usage) events.push(usage);
					const ok = line.subtype === "success" && line.is_error !== true;
					const result = str(line.result);
					const error = ok
						? undefined
						: [
								result,
								str(line.subtype),
								line.api_error_status ? `API status ${String(line.api_error_status)}` : undefined,
							]
								.filter(Boolean)
								.join(" — ");
					events.push({ type: "result", ok, text: ok ? result : undefined, error: error || undefined });
					break;
				}
			}
			return events;
		},
	};
}

export const claudeCode: CliAgentSpec = {
	name: "claude-code",
	title: "Claude Code",
	package: "@anthropic-ai/claude-code",
	version: "2.1.197",
	supports: { min: "2.1.0", below: "3.0.0" },
	bin: "claude",
	providers: ["anthropic"],
	providerNote:
		"Claude Code speaks only Anthropic's Messages API: use -m anthropic:<model> (anthropicBaseUrl for another endpoint)",
	capabilities: { tokens: "per call", cacheTokens: true, cost: "cli", tools: true, resume: true },
	launch,
	parser: () => claudeStyleParser({ inputIncludesCache: false }),
	toolName: (name) => (name.startsWith("mcp__") ? "use_mcp_tool" : commonToolName(name)),
	commandOf,
};
