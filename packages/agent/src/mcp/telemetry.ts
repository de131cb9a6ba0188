import type { McpTelemetryEvent } from "@agent-evals/types";

/** Arguments larger than this (as JSON) are left out of `mcp:tool:start`; their size stays. */
export const MAX_TELEMETRY_ARGUMENTS_CHARS = 4_000;

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
