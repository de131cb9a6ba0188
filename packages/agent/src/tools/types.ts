import type { ToolName } from "@agent-evals/types";
import type { z } from "zod";
import type { Logger } from "../log.js";
import type { CommandSandbox } from "../sandbox/from-env.js";

/** What a tool may use while it runs. The task loop builds one per call. */
export interface ToolContext {
	/** Absolute, symlink-resolved workspace root. Tools never touch anything outside it. */
	workspace: string;
	/** Aborted when the task is cancelled; long-running tools must stop at once. */
	signal: AbortSignal;
	/** Limit for execute_command, in milliseconds (from settings.commandExecutionTimeout). */
	commandTimeoutMs: number;
	/** Largest tool output, in characters, returned to the model (longer output is cut with a note). */
	maxOutputChars: number;
	/** Where execute_command runs commands: unset runs them as plain child processes. */
	sandbox?: CommandSandbox;
	/** Streams partial output (command output) so the UI sees it as it happens. */
	onProgress?: (text: string) => void;
	log: Logger;
}

/**
 * The outcome of one tool call. `output` is what the model reads next. `ok: false` means the
 * tool itself failed (bad input, path refused, no match, timeout): it counts as a failure in
 * ToolUsage and is reported as `taskToolFailed`. A command that ran and exited non-zero is ok.
 */
export interface ToolResult {
	ok: boolean;
	output: string;
	/** attempt_completion sets this: the task is finished, with this result text. */
	completion?: string;
}

export interface ToolDefinition<Input = unknown> {
	name: ToolName;
	/** Shown to the model: what the tool does and when to use it. */
	description: string;
	/** Validates the model's arguments; its error messages go back to the model. */
	inputSchema: z.ZodType<Input>;
	execute(input: Input, context: ToolContext): Promise<ToolResult>;
}
