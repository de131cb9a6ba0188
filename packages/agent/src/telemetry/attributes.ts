import type { TaskContext } from "@agent-evals/types";
import type { Attributes } from "@opentelemetry/api";

/*
 * The attributes of the agent's spans. The `eval.*` three are put on every span of the process
 * (the AI SDK's too) by the attributes processor; the rest follow OpenTelemetry's GenAI and MCP
 * semantic conventions where they have a name for the thing.
 */

export const EVAL_RUN_ID = "eval.run_id";
export const EVAL_TASK_ID = "eval.task_id";
export const EVAL_MCP_SERVER = "eval.mcp_server";

/** Which evals run and task the spans belong to, from SetTaskContext. */
export function evalAttributes(context: Pick<TaskContext, "runId" | "taskId" | "mcpServer">): Attributes {
	return {
		[EVAL_RUN_ID]: context.runId,
		[EVAL_TASK_ID]: context.taskId,
		...(context.mcpServer ? { [EVAL_MCP_SERVER]: context.mcpServer } : {}),
	};
}

export function turnAttributes(turn: number, agentTaskId: string): Attributes {
	return { "agent.turn.number": turn, "gen_ai.conversation.id": agentTaskId };
}

export function toolCallAttributes(call: { toolName: string; toolCallId: string }): Attributes {
	return {
		"gen_ai.operation.name": "execute_tool",
		"gen_ai.tool.name": call.toolName,
		"gen_ai.tool.call.id": call.toolCallId,
	};
}

/** One MCP request: a tool call or a resource read on a server. */
export type McpRequest =
	| { method: "tools/call"; server: string; tool: string; requestSize: number }
	| { method: "resources/read"; server: string; uri: string; requestSize: number };

/** `tools/call get-sum` or `resources/read`: the conventions' `{method} {target}`, where a target is bounded. */
export function mcpSpanName(request: McpRequest): string {
	return request.method === "tools/call" ? `tools/call ${request.tool}` : "resources/read";
}

export function mcpRequestAttributes(request: McpRequest): Attributes {
	return {
		"rpc.system": "mcp",
		"mcp.method.name": request.method,
		"mcp.server": request.server,
		...(request.method === "tools/call"
			? { "gen_ai.tool.name": request.tool, "gen_ai.operation.name": "execute_tool" }
			: { "mcp.resource.uri": request.uri }),
		"mcp.request.size": request.requestSize,
	};
}

/** How an MCP request ended: the answer's size, or what went wrong (`error.type`). */
export function mcpResponseAttributes(response: { responseSize?: number; errorType?: string }): Attributes {
	return {
		...(response.responseSize !== undefined ? { "mcp.response.size": response.responseSize } : {}),
		...(response.errorType ? { "error.type": response.errorType } : {}),
	};
}
