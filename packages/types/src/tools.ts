import { z } from "zod";

/**
 * Tool names the current Roo Code accepts in `ToolUsage` and `taskToolFailed` (the pinned
 * `@roo-code/types` in the contract test). Our agent reports only these; payload schemas accept
 * any string, so a newer Roo Code with a new tool (or an older one with a retired tool such as
 * `browser_action`) still gets through to us.
 */
export const toolNames = [
	"execute_command",
	"read_file",
	"read_command_output",
	"write_to_file",
	"apply_diff",
	"edit",
	"search_and_replace",
	"search_replace",
	"edit_file",
	"apply_patch",
	"search_files",
	"list_files",
	"use_mcp_tool",
	"access_mcp_resource",
	"ask_followup_question",
	"attempt_completion",
	"switch_mode",
	"new_task",
	"codebase_search",
	"update_todo_list",
	"run_slash_command",
	"skill",
	"generate_image",
	"custom_tool",
] as const;

export const toolNameSchema = z.enum(toolNames);
export type ToolName = z.infer<typeof toolNameSchema>;

export function isKnownToolName(name: string): name is ToolName {
	return (toolNames as readonly string[]).includes(name);
}

/**
 * Per-tool counters, keyed by tool name. Roo Code declares the counts as plain numbers; like
 * TokenUsage, odd values parse and are reported by `implausibleValues`.
 */
export const toolUsageSchema = z.record(z.string(), z.object({ attempts: z.number(), failures: z.number() }));
export type ToolUsage = z.infer<typeof toolUsageSchema>;
