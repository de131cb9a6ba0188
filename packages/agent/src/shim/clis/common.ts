import type { UsageReport } from "../spec.js";

/* Helpers every CLI's parser and launcher shares. */

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A line of JSON as an object; anything else (banners, warnings some CLIs print) is skipped. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
	const text = line.trim();
	if (!text.startsWith("{")) return undefined;
	try {
		const value = JSON.parse(text) as unknown;
		return isRecord(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

export function str(value: unknown): string | undefined {
	return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number {
	return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function record(value: unknown): Record<string, unknown> {
	return isRecord(value) ? value : {};
}

/** Text of a tool result that may be a string, content blocks, or anything else. */
export function textOf(value: unknown): string {
	if (typeof value === "string") return value;
	if (Array.isArray(value)) {
		return value
			.map((part) =>
				isRecord(part) && typeof part.text === "string" ? part.text : typeof part === "string" ? part : "",
			)
			.filter(Boolean)
			.join("\n");
	}
	if (value === undefined || value === null) return "";
	return JSON.stringify(value);
}

/** Counts where input excludes the cache (Anthropic's convention), as a report where it includes it. */
export function fromAnthropicStyle(
	input: number,
	output: number,
	cacheRead: number,
	cacheWrite: number,
	cost?: number,
): UsageReport {
	return {
		inputTokens: input + cacheRead + cacheWrite,
		outputTokens: output,
		cacheReadTokens: cacheRead,
		cacheWriteTokens: cacheWrite,
		...(cost !== undefined ? { cost } : {}),
	};
}

/*
 * The CLIs' tool names that mean the same as one of Roo Code's (lower-cased), so tool use is
 * compared across agents by one vocabulary. A name missing here is reported as the CLI spells it.
 */
const OUR_TOOL_NAMES: Record<string, string> = {
	bash: "execute_command",
	shell: "execute_command",
	exec_command: "execute_command",
	run_shell_command: "execute_command",
	run_commands: "execute_command",
	command_execution: "execute_command",
	read: "read_file",
	read_file: "read_file",
	read_files: "read_file",
	read_many_files: "read_file",
	write: "write_to_file",
	write_file: "write_to_file",
	edit: "search_replace",
	multiedit: "search_replace",
	replace: "search_replace",
	apply_patch: "apply_patch",
	patch: "apply_patch",
	file_change: "apply_patch",
	grep: "search_files",
	grep_search: "search_files",
	search_file_content: "search_files",
	search_codebase: "search_files",
	glob: "list_files",
	ls: "list_files",
	list: "list_files",
	list_directory: "list_files",
	todowrite: "update_todo_list",
	todo_write: "update_todo_list",
	todo_list: "update_todo_list",
	task: "new_task",
	agent: "new_task",
	spawn_agent: "new_task",
	askuserquestion: "ask_followup_question",
	ask_user_question: "ask_followup_question",
	ask_question: "ask_followup_question",
	mcp_tool_call: "use_mcp_tool",
};

export function commonToolName(name: string): string | undefined {
	return OUR_TOOL_NAMES[name.toLowerCase()];
}

/** The command of a shell tool's input, whatever the CLI calls the field. */
export function commandOf(input: Record<string, unknown>): string | undefined {
	const single = str(input.command) ?? str(input.cmd);
	if (single !== undefined) return single;
	if (Array.isArray(input.commands)) return input.commands.filter((c) => typeof c === "string").join("\n");
	return undefined;
}

/** What every CLI run gets: colour codes and spinners never belong in a JSON stream. */
export const QUIET_ENV: Record<string, string> = { NO_COLOR: "1" };
