/** Why a hub operation failed; the message is written for the model and the person reading the log. */
export type McpHubErrorCode =
	| "unknown_server"
	| "disabled"
	| "invalid_config"
	| "not_connected"
	| "tool_disabled"
	| "not_approved"
	| "timeout"
	| "connection_closed"
	| "server_error";

export class McpHubError extends Error {
	constructor(
		readonly code: McpHubErrorCode,
		message: string,
	) {
		super(message);
		this.name = "McpHubError";
	}
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
