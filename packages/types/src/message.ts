import { z } from "zod";

/** `ask` kinds Roo Code emits; the schema accepts others so new kinds are not dropped. */
export const clineAsks = [
	"followup",
	"command",
	"command_output",
	"completion_result",
	"tool",
	"api_req_failed",
	"resume_task",
	"resume_completed_task",
	"mistake_limit_reached",
	"browser_action_launch",
	"use_mcp_server",
	"auto_approval_max_req_reached",
] as const;

/** `say` kinds Roo Code emits (plus the MCP telemetry kinds our agent uses). */
export const clineSays = [
	"error",
	"api_req_started",
	"api_req_finished",
	"api_req_retried",
	"api_req_retry_delayed",
	"api_req_deleted",
	"text",
	"reasoning",
	"completion_result",
	"user_feedback",
	"user_feedback_diff",
	"command_output",
	"shell_integration_warning",
	"browser_action",
	"browser_action_result",
	"mcp_server_request_started",
	"mcp_server_response",
	"subtask_result",
	"checkpoint_saved",
	"rooignore_error",
	"diff_error",
	"condense_context",
	"condense_context_error",
	"codebase_search_result",
	"user_edit_todos",
] as const;

export type ClineAsk = (typeof clineAsks)[number];
export type ClineSay = (typeof clineSays)[number];

/**
 * One entry of a task's UI transcript. Unknown fields are kept: Roo Code adds fields over time
 * (checkpoints, progress, metadata) and a relay must not strip them.
 */
export const clineMessageSchema = z.looseObject({
	ts: z.number(),
	type: z.enum(["ask", "say"]),
	ask: z.string().optional(),
	say: z.string().optional(),
	text: z.string().optional(),
	images: z.array(z.string()).optional(),
	partial: z.boolean().optional(),
	reasoning: z.string().optional(),
});
export type ClineMessage = z.infer<typeof clineMessageSchema>;

const tokens = z.number().nonnegative();

/** Cumulative token and cost counters of one task. `totalCost` is USD. */
export const tokenUsageSchema = z.object({
	totalTokensIn: tokens,
	totalTokensOut: tokens,
	totalCacheWrites: tokens.optional(),
	totalCacheReads: tokens.optional(),
	totalCost: z.number().nonnegative(),
	contextTokens: tokens,
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;
