import { z } from "zod";

/**
 * MCP server configuration, as Roo Code reads it from `mcp.json` files (`{"mcpServers": {...}}`),
 * and the telemetry the agent reports about MCP calls. Each server is validated on its own so one
 * bad entry costs only that server; the messages name the field and are meant for the person who
 * wrote the file.
 */

export const mcpTransports = ["stdio", "sse", "streamable-http"] as const;
export type McpTransport = (typeof mcpTransports)[number];

/** Where a server's configuration came from; later sources override earlier ones by name. */
export const mcpConfigSources = ["global", "project", "settings"] as const;
export type McpConfigSource = (typeof mcpConfigSources)[number];

export const MCP_DEFAULT_TIMEOUT_SECONDS = 60;

const TIMEOUT_MESSAGE = "must be a number of seconds from 1 to 3600";
const string = z.string({ error: "must be a string" });
const strings = z.array(string, { error: "must be an array of strings" });
const stringMap = z.record(z.string(), string, { error: "must be an object whose values are strings" });

/** Every field a server may have, type-checked but not yet checked against each other. */
const serverFieldsSchema = z.looseObject(
	{
		type: z.enum(mcpTransports, { error: 'must be "stdio", "sse" or "streamable-http"' }).optional(),
		disabled: z.boolean({ error: "must be true or false" }).optional(),
		timeout: z
			.number({ error: TIMEOUT_MESSAGE })
			.min(1, { error: TIMEOUT_MESSAGE })
			.max(3600, { error: TIMEOUT_MESSAGE })
			.optional(),
		alwaysAllow: strings.optional(),
		disabledTools: strings.optional(),
		watchPaths: strings.optional(),
		command: string.trim().min(1, { error: "must not be empty" }).optional(),
		args: strings.optional(),
		cwd: string.optional(),
		env: stringMap.optional(),
		url: z.url({ protocol: /^https?$/, error: "must be a valid http or https URL" }).optional(),
		headers: stringMap.optional(),
	},
	{ error: "must be an object" },
);
type ServerFields = z.infer<typeof serverFieldsSchema>;

const STDIO_ONLY = ["command", "args", "cwd", "env"] as const;
const HTTP_ONLY = ["url", "headers"] as const;

function crossFieldIssues(server: ServerFields, ctx: z.core.$RefinementCtx<ServerFields>): void {
	const fail = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
	if (server.command !== undefined && server.url !== undefined) {
		fail(
			"url",
			'cannot be combined with "command": use "command" (with "args", "cwd", "env") for a stdio server, or "url" (with "headers") for an sse or streamable-http server',
		);
		return;
	}
	const type = server.type ?? (server.command !== undefined ? "stdio" : undefined);
	if (type === undefined) {
		if (server.url !== undefined) fail("type", 'is required with "url": set it to "sse" or "streamable-http"');
		else fail("command", 'is required for a stdio server (an HTTP server needs "url" and "type" instead)');
		return;
	}
	if (type === "stdio") {
		if (server.command === undefined) fail("command", 'is required for type "stdio"');
		for (const field of HTTP_ONLY) {
			if (server[field] !== undefined) fail(field, "is only for sse and streamable-http servers");
		}
		return;
	}
	if (server.url === undefined) fail("url", `is required for type "${type}"`);
	for (const field of STDIO_ONLY) {
		if (server[field] !== undefined) fail(field, "is only for stdio servers");
	}
}

interface CommonServerConfig {
	disabled: boolean;
	/** Seconds for connecting and for each request. */
	timeout: number;
	/** Tool names approved without asking; `"*"` approves every tool. */
	alwaysAllow: string[];
	/** Tools that are neither offered to the model nor callable. */
	disabledTools: string[];
	/** Files or folders whose change restarts a stdio server. */
	watchPaths: string[];
}
export interface McpStdioServerConfig extends CommonServerConfig {
	type: "stdio";
	command: string;
	args: string[];
	cwd?: string;
	env: Record<string, string>;
}
export interface McpHttpServerConfig extends CommonServerConfig {
	type: "sse" | "streamable-http";
	url: string;
	headers: Record<string, string>;
}
/** A validated server configuration with its defaults filled in. */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

function normalized(server: ServerFields): McpServerConfig {
	const common: CommonServerConfig = {
		disabled: server.disabled ?? false,
		timeout: server.timeout ?? MCP_DEFAULT_TIMEOUT_SECONDS,
		alwaysAllow: server.alwaysAllow ?? [],
		disabledTools: server.disabledTools ?? [],
		watchPaths: server.watchPaths ?? [],
	};
	if (server.type === "sse" || server.type === "streamable-http") {
		return { ...common, type: server.type, url: server.url ?? "", headers: server.headers ?? {} };
	}
	return {
		...common,
		type: "stdio",
		command: server.command ?? "",
		args: server.args ?? [],
		...(server.cwd !== undefined ? { cwd: server.cwd } : {}),
		env: server.env ?? {},
	};
}

/**
 * One server's configuration (REFERENCE §4). `type` is inferred as stdio when `command` is
 * given; unknown keys are ignored, as Roo Code does, so its files load unchanged.
 */
export const mcpServerConfigSchema: z.ZodType<McpServerConfig, unknown> = serverFieldsSchema
	.superRefine(crossFieldIssues)
	.transform(normalized);

/**
 * A config file. Servers stay unvalidated here: they are checked one by one with
 * `parseMcpServerConfig`, so an invalid server does not hide the valid ones.
 */
export const mcpConfigFileSchema = z.looseObject(
	{ mcpServers: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional() },
	{ error: "must be a JSON object" },
);
export type McpConfigFile = z.infer<typeof mcpConfigFileSchema>;

function issuePath(path: readonly PropertyKey[]): string {
	return path.length === 0 ? "(root)" : path.map(String).join(".");
}

/** `Invalid configuration for server "<name>": <path>: <message>`, issues joined with "; ". */
export function formatMcpConfigError(name: string, issues: readonly z.core.$ZodIssue[]): string {
	const details = issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join("; ");
	return `Invalid configuration for server "${name}": ${details}`;
}

export type McpServerConfigResult = { ok: true; config: McpServerConfig } | { ok: false; error: string };

/** Validates one server; the error is the exact message users see. */
export function parseMcpServerConfig(name: string, raw: unknown): McpServerConfigResult {
	const parsed = mcpServerConfigSchema.safeParse(raw);
	if (parsed.success) return { ok: true, config: parsed.data };
	return { ok: false, error: formatMcpConfigError(name, parsed.error.issues) };
}

export const mcpServerStatuses = ["connecting", "connected", "disconnected"] as const;
export type McpServerStatus = (typeof mcpServerStatuses)[number];

export const mcpTelemetryEventTypes = [
	"mcp:connection:start",
	"mcp:connection:established",
	"mcp:connection:error",
	"mcp:tool:start",
	"mcp:tool:success",
	"mcp:tool:error",
	"mcp:resource:start",
	"mcp:resource:success",
	"mcp:resource:error",
] as const;
export type McpTelemetryEventType = (typeof mcpTelemetryEventTypes)[number];

/**
 * One MCP telemetry event. The agent sends it to the runner as the JSON text of a `message`
 * event (`say: "mcp_server_request_started"` for tool/resource starts, `"mcp_server_response"`
 * for everything else), so a runner validates that text with this schema.
 */
export const mcpTelemetryEventSchema = z.object({
	type: z.enum(mcpTelemetryEventTypes),
	server: z.string(),
	/** Absent when the server is not configured at all. */
	source: z.enum(mcpConfigSources).optional(),
	transport: z.enum(mcpTransports).optional(),
	tool: z.string().optional(),
	uri: z.string().optional(),
	/** Pairs a start with its success or error. */
	callId: z.string().optional(),
	/** Connection attempt number since the last established connection (1 = first try). */
	attempt: z.number().int().positive().optional(),
	/** The tool's arguments on `mcp:tool:start`, omitted when larger than a few kB. */
	arguments: z.record(z.string(), z.unknown()).optional(),
	/** Size of the arguments as JSON text, in characters (always present on tool starts). */
	argumentsSize: z.number().int().nonnegative().optional(),
	timeoutMs: z.number().int().nonnegative().optional(),
	durationMs: z.number().nonnegative().optional(),
	/** Size of the server's answer as JSON text, in characters. */
	responseSize: z.number().int().nonnegative().optional(),
	error: z.string().optional(),
	/** The call failed because the server did not answer within its timeout. */
	timedOut: z.boolean().optional(),
	/** Milliseconds since the epoch. */
	timestamp: z.number(),
});
export type McpTelemetryEvent = z.infer<typeof mcpTelemetryEventSchema>;
