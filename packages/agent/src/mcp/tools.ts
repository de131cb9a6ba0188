import { z } from "zod";
import type { ToolDefinition } from "../tools/types.js";
import { errorText } from "./errors.js";
import { formatResourceResult, formatToolResult } from "./format.js";
import type { McpHub } from "./hub.js";

const useMcpToolInput = z.object({
	server_name: z.string().min(1).describe("Name of the MCP server, as listed in the system prompt."),
	tool_name: z.string().min(1).describe("Name of the tool on that server."),
	arguments: z
		.union([z.record(z.string(), z.unknown()), z.string()])
		.optional()
		.describe("The tool's arguments: a JSON object following the tool's input schema (a JSON string is accepted)."),
});
export type UseMcpToolInput = z.infer<typeof useMcpToolInput>;

const accessMcpResourceInput = z.object({
	server_name: z.string().min(1).describe("Name of the MCP server, as listed in the system prompt."),
	uri: z.string().min(1).describe("URI of the resource (a listed resource, or a filled-in resource template)."),
});
export type AccessMcpResourceInput = z.infer<typeof accessMcpResourceInput>;

type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Models send the arguments as an object or as JSON text; both mean the same. */
export function parseMcpArguments(raw: UseMcpToolInput["arguments"]): ParsedArguments {
	if (raw === undefined) return { ok: true, value: {} };
	if (typeof raw !== "string") return { ok: true, value: raw };
	if (raw.trim() === "") return { ok: true, value: {} };
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch (error) {
		return { ok: false, error: `arguments is not valid JSON (${errorText(error)})` };
	}
	if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
		return { ok: false, error: "arguments must be a JSON object" };
	}
	return { ok: true, value: parsed as Record<string, unknown> };
}

export interface McpToolsOptions {
	/**
	 * settings.alwaysAllowMcp. An eval has nobody to approve a call, so when it is false only tools
	 * listed in the server's `alwaysAllow` run; the others are refused.
	 */
	approveAll: boolean;
}

/** `use_mcp_tool` and `access_mcp_resource`, bound to a hub. */
export function createMcpTools(hub: McpHub, options: McpToolsOptions): ToolDefinition[] {
	const useMcpTool: ToolDefinition<UseMcpToolInput> = {
		name: "use_mcp_tool",
		description: [
			"Call a tool of a connected MCP server. The servers and their tools are listed in the system prompt.",
			"Parameters: server_name, tool_name, arguments (a JSON object matching the tool's input schema).",
		].join("\n"),
		inputSchema: useMcpToolInput,
		async execute(input, context) {
			const args = parseMcpArguments(input.arguments);
			if (!args.ok) return { ok: false, output: `Invalid arguments for use_mcp_tool: ${args.error}` };
			if (!options.approveAll) {
				const tool = hub.server(input.server_name)?.tools.find((candidate) => candidate.name === input.tool_name);
				if (tool && !tool.alwaysAllow) {
					return {
						ok: false,
						output: `Tool "${input.tool_name}" on server "${input.server_name}" needs approval (alwaysAllowMcp is off and the tool is not in the server's alwaysAllow), and nobody can approve it in this run.`,
					};
				}
			}
			try {
				const result = await hub.callTool(input.server_name, input.tool_name, args.value, { signal: context.signal });
				return { ok: result.isError !== true, output: formatToolResult(result, context.maxOutputChars) };
			} catch (error) {
				return { ok: false, output: errorText(error) };
			}
		},
	};

	const accessMcpResource: ToolDefinition<AccessMcpResourceInput> = {
		name: "access_mcp_resource",
		description: [
			"Read a resource of a connected MCP server (a file, a record, a page). The servers and their resources are listed in the system prompt.",
			"Parameters: server_name, uri.",
		].join("\n"),
		inputSchema: accessMcpResourceInput,
		async execute(input, context) {
			try {
				const result = await hub.readResource(input.server_name, input.uri, { signal: context.signal });
				return { ok: true, output: formatResourceResult(result, context.maxOutputChars) };
			} catch (error) {
				return { ok: false, output: errorText(error) };
			}
		},
	};

	return [useMcpTool, accessMcpResource];
}
