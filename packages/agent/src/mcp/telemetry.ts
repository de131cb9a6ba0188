import type { ClineSay, McpTelemetryEvent } from "@agent-evals/types";

/** Arguments larger than this (as JSON) are left out of `mcp:tool:start`; their size stays. */
export const MAX_TELEMETRY_ARGUMENTS_CHARS = 4_000;

/**
 * How a telemetry event reaches the runner: a `say` message whose text is the event as JSON.
 * Starts of tool and resource calls use Roo Code's `mcp_server_request_started`; everything
 * else (results, errors, connection events) uses `mcp_server_response`, and `type` inside the
 * JSON tells them apart.
 */
export function telemetryMessage(event: McpTelemetryEvent): { say: ClineSay; text: string } {
	const isRequestStart = event.type === "mcp:tool:start" || event.type === "mcp:resource:start";
	return { say: isRequestStart ? "mcp_server_request_started" : "mcp_server_response", text: JSON.stringify(event) };
}

/** The arguments of a tool call as telemetry carries them: small ones whole, large ones by size only. */
export function telemetryArguments(
	args: Record<string, unknown>,
): Pick<McpTelemetryEvent, "arguments" | "argumentsSize"> {
	const size = JSON.stringify(args).length;
	return size <= MAX_TELEMETRY_ARGUMENTS_CHARS ? { arguments: args, argumentsSize: size } : { argumentsSize: size };
}

/** Size of a server answer as JSON text, the unit `responseSize` is in. */
export function responseSize(result: unknown): number {
	try {
		return JSON.stringify(result)?.length ?? 0;
	} catch {
		return 0;
	}
}
