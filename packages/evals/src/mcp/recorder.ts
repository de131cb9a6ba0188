import type { ClineMessage, McpTelemetryEvent } from "@agent-evals/types";
import type { NewMcpConnectionEvent, NewMcpResourceEvent, NewMcpRetrievalCall } from "../db/schema.js";
import type { Store } from "../db/store.js";
import type { RunNotes } from "../run/run-notes.js";

/** Requests and responses are stored up to this many characters; their sizes are always kept. */
export const MAX_STORED_CHARS = 16 * 1024;
const FLUSH_MS = 250;

export interface McpRecorderOptions {
	runId: number;
	taskId: number;
	/** The run's MCP servers (comma-separated) and intent; without servers the benchmark row is made on first use. */
	servers: string | null;
	userIntent: string | null;
}

/** The parts of a call known so far. */
interface OpenCall {
	kind: "tool" | "resource";
	server: string;
	tool?: string;
	uri?: string;
	request?: unknown;
	requestSize?: number;
	source?: string;
	timeoutMs?: number;
	step: number;
	startedAt: number;
}

interface ClosedCall extends OpenCall {
	durationMs?: number;
	responseSize?: number;
	response?: string;
	error?: string;
	timedOut: boolean;
	messageTs?: number;
}

/**
 * Turns what a task's agent said about MCP into the MCP tables, for any server and any agent:
 *
 * - From our agent's `mcpTelemetry` events when it sends them (exact durations, sizes, errors,
 *   connection events), with the result text taken from the transcript.
 * - From the transcript alone otherwise, as Roo Code tells it: `ask: use_mcp_server` (the
 *   request), `say: mcp_server_request_started`, `say: mcp_server_response` (the result text;
 *   "Error:" first for a failed tool), or `say: error` for a call refused before it started.
 *
 * Steps are the agent's turns (`api_req_started`). Rows are written in batches off the task's
 * path; `finish` writes the rest and the task's totals with its verdict.
 */
export class McpRecorder {
	private benchmarkId: Promise<number> | undefined;
	private steps = 0;
	private errors = 0;
	private callCount = 0;
	private telemetrySeen = false;
	private readonly seenMessages = new Set<string>();
	/** Our agent: calls by callId; Roo Code: the last `use_mcp_server` and start. */
	private readonly open = new Map<string, OpenCall>();
	private pendingUse: OpenCall | undefined;
	private pendingStart: OpenCall | undefined;
	/** Closed calls still waiting for their response text from the transcript (our agent). */
	private readonly awaitingText: ClosedCall[] = [];
	private calls: ClosedCall[] = [];
	private connections: NewMcpConnectionEvent[] = [];
	private resources: NewMcpResourceEvent[] = [];
	private timer: NodeJS.Timeout | undefined;
	private writing: Promise<void> = Promise.resolve();

	constructor(
		private readonly store: Store,
		private readonly notes: RunNotes,
		private readonly options: McpRecorderOptions,
	) {}

	/** Opens the task's benchmark row now when the run has MCP servers (a fresh one per attempt). */
	async begin(): Promise<void> {
		if (this.options.servers) await this.benchmark();
	}

	/** A message of the transcript (only final versions count). */
	message(message: ClineMessage): void {
		if (message.partial === true) return;
		const key = `${message.ts}:${message.type}:${message.say ?? message.ask ?? ""}`;
		if (this.seenMessages.has(key)) return;
		this.seenMessages.add(key);
		if (message.type === "say" && message.say === "api_req_started") {
			this.steps++;
			return;
		}
		if (message.type === "ask" && message.ask === "use_mcp_server") {
			this.pendingUse = this.parseUse(message);
			return;
		}
		if (message.say === "mcp_server_request_started") {
			if (!this.telemetrySeen && this.pendingUse) this.pendingStart = { ...this.pendingUse, startedAt: message.ts };
			return;
		}
		if (message.say === "mcp_server_response") {
			this.response(message);
			return;
		}
		if (message.say === "error" && !this.telemetrySeen && this.pendingUse && !this.pendingStart) {
			// Refused before it started (unknown server or tool, bad arguments).
			this.close({ ...this.pendingUse, error: message.text ?? "error", timedOut: false, messageTs: message.ts });
			this.pendingUse = undefined;
		}
	}

	/** One of our agent's telemetry events. */
	telemetry(event: McpTelemetryEvent): void {
		this.telemetrySeen = true;
		const occurredAt = new Date(event.timestamp);
		const { runId, taskId } = this.options;
		if (event.type.startsWith("mcp:connection:")) {
			this.connections.push({
				runId,
				taskId,
				serverName: event.server,
				eventType: event.type.slice("mcp:connection:".length) as NewMcpConnectionEvent["eventType"],
				source: event.source ?? null,
				transport: event.transport ?? null,
				attempt: event.attempt ?? null,
				durationMs: event.durationMs === undefined ? null : Math.round(event.durationMs),
				errorMessage: event.error ?? null,
				occurredAt,
			});
			this.schedule();
			return;
		}
		const kind = event.type.startsWith("mcp:resource:") ? "resource" : "tool";
		const phase = event.type.slice(event.type.lastIndexOf(":") + 1);
		if (kind === "resource") {
			this.resources.push({
				runId,
				taskId,
				serverName: event.server,
				uri: event.uri ?? "",
				eventType: phase as NewMcpResourceEvent["eventType"],
				durationMs: event.durationMs === undefined ? null : Math.round(event.durationMs),
				responseSize: event.responseSize ?? null,
				errorMessage: event.error ?? null,
				occurredAt,
			});
			this.schedule();
		}
		const id = event.callId ?? `${event.server}:${event.tool ?? event.uri}`;
		if (phase === "start") {
			this.open.set(id, {
				kind,
				server: event.server,
				tool: event.tool,
				uri: event.uri,
				request: kind === "tool" ? event.arguments : { uri: event.uri },
				requestSize: kind === "tool" ? event.argumentsSize : event.uri?.length,
				source: event.source,
				timeoutMs: event.timeoutMs,
				step: this.steps,
				startedAt: event.timestamp,
			});
			return;
		}
		const started = this.open.get(id) ?? {
			kind,
			server: event.server,
			tool: event.tool,
			uri: event.uri,
			step: this.steps,
			startedAt: event.timestamp - (event.durationMs ?? 0),
		};
		this.open.delete(id);
		const call: ClosedCall = {
			...started,
			durationMs: event.durationMs,
			responseSize: event.responseSize,
			error: phase === "error" ? (event.error ?? "error") : undefined,
			timedOut: event.timedOut ?? false,
		};
		// The result text arrives in the transcript right after; the call is written once it has it.
		this.awaitingText.push(call);
	}

	/** Writes everything recorded so far. */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const calls = this.calls;
		const connections = this.connections;
		const resources = this.resources;
		this.calls = [];
		this.connections = [];
		this.resources = [];
		if (calls.length + connections.length + resources.length === 0) return this.writing;
		const { taskId } = this.options;
		this.writing = this.writing.then(async () => {
			if (connections.length > 0) {
				await this.store.mcp
					.addConnectionEvents(connections)
					.catch(this.notes.catcher(`storing ${connections.length} MCP connection events`, taskId));
			}
			if (resources.length > 0) {
				await this.store.mcp
					.addResourceEvents(resources)
					.catch(this.notes.catcher(`storing ${resources.length} MCP resource events`, taskId));
			}
			if (calls.length > 0) {
				try {
					const benchmarkId = await this.benchmark();
					await this.store.mcp.addCalls(calls.map((call) => callRow(benchmarkId, call)));
				} catch (error) {
					this.notes.failed(`storing ${calls.length} MCP calls`, error, taskId);
				}
			}
		});
		return this.writing;
	}

	/** Writes the rest and the task's totals with its verdict (null: none, e.g. cancelled). */
	async finish(passed: boolean | null): Promise<void> {
		// Calls whose text never came (the agent stopped mid-call) are written without it.
		for (const call of this.awaitingText.splice(0)) this.close(call);
		for (const call of this.open.values()) {
			this.close({ ...call, error: "no answer before the task ended", timedOut: false });
		}
		this.open.clear();
		if (this.pendingStart) {
			this.close({ ...this.pendingStart, error: "no answer before the task ended", timedOut: false });
			this.pendingStart = undefined;
		}
		await this.flush();
		if (!this.benchmarkId) return;
		try {
			await this.store.mcp.finishBenchmark(await this.benchmarkId, {
				totalSteps: this.steps,
				mcpCallCount: this.callCount,
				errorCount: this.errors,
				codeExecutionSuccess: passed,
			});
		} catch (error) {
			this.notes.failed("storing the MCP totals", error, this.options.taskId);
		}
	}

	private response(message: ClineMessage): void {
		const text = message.text ?? "";
		if (this.telemetrySeen) {
			const call = this.awaitingText.shift();
			if (call) this.close({ ...call, response: text, messageTs: message.ts });
			return;
		}
		const started = this.pendingStart ?? this.pendingUse;
		if (!started) return;
		const failed = /^Error:?\s/.test(text) || text === "(No response)";
		this.close({
			...started,
			durationMs: Math.max(0, message.ts - started.startedAt),
			response: text,
			responseSize: text.length,
			error: failed ? text.split("\n").slice(0, 3).join(" ").slice(0, 500) : undefined,
			timedOut: /timed out|did not answer within/i.test(text),
			messageTs: message.ts,
		});
		this.pendingStart = undefined;
		this.pendingUse = undefined;
	}

	private close(call: ClosedCall): void {
		this.callCount++;
		if (call.error !== undefined) this.errors++;
		this.calls.push(call);
		this.schedule();
	}

	/** Roo Code's `use_mcp_server` ask: JSON with type, serverName, toolName or uri, arguments. */
	private parseUse(message: ClineMessage): OpenCall | undefined {
		let parsed: Record<string, unknown>;
		try {
			parsed = JSON.parse(message.text ?? "") as Record<string, unknown>;
		} catch {
			return undefined;
		}
		const server = typeof parsed.serverName === "string" ? parsed.serverName : undefined;
		if (!server) return undefined;
		const resource = parsed.type === "access_mcp_resource";
		const uri = typeof parsed.uri === "string" ? parsed.uri : undefined;
		let request: unknown = resource ? { uri } : parsed.arguments;
		// Roo Code passes the arguments as the JSON text the model wrote.
		if (typeof request === "string") {
			try {
				request = JSON.parse(request);
			} catch {
				// keep the text
			}
		}
		return {
			kind: resource ? "resource" : "tool",
			server,
			tool: typeof parsed.toolName === "string" ? parsed.toolName : undefined,
			uri,
			request,
			requestSize: request === undefined ? 0 : JSON.stringify(request).length,
			step: this.steps,
			startedAt: message.ts,
		};
	}

	private benchmark(): Promise<number> {
		this.benchmarkId ??= this.store.mcp.startBenchmark({
			runId: this.options.runId,
			taskId: this.options.taskId,
			servers: this.options.servers ?? "",
			userIntent: this.options.userIntent,
		});
		return this.benchmarkId;
	}

	private schedule(): void {
		this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
	}
}

function callRow(benchmarkId: number, call: ClosedCall): NewMcpRetrievalCall {
	return {
		benchmarkId,
		stepNumber: call.step,
		serverName: call.server,
		kind: call.kind,
		toolName: call.tool ?? null,
		uri: call.uri ?? null,
		request: capped(call.request),
		requestSize: call.requestSize ?? null,
		// Wrapped: a bare JSON string in a jsonb column reads back ambiguously on some drivers.
		response: call.response === undefined ? null : { text: capText(call.response) },
		responseSize: call.responseSize ?? call.response?.length ?? null,
		durationMs: call.durationMs === undefined ? null : Math.round(call.durationMs),
		errorMessage: call.error ?? null,
		timedOut: call.timedOut,
		timeoutMs: call.timeoutMs ?? null,
		source: call.source ?? null,
		messageTs: call.messageTs ?? null,
		startedAt: new Date(call.startedAt),
	};
}

function capText(text: string): string {
	return text.length <= MAX_STORED_CHARS ? text : `${text.slice(0, MAX_STORED_CHARS)}… (${text.length} characters)`;
}

/** A request as stored: whole when small, else its JSON text cut short. */
function capped(value: unknown): unknown {
	if (value === undefined) return null;
	const text = JSON.stringify(value);
	return text.length <= MAX_STORED_CHARS ? value : capText(text);
}
