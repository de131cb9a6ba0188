import { z } from "zod";

/**
 * `ask` kinds the current Roo Code emits (the pinned `@roo-code/types` in the contract test). The
 * schema accepts any string, so newer kinds and retired ones (`browser_action_launch`) still parse;
 * our agent sends only listed kinds.
 */
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
	"use_mcp_server",
	"auto_approval_max_req_reached",
] as const;

/** `say` kinds the current Roo Code emits; our agent's MCP telemetry uses two of them. */
export const clineSays = [
	"error",
	"api_req_started",
	"api_req_finished",
	"api_req_retried",
	"api_req_retry_delayed",
	"api_req_rate_limit_wait",
	"api_req_deleted",
	"text",
	"image",
	"reasoning",
	"completion_result",
	"user_feedback",
	"user_feedback_diff",
	"command_output",
	"shell_integration_warning",
	"mcp_server_request_started",
	"mcp_server_response",
	"subtask_result",
	"checkpoint_saved",
	"rooignore_error",
	"diff_error",
	"condense_context",
	"condense_context_error",
	"sliding_window_truncation",
	"codebase_search_result",
	"user_edit_todos",
	"too_many_tools_warning",
	"tool",
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

/** A queued user message: sent with SendMessage while the agent was busy, not yet taken. */
export const queuedMessageSchema = z.looseObject({
	timestamp: z.number(),
	id: z.string(),
	text: z.string(),
	images: z.array(z.string()).optional(),
});
export type QueuedMessage = z.infer<typeof queuedMessageSchema>;

/**
 * Cumulative token and cost counters of one task. `totalCost` is USD. Roo Code declares these
 * as plain numbers, so a negative one still parses (a receiver must not drop the event); see
 * `implausibleValues` for the warning a receiver logs instead.
 */
export const tokenUsageSchema = z.object({
	totalTokensIn: z.number(),
	totalTokensOut: z.number(),
	totalCacheWrites: z.number().optional(),
	totalCacheReads: z.number().optional(),
	totalCost: z.number(),
	contextTokens: z.number(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;
