import type { McpTelemetryEvent, Settings } from "@agent-evals/types";
import type { Logger } from "../log.js";
import type { ToolDefinition } from "../tools/types.js";
import { globalMcpConfigPath } from "./config.js";
import { errorText } from "./errors.js";
import type { McpHub, McpHubOptions } from "./hub.js";

/** What a task gets from MCP: the two tools and the prompt section listing the servers. */
export interface McpTaskExtras {
	tools: ToolDefinition[];
	promptSections: string[];
}

export interface McpRuntimeOptions {
	workspace: string;
	env: NodeJS.ProcessEnv;
	log: Logger;
	/** Hub tuning (tests): backoff, heartbeat, debounce. */
	hub?: Omit<McpHubOptions, "workspace" | "env" | "log" | "globalConfigPath" | "settingsServers">;
}

const NO_MCP: McpTaskExtras = { tools: [], promptSections: [] };
/** Telemetry kept while no task takes it (between tasks, or while one is being set up). */
const MAX_BUFFERED = 500;

/**
 * The agent process's MCP state: one hub, created when the first task with MCP enabled starts
 * and reconfigured (not recreated) by later tasks, so unchanged servers stay connected. Telemetry
 * goes to the attached sink (the host sends it as `mcpTelemetry` events to runners that sent
 * SetTaskContext); until one is attached it is buffered.
 */
export class McpRuntime {
	private options: McpRuntimeOptions;
	private hub: McpHub | undefined;
	private sink: ((event: McpTelemetryEvent) => void) | undefined;
	private readonly buffer: McpTelemetryEvent[] = [];

	constructor(options: McpRuntimeOptions) {
		this.options = options;
	}

	get currentHub(): McpHub | undefined {
		return this.hub;
	}

	/**
	 * Brings the hub in line with a task's settings and waits for the servers' first connection
	 * attempts. Never throws: MCP trouble must not stop a task, which then runs without MCP tools.
	 */
	async prepare(settings: Settings, context: { userIntent?: string } = {}): Promise<McpTaskExtras> {
		if (settings.mcpEnabled === false) {
			await this.dispose();
			return NO_MCP;
		}
		const globalConfigPath = globalMcpConfigPath(this.options.env, settings);
		const settingsServers = settings.mcpServers;
		// Loaded on first use: the MCP SDK adds about 150 ms to every agent start otherwise.
		const [{ McpHub }, { createMcpTools }, { mcpPromptSection }] = await Promise.all([
			import("./hub.js"),
			import("./tools.js"),
			import("./prompt.js"),
		]);
		try {
			if (this.hub) {
				await this.hub.configure({ globalConfigPath, settingsServers });
			} else {
				const hub = new McpHub({
					...this.options.hub,
					workspace: this.options.workspace,
					env: this.options.env,
					log: this.options.log,
					globalConfigPath,
					settingsServers,
				});
				hub.on("telemetry", (event) => this.route(event));
				this.hub = hub;
				await hub.start();
			}
		} catch (error) {
			this.options.log.log("error", `mcp: cannot start the hub: ${errorText(error)}`);
			return NO_MCP;
		}
		const connected = this.hub.connectedServers();
		if (connected.length === 0) return NO_MCP;
		return {
			tools: createMcpTools(this.hub, { approveAll: settings.alwaysAllowMcp !== false }),
			promptSections: [mcpPromptSection(connected, context.userIntent)],
		};
	}

	/** Sends telemetry to a task from now on, starting with what was buffered. */
	attach(sink: (event: McpTelemetryEvent) => void): void {
		this.sink = sink;
		for (const event of this.buffer.splice(0)) this.deliver(event);
	}

	/** Buffers telemetry until the next `attach` (a new task is being set up). */
	detach(): void {
		this.sink = undefined;
	}

	/**
	 * A new workspace (a warm agent's next task): every server is closed and its buffered
	 * telemetry dropped, so nothing a server holds from the last task reaches the next one.
	 */
	async reset(workspace: string): Promise<void> {
		this.sink = undefined;
		this.buffer.length = 0;
		await this.dispose();
		this.options = { ...this.options, workspace };
	}

	/** Closes every server; a later task with MCP enabled starts a new hub. */
	async dispose(): Promise<void> {
		const hub = this.hub;
		this.hub = undefined;
		await hub?.dispose();
	}

	private route(event: McpTelemetryEvent): void {
		if (this.sink) {
			this.deliver(event);
			return;
		}
		this.buffer.push(event);
		if (this.buffer.length > MAX_BUFFERED) this.buffer.shift();
	}

	private deliver(event: McpTelemetryEvent): void {
		try {
			this.sink?.(event);
		} catch (error) {
			this.options.log.log("error", `mcp: forwarding telemetry: ${errorText(error)}`);
		}
	}
}
