import type { McpServerConfig } from "@agent-evals/types";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/** A transport and what the connection needs to know about the process behind it, if any. */
export interface McpTransportHandle {
	transport: Transport;
	/** stderr of a stdio server (null for HTTP): its lines go to the error history. */
	stderr: NodeJS.ReadableStream | null;
	/** The stdio server's process id once started. */
	pid(): number | null;
	/** Ends an HTTP session on the server side (streamable HTTP's DELETE); a no-op elsewhere. */
	terminate(): Promise<void>;
}

/**
 * One transport per connection attempt: SDK transports cannot be restarted once closed.
 * The HTTP transports get no reconnection of their own beyond the SDK's short SSE-stream retry;
 * the connection decides when a server is gone and builds a new transport.
 */
export function createTransport(config: McpServerConfig): McpTransportHandle {
	switch (config.type) {
		case "stdio": {
			const transport = new StdioClientTransport({
				command: config.command,
				args: config.args,
				cwd: config.cwd,
				// The SDK's safe default set (PATH, HOME, …) plus the server's own variables: the
				// agent's keys are not handed to every server.
				env: { ...getDefaultEnvironment(), ...config.env },
				stderr: "pipe",
			});
			return {
				transport,
				stderr: transport.stderr as NodeJS.ReadableStream | null,
				pid: () => transport.pid,
				terminate: async () => {},
			};
		}
		case "sse": {
			const transport = new SSEClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
			return { transport, stderr: null, pid: () => null, terminate: async () => {} };
		}
		case "streamable-http": {
			const transport = new StreamableHTTPClientTransport(new URL(config.url), {
				requestInit: { headers: config.headers },
			});
			return {
				transport,
				stderr: null,
				pid: () => null,
				terminate: () => transport.terminateSession(),
			};
		}
	}
}
