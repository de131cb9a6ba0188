import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { McpConfigSource, McpTelemetryEvent } from "@agent-evals/types";
import type { CallToolResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { type Logger, nullLogger } from "../log.js";
import { McpSpan } from "../telemetry/spans.js";
import {
	globalMcpConfigPath,
	type InvalidMcpServerEntry,
	type McpConfigLayer,
	type McpServerEntry,
	projectMcpConfigPath,
	readMcpConfigFile,
	resolveMcpServers,
	type ValidMcpServerEntry,
} from "./config.js";
import { McpConnection, type McpServerState, type ReconnectOptions } from "./connection.js";
import { errorText, McpHubError } from "./errors.js";
import { responseSize, telemetryArguments } from "./telemetry.js";
import { type FileWatch, watchFiles } from "./watchers.js";

export interface McpHubOptions {
	workspace: string;
	/** Source of `${env:NAME}` and of the default global config path; default process.env. */
	env?: NodeJS.ProcessEnv;
	log?: Logger;
	/** Default: settings.mcpConfigPath, $AGENT_EVALS_MCP_CONFIG, `<AGENT_EVALS_HOME>/mcp.json`. */
	globalConfigPath?: string;
	/** Default: `<workspace>/.roo/mcp.json`. */
	projectConfigPath?: string;
	/** Servers from the task's settings (`mcpServers`): the highest layer. */
	settingsServers?: Record<string, unknown>;
	/** Watch the config files and the servers' watchPaths (default true). */
	watch?: boolean;
	/** Quiet time after a config file change before reloading (default 300 ms). */
	configDebounceMs?: number;
	/** Quiet time after a watchPaths change before restarting the server (default 300 ms). */
	watchPathsDebounceMs?: number;
	/** Backoff of reconnection attempts (default 1 s doubling up to 30 s, without end). */
	reconnect?: Partial<ReconnectOptions>;
	/** Ping interval for sse and streamable-http servers (default 15 s; 0 = off). */
	heartbeatMs?: number;
	/** Time a stdio server gets to exit on its own when closed, before SIGTERM (default 1 s). */
	stdioGraceMs?: number;
	/** Entries kept in each server's error history (default 100). */
	maxErrorHistory?: number;
	clientInfo?: { name: string; version: string };
}

export interface McpCallOptions {
	/** Cancels the request (the task was cancelled); the server is told with notifications/cancelled. */
	signal?: AbortSignal;
}

type HubEvents = {
	/** Every MCP telemetry event: connections, tool calls, resource reads. */
	telemetry: [event: McpTelemetryEvent];
	/** A server's status or lists changed. */
	change: [];
};

const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 1_000, maxDelayMs: 30_000, factor: 2 };
const MAX_ERROR_TEXT = 2_000;

/**
 * All MCP servers of one agent process. It merges the global file, the project file and the
 * task's settings (later wins by name), connects every enabled valid server, keeps them
 * connected (reconnecting with backoff, restarting stdio servers whose watchPaths change),
 * reloads when a config file changes (servers whose configuration is unchanged keep their
 * session), and routes calls with each server's timeout. Every connection, call and read is
 * reported as a `telemetry` event.
 */
export class McpHub extends EventEmitter<HubEvents> {
	private readonly options: McpHubOptions;
	private readonly env: NodeJS.ProcessEnv;
	private readonly log: Logger;
	private readonly projectPath: string;
	private globalPath: string;
	private settingsServers: Record<string, unknown> | undefined;
	private readonly connections = new Map<string, McpConnection>();
	private invalid = new Map<string, InvalidMcpServerEntry>();
	private fileErrors: string[] = [];
	/** The last content of each file that parsed, kept while a later save is broken. */
	private readonly lastGood = new Map<string, Record<string, unknown>>();
	private readonly pathWatches = new Map<string, FileWatch>();
	private configWatch: FileWatch | undefined;
	private configWatchKey = "";
	private queue: Promise<void> = Promise.resolve();
	private disposed = false;

	constructor(options: McpHubOptions) {
		super();
		this.options = options;
		this.env = options.env ?? process.env;
		this.log = options.log ?? nullLogger;
		this.globalPath = options.globalConfigPath ?? globalMcpConfigPath(this.env);
		this.projectPath = options.projectConfigPath ?? projectMcpConfigPath(options.workspace);
		this.settingsServers = options.settingsServers;
	}

	get configPaths(): { global: string; project: string } {
		return { global: this.globalPath, project: this.projectPath };
	}

	/** Loads the configuration and connects; resolves once every server's first attempt has settled. */
	async start(): Promise<void> {
		// Watching first: an edit made while the servers connect is not missed.
		const watching = this.watchConfig();
		await this.reload();
		await watching;
	}

	/**
	 * Changes the task-level inputs (a new task's settings) and reconciles: servers whose
	 * resulting configuration did not change stay connected.
	 */
	async configure(update: { globalConfigPath?: string; settingsServers?: Record<string, unknown> }): Promise<void> {
		if (update.globalConfigPath !== undefined) this.globalPath = update.globalConfigPath;
		this.settingsServers = update.settingsServers;
		const watching = this.watchConfig();
		await this.reload();
		await watching;
	}

	/** Reads the config files again and reconciles; calls run one at a time. */
	reload(): Promise<void> {
		const next = this.queue.then(() => this.reconcile());
		this.queue = next.catch((error) => this.log.log("error", `mcp: reload failed: ${errorText(error)}`));
		return this.queue;
	}

	/** Every valid configured server (disabled ones included), in configuration order. */
	servers(): McpServerState[] {
		return [...this.connections.values()].map((connection) => connection.state());
	}

	server(name: string): McpServerState | undefined {
		return this.connections.get(name)?.state();
	}

	/** Enabled servers with a live session: what a task may use. */
	connectedServers(): McpServerState[] {
		return this.servers().filter((server) => server.status === "connected" && !server.disabled);
	}

	/** Servers skipped for an invalid configuration, with the message. */
	invalidServers(): { name: string; source: McpConfigSource; error: string }[] {
		return [...this.invalid.values()].map(({ name, source, error }) => ({ name, source, error }));
	}

	/** Config files that could not be read or parsed (their last good content stays in use). */
	configErrors(): string[] {
		return [...this.fileErrors];
	}

	async callTool(
		serverName: string,
		toolName: string,
		args: Record<string, unknown> = {},
		options: McpCallOptions = {},
	): Promise<CallToolResult> {
		const connection = this.connections.get(serverName);
		const started = Date.now();
		const base = {
			server: serverName,
			tool: toolName,
			callId: randomUUID(),
			...(connection
				? { source: connection.source, transport: connection.config.type, timeoutMs: connection.timeoutMs }
				: {}),
		};
		const request = telemetryArguments(args);
		this.telemetry({ type: "mcp:tool:start", ...base, ...request });
		const span = new McpSpan({
			method: "tools/call",
			server: serverName,
			tool: toolName,
			requestSize: request.argumentsSize ?? 0,
		});
		try {
			const usable = this.usable(serverName);
			if (usable.config.disabledTools.includes(toolName)) {
				throw new McpHubError(
					"tool_disabled",
					`Tool "${toolName}" is disabled on server "${serverName}" and cannot be used`,
				);
			}
			const raw = await usable.request(
				(client, requestOptions) => client.callTool({ name: toolName, arguments: args }, undefined, requestOptions),
				options.signal,
			);
			const result = asCallToolResult(raw);
			const size = responseSize(raw);
			if (result.isError) {
				const error = clip(errorTextOf(result));
				span.answered(size, error);
				this.telemetry({
					type: "mcp:tool:error",
					...base,
					durationMs: Date.now() - started,
					responseSize: size,
					error,
				});
			} else {
				span.answered(size);
				this.telemetry({ type: "mcp:tool:success", ...base, durationMs: Date.now() - started, responseSize: size });
			}
			return result;
		} catch (error) {
			span.failed(errorType(error), errorText(error));
			this.telemetry({
				type: "mcp:tool:error",
				...base,
				durationMs: Date.now() - started,
				error: clip(errorText(error)),
				...(isTimeout(error) ? { timedOut: true } : {}),
			});
			throw error;
		}
	}

	async readResource(serverName: string, uri: string, options: McpCallOptions = {}): Promise<ReadResourceResult> {
		const connection = this.connections.get(serverName);
		const started = Date.now();
		const base = {
			server: serverName,
			uri,
			callId: randomUUID(),
			...(connection
				? { source: connection.source, transport: connection.config.type, timeoutMs: connection.timeoutMs }
				: {}),
		};
		this.telemetry({ type: "mcp:resource:start", ...base });
		const span = new McpSpan({
			method: "resources/read",
			server: serverName,
			uri,
			requestSize: responseSize({ uri }),
		});
		try {
			const usable = this.usable(serverName);
			const result = await usable.request(
				(client, requestOptions) => client.readResource({ uri }, requestOptions),
				options.signal,
			);
			const size = responseSize(result);
			span.answered(size);
			this.telemetry({
				type: "mcp:resource:success",
				...base,
				durationMs: Date.now() - started,
				responseSize: size,
			});
			return result;
		} catch (error) {
			span.failed(errorType(error), errorText(error));
			this.telemetry({
				type: "mcp:resource:error",
				...base,
				durationMs: Date.now() - started,
				error: clip(errorText(error)),
				...(isTimeout(error) ? { timedOut: true } : {}),
			});
			throw error;
		}
	}

	/** Stops watching, closes every session and stops every stdio server. Idempotent. */
	async dispose(): Promise<void> {
		if (this.disposed) return;
		this.disposed = true;
		await this.configWatch?.close();
		this.configWatch = undefined;
		// Closing first ends connection attempts under way (up to a server's timeout otherwise),
		// so a reload waiting for them finishes at once; then whatever it still added goes too.
		await this.closeAll();
		await this.queue;
		await this.closeAll();
	}

	private async closeAll(): Promise<void> {
		await Promise.all([...this.connections.keys()].map((name) => this.remove(name)));
	}

	private usable(name: string): McpConnection {
		const connection = this.connections.get(name);
		if (!connection) {
			const invalid = this.invalid.get(name);
			if (invalid) throw new McpHubError("invalid_config", invalid.error);
			throw new McpHubError("unknown_server", `No connection found for server: ${name}`);
		}
		if (connection.config.disabled) {
			throw new McpHubError("disabled", `Server "${name}" is disabled and cannot be used`);
		}
		return connection;
	}

	private async reconcile(): Promise<void> {
		if (this.disposed) return;
		const entries = resolveMcpServers(this.layers(), { env: this.env, workspace: this.options.workspace });

		const previousInvalid = this.invalid;
		this.invalid = new Map();
		for (const entry of entries.values()) {
			if (entry.ok) continue;
			this.invalid.set(entry.name, entry);
			this.reportInvalid(entry, previousInvalid.get(entry.name));
		}

		const stale = [...this.connections.values()].filter((connection) => {
			const entry = entries.get(connection.name);
			return !entry?.ok || entry.fingerprint !== connection.fingerprint;
		});
		await Promise.all(stale.map((connection) => this.remove(connection.name)));
		if (this.disposed) return;

		const started: Promise<void>[] = [];
		for (const entry of entries.values()) {
			if (!entry.ok) continue;
			const existing = this.connections.get(entry.name);
			if (existing) {
				existing.source = entry.source;
				continue;
			}
			started.push(this.add(entry));
		}
		// Map order is insertion order: keep the configuration's order for prompts and listings.
		const order = [...entries.keys()];
		const sorted = [...this.connections.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
		this.connections.clear();
		for (const [name, connection] of sorted) this.connections.set(name, connection);
		if (stale.length > 0 || started.length > 0) this.emit("change");
		await Promise.all(started);
	}

	private layers(): McpConfigLayer[] {
		const layers: McpConfigLayer[] = [];
		this.fileErrors = [];
		const files: [McpConfigSource, string][] = [
			["global", this.globalPath],
			["project", this.projectPath],
		];
		for (const [source, path] of files) {
			const read = readMcpConfigFile(path);
			if (read.ok) {
				this.lastGood.set(path, read.servers);
				layers.push({ source, servers: read.servers });
				continue;
			}
			this.fileErrors.push(read.error);
			const previous = this.lastGood.get(path);
			this.log.log("warn", `mcp: ${read.error}${previous ? " (keeping its previous content)" : ""}`);
			if (previous) layers.push({ source, servers: previous });
		}
		if (this.settingsServers) layers.push({ source: "settings", servers: this.settingsServers });
		return layers;
	}

	/** Creates and starts a connection; resolves when its first attempt settled and its watch is ready. */
	private async add(entry: ValidMcpServerEntry): Promise<void> {
		const connection = new McpConnection({
			name: entry.name,
			source: entry.source,
			config: entry.config,
			fingerprint: entry.fingerprint,
			warnings: entry.warnings,
			log: this.log,
			reconnect: { ...DEFAULT_RECONNECT, ...this.options.reconnect },
			heartbeatMs: this.options.heartbeatMs ?? 15_000,
			stdioGraceMs: this.options.stdioGraceMs ?? 1_000,
			maxErrorHistory: this.options.maxErrorHistory ?? 100,
			clientInfo: this.options.clientInfo ?? { name: "agent-evals", version: "0.1.0" },
			emit: (event) => this.telemetry(event),
			onChange: () => this.emit("change"),
		});
		this.connections.set(entry.name, connection);
		for (const warning of entry.warnings) this.log.log("warn", `mcp ${entry.name}: ${warning}`);
		const { config } = entry;
		let watching: Promise<void> | undefined;
		if (this.options.watch !== false && config.type === "stdio" && !config.disabled && config.watchPaths.length > 0) {
			const watch = watchFiles(
				config.watchPaths,
				(changed) => void connection.restart(`${changed.join(", ")} changed`),
				{
					debounceMs: this.options.watchPathsDebounceMs ?? 300,
					onError: (error) => this.log.log("warn", `mcp ${entry.name}: watching files: ${errorText(error)}`),
				},
			);
			this.pathWatches.set(entry.name, watch);
			watching = watch.ready;
		}
		await Promise.all([connection.start(), watching]);
	}

	private async remove(name: string): Promise<void> {
		const connection = this.connections.get(name);
		this.connections.delete(name);
		const watch = this.pathWatches.get(name);
		this.pathWatches.delete(name);
		await Promise.all([watch?.close(), connection?.close()]);
	}

	/** An invalid server is reported once per distinct error, not on every reload. */
	private reportInvalid(entry: InvalidMcpServerEntry, previous: McpServerEntry | undefined): void {
		if (previous && !previous.ok && previous.error === entry.error) return;
		this.log.log("warn", `mcp: ${entry.error}`);
		this.telemetry({ type: "mcp:connection:error", server: entry.name, source: entry.source, error: entry.error });
	}

	private watchConfig(): Promise<void> {
		if (this.options.watch === false || this.disposed) return Promise.resolve();
		const key = `${this.globalPath}\n${this.projectPath}`;
		if (this.configWatch && key === this.configWatchKey) return this.configWatch.ready;
		void this.configWatch?.close();
		this.configWatchKey = key;
		this.configWatch = watchFiles(
			[this.globalPath, this.projectPath],
			(changed) => {
				this.log.log("info", `mcp: ${changed.join(", ")} changed; reloading`);
				void this.reload();
			},
			{
				debounceMs: this.options.configDebounceMs ?? 300,
				onError: (error) => this.log.log("warn", `mcp: watching config files: ${errorText(error)}`),
			},
		);
		return this.configWatch.ready;
	}

	private telemetry(event: Omit<McpTelemetryEvent, "timestamp"> & { timestamp?: number }): void {
		const full: McpTelemetryEvent = { ...event, timestamp: event.timestamp ?? Date.now() };
		try {
			this.emit("telemetry", full);
		} catch (error) {
			this.log.log("error", `mcp: telemetry listener failed: ${errorText(error)}`);
		}
	}
}

/** The SDK also types the pre-2024 `{toolResult}` shape; it is shown to the model as JSON text. */
function asCallToolResult(raw: Record<string, unknown>): CallToolResult {
	if (Array.isArray(raw.content)) return raw as CallToolResult;
	return { content: [{ type: "text", text: JSON.stringify(raw.toolResult ?? raw) }] };
}

function errorTextOf(result: CallToolResult): string {
	const text = result.content
		.flatMap((block) => (block.type === "text" ? [block.text] : []))
		.join("\n")
		.trim();
	return text || "The tool reported an error without a message.";
}

function clip(text: string): string {
	return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/** What a failed request's span calls the failure (`error.type`): the hub's code, else the error's name. */
function errorType(error: unknown): string {
	if (error instanceof McpHubError) return error.code;
	return error instanceof Error ? error.name : "error";
}

function isTimeout(error: unknown): boolean {
	return error instanceof McpHubError && error.code === "timeout";
}
