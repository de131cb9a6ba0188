import { z } from "zod";

/**
 * Tool names Roo Code reports in `ToolUsage` and `taskToolFailed`. The list is what we know of
 * today; payload schemas accept any string so a newer Roo Code with a new tool still gets through.
 */
export const toolNames = [
	"execute_command",
	"read_file",
	"write_to_file",
	"apply_diff",
	"insert_content",
	"search_and_replace",
	"search_replace",
	"edit_file",
	"apply_patch",
	"search_files",
	"list_files",
	"list_code_definition_names",
	"codebase_search",
	"browser_action",
	"use_mcp_tool",
	"access_mcp_resource",
	"ask_followup_question",
	"attempt_completion",
	"switch_mode",
	"new_task",
	"fetch_instructions",
	"update_todo_list",
	"run_slash_command",
	"generate_image",
] as const;

export const toolNameSchema = z.enum(toolNames);
export type ToolName = z.infer<typeof toolNameSchema>;

export function isKnownToolName(name: string): name is ToolName {
	return (toolNames as readonly string[]).includes(name);
}

const count = z.number().int().nonnegative();

/** Per-tool counters, keyed by tool name. */
export const toolUsageSchema = z.record(z.string(), z.object({ attempts: count, failures: count }));
export type ToolUsage = z.infer<typeof toolUsageSchema>;
