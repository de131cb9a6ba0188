import type { ClineMessage, McpCall } from "../api/types.js";
import { formatBytes, formatDuration } from "./format.js";

export type TranscriptItem =
	| { kind: "task"; ts: number; text: string }
	| { kind: "text"; ts: number; text: string; partial: boolean }
	| { kind: "reasoning"; ts: number; text: string; partial: boolean }
	| { kind: "api"; ts: number; tokensIn: number | null; tokensOut: number | null; cost: number | null }
	| { kind: "tool"; ts: number; tool: string; target: string | null; body: string; bodyIsDiff: boolean }
	| { kind: "command"; ts: number; command: string; output: string; partial: boolean }
	| { kind: "error"; ts: number; title: string; text: string }
	| { kind: "completion"; ts: number; text: string }
	| { kind: "mcp"; ts: number; title: string; text: string; meta: string | null; failed: boolean }
	| { kind: "question"; ts: number; text: string; options: string[] }
	| { kind: "other"; ts: number; label: string; text: string };

export function parseJson(text: string | undefined): unknown {
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function num(value: unknown): number | null {
	return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
	return typeof value === "string" && value !== "" ? value : null;
}

const errorSays = new Set(["error", "diff_error", "rooignore_error", "condense_context_error", "api_req_failed"]);
const errorAsks = new Set(["api_req_failed", "mistake_limit_reached", "auto_approval_max_req_reached"]);
const errorTitles: Record<string, string> = {
	error: "Error",
	diff_error: "Diff failed",
	rooignore_error: "Blocked by .rooignore",
	condense_context_error: "Context condensing failed",
	api_req_failed: "Model request failed",
	mistake_limit_reached: "Mistake limit reached",
	auto_approval_max_req_reached: "Request limit reached",
};
// Bookkeeping without content worth a line of its own.
const silentSays = new Set(["api_req_finished", "api_req_deleted", "checkpoint_saved", "api_req_retry_delayed"]);

function toolItem(message: ClineMessage): TranscriptItem {
	const parsed = asRecord(parseJson(message.text));
	if (!parsed)
		return { kind: "tool", ts: message.ts, tool: "tool", target: null, body: message.text ?? "", bodyIsDiff: false };
	const { tool, path, diff, content, ...rest } = parsed;
	const target = str(path) ?? str(rest.regex) ?? str(rest.query) ?? null;
	if (typeof diff === "string") {
		return { kind: "tool", ts: message.ts, tool: str(tool) ?? "tool", target, body: diff, bodyIsDiff: true };
	}
	let body = typeof content === "string" ? content : "";
	if (!body) {
		const remaining = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
		body = Object.keys(remaining).length > 0 ? JSON.stringify(remaining, null, 2) : "";
	}
	return { kind: "tool", ts: message.ts, tool: str(tool) ?? "tool", target, body, bodyIsDiff: false };
}

function mcpText(text: string | undefined): string {
	const parsed = parseJson(text);
	return parsed === undefined ? (text ?? "") : JSON.stringify(parsed, null, 2);
}

function mcpItem(ts: number, title: string, text: string): Extract<TranscriptItem, { kind: "mcp" }> {
	return { kind: "mcp", ts, title, text: mcpText(text), meta: null, failed: false };
}

/** "234 ms · 1.2 kB", "timed out after 5.0 s": what the runner measured for a call. */
export function mcpMeta(call: McpCall): string {
	const parts: string[] = [];
	if (call.timedOut) parts.push("timed out");
	if (call.durationMs !== null) parts.push(formatDuration(call.durationMs));
	if (call.responseSize !== null) parts.push(formatBytes(call.responseSize));
	return parts.join(" · ");
}

function mcpTitle(prefix: string, text: string | undefined): string {
	const parsed = asRecord(parseJson(text));
	const server = str(parsed?.serverName);
	const tool = str(parsed?.toolName) ?? str(parsed?.uri);
	return [prefix, [server, tool].filter(Boolean).join(" · ")].filter(Boolean).join(": ");
}

/**
 * Turns a task's UI messages into what the drawer shows, one item per thing that happened:
 * model text, reasoning, model calls with their usage, tool calls, commands joined with their
 * output, errors, MCP traffic. Unknown kinds are shown plainly rather than dropped.
 */
export function buildTranscript(messages: ClineMessage[], mcpCalls: readonly McpCall[] = []): TranscriptItem[] {
	// A response message and its recorded call share the message's ts.
	const callByTs = new Map(
		mcpCalls.flatMap((call) => (call.messageTs === null ? [] : [[call.messageTs, call] as const])),
	);
	const items: TranscriptItem[] = [];
	let lastCommand: Extract<TranscriptItem, { kind: "command" }> | null = null;

	for (const [index, message] of messages.entries()) {
		const text = message.text ?? "";
		const partial = message.partial === true;
		const kind = message.type === "say" ? message.say : message.ask;

		if (kind === "command_output") {
			if (lastCommand) {
				lastCommand.output += (lastCommand.output && text ? "\n" : "") + text;
				lastCommand.partial = partial;
			} else if (text) {
				items.push({ kind: "other", ts: message.ts, label: "Command output", text });
			}
			continue;
		}

		if (message.type === "ask" && kind === "command") {
			lastCommand = { kind: "command", ts: message.ts, command: text, output: "", partial };
			items.push(lastCommand);
			continue;
		}

		if (message.type === "say") {
			if (kind === "text") {
				// The agent, like Roo Code, opens the transcript with the prompt it was given as a plain "text" say.
				if (index === 0 && !partial) items.push({ kind: "task", ts: message.ts, text });
				else if (text.trim()) items.push({ kind: "text", ts: message.ts, text, partial });
			} else if (kind === "reasoning") {
				const body = text || message.reasoning || "";
				if (body.trim()) items.push({ kind: "reasoning", ts: message.ts, text: body, partial });
			} else if (kind === "api_req_started") {
				const usage = asRecord(parseJson(text));
				items.push({
					kind: "api",
					ts: message.ts,
					tokensIn: num(usage?.tokensIn),
					tokensOut: num(usage?.tokensOut),
					cost: num(usage?.cost),
				});
			} else if (kind && errorSays.has(kind)) {
				items.push({ kind: "error", ts: message.ts, title: errorTitles[kind] ?? "Error", text });
			} else if (kind === "completion_result") {
				if (text.trim()) items.push({ kind: "completion", ts: message.ts, text });
			} else if (kind === "mcp_server_request_started") {
				// Roo Code says this with no text: the use_mcp_server ask before it already shows the call.
				if (text.trim()) items.push(mcpItem(message.ts, mcpTitle("MCP request", text), text));
			} else if (kind === "mcp_server_response") {
				const call = callByTs.get(message.ts);
				const failed = call ? call.error !== null : /^Error:?\s/.test(text);
				items.push({
					...mcpItem(message.ts, failed ? "MCP error" : "MCP response", text),
					meta: call ? mcpMeta(call) : null,
					failed,
				});
			} else if (kind === "shell_integration_warning") {
				items.push({ kind: "error", ts: message.ts, title: "Shell warning", text });
			} else if (kind === "api_req_retried") {
				items.push({ kind: "other", ts: message.ts, label: "Model request retried", text });
			} else if (kind && silentSays.has(kind)) {
				// Nothing to show.
			} else if (text.trim()) {
				items.push({ kind: "other", ts: message.ts, label: (kind ?? "say").replaceAll("_", " "), text });
			}
			continue;
		}

		// ask
		if (kind === "tool") {
			items.push(toolItem(message));
		} else if (kind === "followup") {
			const parsed = asRecord(parseJson(text));
			const question = str(parsed?.question) ?? text;
			const suggestions = Array.isArray(parsed?.suggest) ? parsed.suggest : [];
			const options = suggestions
				.map((option) => (typeof option === "string" ? option : str(asRecord(option)?.answer)))
				.filter((option): option is string => typeof option === "string");
			items.push({ kind: "question", ts: message.ts, text: question, options });
		} else if (kind === "use_mcp_server") {
			items.push(mcpItem(message.ts, mcpTitle("MCP call", text), text));
		} else if (kind && errorAsks.has(kind)) {
			items.push({ kind: "error", ts: message.ts, title: errorTitles[kind] ?? "Error", text });
		} else if (kind === "completion_result") {
			if (text.trim()) items.push({ kind: "completion", ts: message.ts, text });
		} else if (text.trim()) {
			items.push({ kind: "other", ts: message.ts, label: (kind ?? "ask").replaceAll("_", " "), text });
		}
	}
	return items;
}

/**
 * Adds or replaces a streamed message. Partial messages are re-sent with the same `ts` as they
 * grow, so `ts` (with the type) identifies a message; order stays by time.
 */
export function upsertMessage(messages: ClineMessage[], message: ClineMessage): ClineMessage[] {
	const index = messages.findIndex((existing) => existing.ts === message.ts && existing.type === message.type);
	if (index >= 0) {
		const copy = [...messages];
		copy[index] = message;
		return copy;
	}
	const last = messages[messages.length - 1];
	if (!last || last.ts <= message.ts) return [...messages, message];
	const insertAt = messages.findIndex((existing) => existing.ts > message.ts);
	return [...messages.slice(0, insertAt), message, ...messages.slice(insertAt)];
}
