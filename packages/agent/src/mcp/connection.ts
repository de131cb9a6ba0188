import type {
	McpConfigSource,
	McpServerConfig,
	McpServerStatus,
	McpTelemetryEvent,
	McpTelemetryEventType,
} from "@agent-evals/types";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
	ErrorCode,
	McpError,
	ResourceListChangedNotificationSchema,
	ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../log.js";
import { errorText, McpHubError } from "./errors.js";
import { createTransport, type McpTransportHandle } from "./transport.js";

export interface ReconnectOptions {
	/** Delay before the first retry; each further failure multiplies it by `factor`. */
	initialDelayMs: number;
	maxDelayMs: number;
	factor: number;
}

export interface McpToolInfo {
	name: string;
	title?: string;
	description?: string;
	inputSchema: Record<string, unknown>;
	/** False for the server's `disabledTools`: not offered to the model and refused when called. */
	enabled: boolean;
	/** Listed in `alwaysAllow` (or `"*"`): approved even when settings.alwaysAllowMcp is false. */
	alwaysAllow: boolean;
}

export interface McpResourceInfo {
	uri: string;
	name: string;
	title?: string;
	description?: string;
	mimeType?: string;
}

export interface McpResourceTemplateInfo {
	uriTemplate: string;
	name: string;
	title?: string;
	description?: string;
	mimeType?: string;
}

export interface McpErrorRecord {
	timestamp: number;
	level: "error" | "warn" | "info";
	/** stderr: a line a stdio server wrote; connection: connect, drop, heartbeat; config: warnings. */
	origin: "stderr" | "connection" | "config";
	message: string;
}

/** A snapshot of one server, as the hub reports it. */
export interface McpServerState {
	name: string;
	source: McpConfigSource;
	transport: McpServerConfig["type"];
	status: McpServerStatus;
	disabled: boolean;
	/** The latest connection error (not stderr chatter). */
	error?: string;
	/** Bounded history: connection errors, warnings and stderr lines, oldest first. */
	errors: McpErrorRecord[];
	/** When disconnected and a retry is planned: when it happens (ms since the epoch). */
	nextRetryAt?: number;
	/** Failed attempts since the last established connection. */
	failedAttempts: number;
	connectedAt?: number;
	pid?: number;
	serverInfo?: { name: string; version: string };
	instructions?: string;
	tools: McpToolInfo[];
	resources: McpResourceInfo[];
	resourceTemplates: McpResourceTemplateInfo[];
}

export interface McpConnectionOptions {
	name: string;
	source: McpConfigSource;
	config: McpServerConfig;
	fingerprint: string;
	warnings?: string[];
	log: Logger;
	reconnect: ReconnectOptions;
	/** HTTP servers are pinged this often (ms; 0 = never): a dead HTTP server sends no close. */
	heartbeatMs: number;
	/** How long a stdio server gets to exit after its stdin closes before it is sent SIGTERM. */
	stdioGraceMs: number;
	maxErrorHistory: number;
	clientInfo: { name: string; version: string };
	emit: (event: McpTelemetryEvent) => void;
	onChange: () => void;
}

interface Session {
	generation: number;
	client: Client;
	handle: McpTransportHandle;
	closing: boolean;
	stderrTail: string;
}

const MAX_PAGES = 100;
const MAX_STDERR_LINE = 2_000;
const PROBE_TIMEOUT_MS = 10_000;
const TERMINATE_TIMEOUT_MS = 1_000;

/**
 * One configured server: its client session, the lists it serves and its health. It connects on
 * `start`, and whenever an established session is lost (process exit, failed heartbeat) or an
 * attempt fails it tries again with exponential backoff until `close`. Each attempt gets a new
 * generation number; callbacks of an older session are ignored, so a late close event of a
 * replaced session cannot tear down its successor.
 */
export class McpConnection {
	readonly name: string;
	readonly config: McpServerConfig;
	readonly fingerprint: string;
	source: McpConfigSource;
	private readonly options: McpConnectionOptions;
	private status: McpServerStatus = "disconnected";
	private session: Session | undefined;
	private generation = 0;
	private failures = 0;
	private nextRetryAt: number | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private heartbeatTimer: NodeJS.Timeout | undefined;
	private probing = false;
	private closed = false;
	private connectedAt: number | undefined;
	private lastError: string | undefined;
	private tools: McpToolInfo[] = [];
	private resources: McpResourceInfo[] = [];
	private templates: McpResourceTemplateInfo[] = [];
	private readonly history: McpErrorRecord[] = [];
	private refreshChain: Promise<void> = Promise.resolve();
	private readonly settleWaiters = new Set<() => void>();

	constructor(options: McpConnectionOptions) {
		this.options = options;
		this.name = options.name;
		this.config = options.config;
		this.fingerprint = options.fingerprint;
		this.source = options.source;
		for (const warning of options.warnings ?? []) this.record("warn", "config", warning);
	}

	get timeoutMs(): number {
		return this.config.timeout * 1000;
	}

	/** Connects (disabled servers stay disconnected); resolves once the first attempt has settled. */
	start(): Promise<void> {
		if (this.config.disabled || this.closed) return Promise.resolve();
		return this.attempt();
	}

	/** Closes the session and connects again at once, with the backoff reset (watchPaths). */
	async restart(reason: string): Promise<void> {
		if (this.closed || this.config.disabled) return;
		this.record("info", "connection", `restarting: ${reason}`);
		this.options.log.log("info", `mcp ${this.name}: restarting (${reason})`);
		this.clearTimers();
		this.failures = 0;
		const old = this.session;
		this.session = undefined;
		this.generation++;
		// Requests made meanwhile wait for the new session instead of failing.
		this.setStatus("connecting");
		if (old) await this.closeSession(old, true);
		await this.attempt();
	}

	/** Ends the connection for good: no more retries, the process (if any) is stopped. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.clearTimers();
		this.generation++;
		const session = this.session;
		this.session = undefined;
		this.setStatus("disconnected");
		if (session) await this.closeSession(session, true);
	}

	/** Waits while a connection attempt is under way, at most `ms`. */
	async waitUntilSettled(ms: number): Promise<void> {
		if (this.status !== "connecting") return;
		await new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.settleWaiters.delete(done);
				resolve();
			};
			const timer = setTimeout(done, ms);
			timer.unref();
			this.settleWaiters.add(done);
		});
	}

	/**
	 * Runs a request on the live session with the server's timeout. A session that is being
	 * established is waited for (up to the timeout); otherwise a disconnected server fails at once,
	 * saying when it will be retried.
	 */
	async request<T>(run: (client: Client, options: RequestOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
		if (this.status === "connecting") await this.waitUntilSettled(this.timeoutMs);
		const session = this.session;
		if (this.status !== "connected" || !session) throw new McpHubError("not_connected", this.notConnectedMessage());
		try {
			return await run(session.client, { timeout: this.timeoutMs, ...(signal ? { signal } : {}) });
		} catch (error) {
			if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
				throw new McpHubError("timeout", `Server "${this.name}" did not answer within ${this.config.timeout} s`);
			}
			if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
				throw new McpHubError(
					"connection_closed",
					`Server "${this.name}" closed the connection during the request; it is being reconnected`,
				);
			}
			if (signal?.aborted) throw error;
			// An HTTP server that went away only shows itself through failing requests.
			if (this.config.type !== "stdio") void this.probe(session.generation);
			if (error instanceof McpError) throw error;
			throw new McpHubError("server_error", `Request to server "${this.name}" failed: ${errorText(error)}`);
		}
	}

	state(): McpServerState {
		const session = this.session;
		const pid = session?.handle.pid();
		const serverInfo = this.status === "connected" ? session?.client.getServerVersion() : undefined;
		const instructions = this.status === "connected" ? session?.client.getInstructions() : undefined;
		return {
			name: this.name,
			source: this.source,
			transport: this.config.type,
			status: this.status,
			disabled: this.config.disabled,
			...(this.lastError !== undefined ? { error: this.lastError } : {}),
			errors: this.history.map((record) => ({ ...record })),
			...(this.nextRetryAt !== undefined && this.status === "disconnected" ? { nextRetryAt: this.nextRetryAt } : {}),
			failedAttempts: this.failures,
			...(this.connectedAt !== undefined && this.status === "connected" ? { connectedAt: this.connectedAt } : {}),
			...(pid ? { pid } : {}),
			...(serverInfo ? { serverInfo: { name: serverInfo.name, version: serverInfo.version } } : {}),
			...(instructions ? { instructions } : {}),
			tools: this.tools.map((tool) => ({ ...tool })),
			resources: this.resources.map((resource) => ({ ...resource })),
			resourceTemplates: this.templates.map((template) => ({ ...template })),
		};
	}

	private async attempt(): Promise<void> {
		if (this.closed) return;
		this.clearTimers();
		const generation = ++this.generation;
		const attempt = this.failures + 1;
		const started = Date.now();
		this.setStatus("connecting");
		this.emit("mcp:connection:start", { attempt });
		const handle = createTransport(this.config);
		const client = new Client(this.options.clientInfo, { capabilities: {} });
		const session: Session = { generation, client, handle, closing: false, stderrTail: "" };
		this.session = session;
		handle.stderr?.on("data", (chunk: Buffer | string) => this.onStderr(session, chunk));
		handle.stderr?.on("end", () => this.flushStderr(session));
		client.onclose = () => {
			if (!session.closing && this.isCurrent(session) && this.status === "connected") {
				void this.lost(session, "the server closed the connection");
			}
		};
		client.onerror = (error) => {
			if (session.closing || !this.isCurrent(session)) return;
			this.options.log.log("debug", `mcp ${this.name}: transport error: ${errorText(error)}`);
			if (this.config.type !== "stdio" && this.status === "connected") void this.probe(generation);
		};
		client.setNotificationHandler(ToolListChangedNotificationSchema, async () => this.refresh(session, "tools"));
		client.setNotificationHandler(ResourceListChangedNotificationSchema, async () =>
			this.refresh(session, "resources"),
		);
		try {
			await client.connect(handle.transport, { timeout: this.timeoutMs });
			if (!this.isCurrent(session)) return;
			await this.loadLists(session, ["tools", "resources"]);
			if (!this.isCurrent(session)) return;
		} catch (error) {
			if (!this.isCurrent(session)) return;
			const message = `Cannot connect to server "${this.name}": ${describeConnectError(error, this.config.timeout)}`;
			this.session = undefined;
			await this.closeSession(session, false);
			if (!this.isCurrent(session)) return;
			this.failed(message, started, attempt);
			return;
		}
		this.failures = 0;
		this.nextRetryAt = undefined;
		this.lastError = undefined;
		this.connectedAt = Date.now();
		this.setStatus("connected");
		this.emit("mcp:connection:established", { attempt, durationMs: Date.now() - started });
		this.options.log.log("info", `mcp ${this.name}: connected (${this.config.type}, ${this.tools.length} tools)`);
		if (this.config.type !== "stdio" && this.options.heartbeatMs > 0) {
			this.heartbeatTimer = setInterval(() => void this.probe(generation), this.options.heartbeatMs);
			this.heartbeatTimer.unref();
		}
	}

	/** An attempt failed: record it and plan the next one. */
	private failed(message: string, started: number, attempt: number): void {
		this.lastError = message;
		this.record("error", "connection", message);
		this.options.log.log("warn", `mcp ${this.name}: ${message}`);
		this.emit("mcp:connection:error", { attempt, durationMs: Date.now() - started, error: message });
		this.scheduleRetry(true);
	}

	/** An established session is gone: close what is left of it and reconnect with backoff. */
	private async lost(session: Session, reason: string): Promise<void> {
		if (!this.isCurrent(session) || session.closing) return;
		const message = `Lost the connection to server "${this.name}": ${reason}`;
		this.generation++;
		this.session = undefined;
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		this.heartbeatTimer = undefined;
		this.lastError = message;
		this.record("error", "connection", message);
		this.options.log.log("warn", `mcp ${this.name}: ${message}`);
		this.emit("mcp:connection:error", { error: message });
		this.scheduleRetry(false);
		await this.closeSession(session, false);
	}

	/** Pings the server; a failed ping means an HTTP server is gone (or lost our session). */
	private async probe(generation: number): Promise<void> {
		const session = this.session;
		if (this.probing || !session || session.generation !== generation || this.status !== "connected") return;
		this.probing = true;
		try {
			await session.client.ping({ timeout: Math.min(this.timeoutMs, PROBE_TIMEOUT_MS) });
		} catch (error) {
			if (this.isCurrent(session)) await this.lost(session, `it did not answer a ping (${errorText(error)})`);
		} finally {
			this.probing = false;
		}
	}

	/** A lost session is retried after the initial delay; each failed attempt doubles the next one. */
	private scheduleRetry(afterFailedAttempt: boolean): void {
		if (this.closed) return;
		const { initialDelayMs, maxDelayMs, factor } = this.options.reconnect;
		if (afterFailedAttempt) this.failures++;
		const delay = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, this.failures - 1));
		this.nextRetryAt = Date.now() + delay;
		this.setStatus("disconnected");
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			this.retryTimer = undefined;
			void this.attempt();
		}, delay);
		this.retryTimer.unref();
	}

	private async loadLists(session: Session, which: readonly ("tools" | "resources")[]): Promise<void> {
		const client = session.client;
		const capabilities = client.getServerCapabilities();
		const options: RequestOptions = { timeout: this.timeoutMs };
		if (which.includes("tools")) {
			const tools = capabilities?.tools
				? await paginate(async (cursor) => {
						const page = await client.listTools(cursor ? { cursor } : undefined, options);
						return { items: page.tools, nextCursor: page.nextCursor };
					})
				: [];
			if (!this.isCurrent(session)) return;
			const allowAll = this.config.alwaysAllow.includes("*");
			this.tools = tools.map((tool) => ({
				name: tool.name,
				...(tool.title ? { title: tool.title } : {}),
				...(tool.description ? { description: tool.description } : {}),
				inputSchema: tool.inputSchema,
				enabled: !this.config.disabledTools.includes(tool.name),
				alwaysAllow: allowAll || this.config.alwaysAllow.includes(tool.name),
			}));
		}
		if (which.includes("resources")) {
			const resources = capabilities?.resources
				? await paginate(async (cursor) => {
						const page = await client.listResources(cursor ? { cursor } : undefined, options);
						return { items: page.resources, nextCursor: page.nextCursor };
					})
				: [];
			// Templates are optional even for servers with resources.
			const templates = capabilities?.resources
				? await paginate(async (cursor) => {
						const page = await client.listResourceTemplates(cursor ? { cursor } : undefined, options);
						return { items: page.resourceTemplates, nextCursor: page.nextCursor };
					}).catch((error: unknown) => {
						if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
						throw error;
					})
				: [];
			if (!this.isCurrent(session)) return;
			this.resources = resources.map((resource) => ({
				uri: resource.uri,
				name: resource.name,
				...optionalText(resource),
			}));
			this.templates = templates.map((template) => ({
				uriTemplate: template.uriTemplate,
				name: template.name,
				...optionalText(template),
			}));
		}
	}

	/** A list_changed notification: reload that list. Refreshes run one after another. */
	private refresh(session: Session, which: "tools" | "resources"): Promise<void> {
		this.refreshChain = this.refreshChain.then(async () => {
			if (!this.isCurrent(session) || this.status !== "connected") return;
			try {
				await this.loadLists(session, [which]);
				this.options.log.log("info", `mcp ${this.name}: ${which} list changed`);
				this.options.onChange();
			} catch (error) {
				this.record("warn", "connection", `Cannot reload the ${which} list: ${errorText(error)}`);
			}
		});
		return this.refreshChain;
	}

	private async closeSession(session: Session, graceful: boolean): Promise<void> {
		session.closing = true;
		this.flushStderr(session);
		if (graceful) {
			await Promise.race([
				session.handle.terminate().catch(() => {}),
				new Promise((resolve) => setTimeout(resolve, TERMINATE_TIMEOUT_MS).unref()),
			]);
		}
		// The SDK ends stdin, then waits 2 s before SIGTERM; well-behaved servers exit on EOF, the
		// others should not hold up a reload or a shutdown for that long.
		const pid = session.handle.pid();
		const terminate = pid
			? setTimeout(() => {
					try {
						process.kill(pid, "SIGTERM");
					} catch {
						// Already gone.
					}
				}, this.options.stdioGraceMs)
			: undefined;
		try {
			await session.client.close();
		} catch (error) {
			this.options.log.log("debug", `mcp ${this.name}: closing: ${errorText(error)}`);
		} finally {
			if (terminate) clearTimeout(terminate);
		}
	}

	private onStderr(session: Session, chunk: Buffer | string): void {
		const text = session.stderrTail + chunk.toString();
		const lines = text.split(/\r?\n/);
		session.stderrTail = lines.pop() ?? "";
		if (session.stderrTail.length > MAX_STDERR_LINE) {
			lines.push(session.stderrTail);
			session.stderrTail = "";
		}
		for (const line of lines) this.recordStderr(line);
	}

	private flushStderr(session: Session): void {
		if (session.stderrTail) this.recordStderr(session.stderrTail);
		session.stderrTail = "";
	}

	private recordStderr(line: string): void {
		const text = line.trimEnd();
		if (!text) return;
		const level = /\b(error|exception|fatal|panic|traceback)\b/i.test(text) ? "error" : "info";
		this.record(level, "stderr", text.length > MAX_STDERR_LINE ? `${text.slice(0, MAX_STDERR_LINE)}…` : text);
	}

	private record(level: McpErrorRecord["level"], origin: McpErrorRecord["origin"], message: string): void {
		this.history.push({ timestamp: Date.now(), level, origin, message });
		const excess = this.history.length - this.options.maxErrorHistory;
		if (excess > 0) this.history.splice(0, excess);
	}

	private emit(type: McpTelemetryEventType, extra: Partial<McpTelemetryEvent>): void {
		this.options.emit({
			type,
			server: this.name,
			source: this.source,
			transport: this.config.type,
			...extra,
			timestamp: Date.now(),
		});
	}

	private setStatus(status: McpServerStatus): void {
		const changed = this.status !== status;
		this.status = status;
		if (status !== "connecting") {
			for (const waiter of [...this.settleWaiters]) waiter();
		}
		if (changed) this.options.onChange();
	}

	private isCurrent(session: Session): boolean {
		return !this.closed && session.generation === this.generation;
	}

	private clearTimers(): void {
		if (this.retryTimer) clearTimeout(this.retryTimer);
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		this.retryTimer = undefined;
		this.heartbeatTimer = undefined;
	}

	private notConnectedMessage(): string {
		if (this.config.disabled) return `Server "${this.name}" is disabled and cannot be used`;
		const why = this.lastError ? ` (${this.lastError})` : "";
		const retry =
			this.nextRetryAt !== undefined
				? `; the next connection attempt is in ${Math.max(0, Math.ceil((this.nextRetryAt - Date.now()) / 1000))} s`
				: "";
		return `Server "${this.name}" is not connected${why}${retry}`;
	}
}

/** Follows `nextCursor` until the server stops giving one (or repeats itself). */
export async function paginate<T>(
	fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<T[]> {
	const items: T[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const result = await fetchPage(cursor);
		items.push(...result.items);
		cursor = result.nextCursor;
		if (!cursor || seen.has(cursor)) break;
		seen.add(cursor);
	}
	return items;
}

function optionalText(item: { title?: string; description?: string; mimeType?: string }) {
	return {
		...(item.title ? { title: item.title } : {}),
		...(item.description ? { description: item.description } : {}),
		...(item.mimeType ? { mimeType: item.mimeType } : {}),
	};
}

function describeConnectError(error: unknown, timeoutSeconds: number): string {
	if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
		return `no answer to the initialization within ${timeoutSeconds} s`;
	}
	if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
		return "the server closed the connection during initialization";
	}
	const code = (error as NodeJS.ErrnoException).code;
	if (code === "ENOENT") return `command not found (${errorText(error)})`;
	return errorText(error);
}
