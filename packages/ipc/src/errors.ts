/** Raised by IpcClient; `code` lets callers tell a missing agent from a protocol problem. */
export class IpcClientError extends Error {
	constructor(
		readonly code: "timeout" | "not_ready" | "connect_failed" | "disconnected",
		message: string,
	) {
		super(message);
		this.name = "IpcClientError";
	}
}
