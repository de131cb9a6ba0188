import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { realpath, stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { IpcServer } from "@agent-evals/ipc";
import type { Settings, TaskCommand, TaskContext, TaskEvent } from "@agent-evals/types";
import type { Tracer } from "@opentelemetry/api";
import { loadSettings } from "../config/settings.js";
import type { Logger } from "../log.js";
import { McpRuntime, type McpRuntimeOptions, type McpTaskExtras } from "../mcp/runtime.js";
import type { ResolvedModel } from "../providers/types.js";
import { type CommandSandbox, commandSandboxFromEnv } from "../sandbox/from-env.js";
import { TaskStorage } from "../task/storage.js";
import type { Task, TaskOptions } from "../task/task.js";
import { AgentTelemetry } from "../telemetry/agent-telemetry.js";
import type { ToolDefinition } from "../tools/types.js";
import { MODES } from "./modes.js";
import { loadTaskRuntime, type TaskRuntime } from "./task-runtime.js";

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export interface AgentHostOptions {
	socketPath: string;
	workspace: string;
	storageRoot: string;
	log: Logger;
	env?: NodeJS.ProcessEnv;
	tools?: ToolDefinition[];
	/** Replaces provider resolution (tests); defaults to the provider registry. */
	resolveModel?: (settings: Settings, env: NodeJS.ProcessEnv) => ResolvedModel;
	taskOptions?: Pick<TaskOptions, "limits" | "tokenUsageIntervalMs">;
	/** MCP hub tuning (tests): backoff, heartbeat, debounce. */
	mcp?: McpRuntimeOptions["hub"];
}

/** How long a replaced or cancelled task gets to write its last state before we move on. */
const TASK_SETTLE_MS = 5_000;

/**
 * The agent process's core: serves the IPC protocol and runs one task at a time. Every command
 * is handled defensively: bad input is logged and the agent keeps serving.
 */
interface Models {
	model: ResolvedModel;
	fallback?: ResolvedModel;
}

export class AgentHost extends EventEmitter<{ close: [reason: string] }> {
	readonly server: IpcServer;
	private readonly options: AgentHostOptions;
	private readonly env: NodeJS.ProcessEnv;
	/** Where tasks work: the start's folder, until SetTaskContext names another (a warm agent's next task). */
	private workspace: string;
	private current: Task | undefined;
	private context: TaskContext | undefined;
	/** Clients that sent SetTaskContext: runners of ours, which take our own events too. */
	private readonly contextClients = new Set<string>();
	private closing: Promise<void> | undefined;
	private taskRuntime: Promise<TaskRuntime> | undefined;
	private readonly mcp: McpRuntime;
	private readonly telemetry: AgentTelemetry;
	/** From the environment the agent started with, never from settings a task could change. */
	private readonly commandSandbox: CommandSandbox | undefined;
	/** Counts StartNewTask commands, so one overtaken while its MCP servers connect does not start. */
	private starts = 0;

	constructor(options: AgentHostOptions) {
		super();
		this.options = options;
		this.env = options.env ?? process.env;
		this.workspace = options.workspace;
		this.mcp = new McpRuntime({ workspace: options.workspace, env: this.env, log: options.log, hub: options.mcp });
		this.telemetry = new AgentTelemetry(this.env, options.log);
		this.commandSandbox = commandSandboxFromEnv(this.env);
		if (this.commandSandbox && "error" in this.commandSandbox) {
			options.log.log("error", `commands will be refused: ${this.commandSandbox.error}`);
		} else if (this.commandSandbox) {
			options.log.log("info", "commands run in the runner's bwrap sandbox");
		}
		this.server = new IpcServer(options.socketPath, {
			log: (level, message) => options.log.log(level, `ipc: ${message}`),
		});
		this.server.on("TaskCommand", (clientId, command) => {
			this.handle(clientId, command).catch((error) =>
				this.log("error", `${command.commandName} failed: ${error instanceof Error ? error.stack : error}`),
			);
		});
		this.server.on("Connect", (clientId) => this.log("info", `client ${clientId} connected`));
		this.server.on("Disconnect", (clientId) => {
			this.contextClients.delete(clientId);
			this.log("info", `client ${clientId} disconnected`);
		});
	}

	get task(): Task | undefined {
		return this.current;
	}

	get taskContext(): TaskContext | undefined {
		return this.context;
	}

	async start(): Promise<void> {
		await this.server.listen();
		this.log("info", `serving ${this.server.socketPath} for workspace ${this.workspace}`);
		// Load what tasks need while the runner connects; the first task awaits the same promise.
		this.runtime().catch((error) => this.log("error", `cannot load the task runtime: ${describe(error)}`));
	}

	private runtime(): Promise<TaskRuntime> {
		this.taskRuntime ??= loadTaskRuntime();
		return this.taskRuntime;
	}

	/** Cancels the running task, lets it save, and closes the socket. Idempotent. */
	shutdown(reason: string): Promise<void> {
		this.closing ??= (async () => {
			this.log("info", `shutting down: ${reason}`);
			await this.stopCurrent(`Agent shutting down: ${reason}`);
			await this.mcp.dispose();
			await this.telemetry.shutdown();
			await this.server.close();
			this.emit("close", reason);
		})();
		return this.closing;
	}

	private async handle(clientId: string, command: TaskCommand): Promise<void> {
		this.log("info", `command ${command.commandName} from ${clientId}`);
		switch (command.commandName) {
			case "StartNewTask":
				return this.startTask(command.data.configuration, command.data.text, command.data.images);
			case "CancelTask":
				if (!this.matchesCurrent(command.data, "CancelTask")) return;
				this.current?.cancel("Task cancelled by the runner");
				return;
			case "CloseTask":
				if (!this.matchesCurrent(command.data, "CloseTask")) return;
				await this.shutdown("CloseTask");
				return;
			case "ResumeTask":
				return this.resumeTask(command.data);
			case "SendMessage":
				return this.sendMessage(command.data.text ?? "", command.data.images);
			case "GetModes":
				this.server.sendEvent(clientId, { eventName: "modesResponse", payload: [MODES] });
				return;
			case "GetModels":
				this.server.sendEvent(clientId, {
					eventName: "modelsResponse",
					payload: [(await this.runtime()).modelCatalog()],
				});
				return;
			case "GetCommands":
				this.server.sendEvent(clientId, { eventName: "commandsResponse", payload: [[]] });
				return;
			case "DeleteQueuedMessage":
				if (!this.current?.deleteQueuedMessage(command.data)) {
					this.log("warn", `DeleteQueuedMessage: no queued message ${command.data}`);
				}
				return;
			case "CancelCommand":
				if (!this.current?.cancelCommand()) this.log("info", "CancelCommand: no command is running");
				return;
			case "SetTaskContext": {
				this.contextClients.add(clientId);
				const moved = command.data.workspace === undefined ? undefined : await this.moveTo(command.data.workspace);
				if (moved !== undefined) {
					// Only to the asker: the event is ours, and a Roo Code runner (which never sends
					// SetTaskContext) drops a message its schema does not know.
					this.server.sendEvent(clientId, {
						eventName: "taskContextConfirmation",
						payload: [{ success: false, error: moved }],
					});
					return;
				}
				this.context = command.data;
				this.telemetry.configure(command.data);
				this.server.sendEvent(clientId, { eventName: "taskContextConfirmation", payload: [{ success: true }] });
				return;
			}
		}
	}

	/**
	 * A warm agent's next task works in a new folder: the last task is stopped and forgotten (a
	 * SendMessage cannot continue it), and its MCP servers are closed, so neither its files, its
	 * history nor a server's state reach the next task. Returns why it cannot move, if it cannot.
	 */
	private async moveTo(workspace: string): Promise<string | undefined> {
		if (!isAbsolute(workspace)) return `workspace ${workspace} is not an absolute path`;
		let resolved: string;
		try {
			resolved = await realpath(workspace);
			if (!(await stat(resolved)).isDirectory()) return `workspace ${workspace} is not a directory`;
		} catch {
			return `workspace ${workspace} does not exist`;
		}
		await this.stopCurrent("The runner moved the agent to a new workspace");
		this.current = undefined;
		await this.mcp.reset(resolved);
		this.workspace = resolved;
		this.log("info", `workspace is now ${resolved}`);
		return undefined;
	}

	/** `configuration` comes from the wire unchecked; loadSettings validates it, or the task is refused. */
	private async startTask(
		configuration: Record<string, unknown>,
		text: string,
		images: string[] | undefined,
	): Promise<void> {
		const start = ++this.starts;
		await this.stopCurrent("Replaced by a new task");
		const runtime = await this.runtime();
		let settings: Settings;
		let models: Models;
		try {
			settings = loadSettings({ workspace: this.workspace, env: this.env, overrides: configuration });
			models = this.resolveModels(runtime, settings);
		} catch (error) {
			return this.refuseTask(describe(error));
		}
		this.mcp.detach();
		const mcp = await this.mcp.prepare(settings, { userIntent: this.context?.userIntent });
		const tracer = await this.telemetry.tracer(this.context);
		if (this.closing) return;
		if (start !== this.starts) return this.refuseTask("Replaced by a newer StartNewTask before it started");
		const task = runtime.Task.create(this.taskOptions(runtime, settings, models, mcp, tracer), text);
		this.current = task;
		void task.start(text, images ?? []);
		this.attachMcp(task);
	}

	private async resumeTask(taskId: string): Promise<void> {
		if (this.current?.taskId === taskId && this.current.isRunning) {
			this.log("info", `ResumeTask ${taskId}: already running`);
			return;
		}
		if (!(await TaskStorage.exists(this.options.storageRoot, taskId))) {
			this.log("warn", `ResumeTask: no task ${taskId} in ${this.options.storageRoot}`);
			return;
		}
		await this.stopCurrent("Replaced by a resumed task");
		const task = await this.loadTask(taskId);
		if (!task) return;
		this.current = task;
		void task.resume();
		this.attachMcp(task);
	}

	private async sendMessage(text: string, images: string[] | undefined): Promise<void> {
		const current = this.current;
		if (current?.isRunning) {
			current.queueMessage(text, images);
			return;
		}
		if (!current) {
			this.log("warn", "SendMessage: there is no task to send it to");
			return;
		}
		// The task has ended: the message continues the conversation, as answering Roo Code's
		// completion question does.
		const task = await this.loadTask(current.taskId);
		if (!task) return;
		this.current = task;
		task.queueMessage(text, images);
		void task.resume();
		this.attachMcp(task);
	}

	private async loadTask(taskId: string): Promise<Task | undefined> {
		try {
			const { metadata } = await new TaskStorage(this.options.storageRoot, taskId).load();
			const settings = loadSettings({ workspace: this.workspace, env: this.env, overrides: metadata.settings });
			const runtime = await this.runtime();
			const models = this.resolveModels(runtime, settings);
			this.mcp.detach();
			const mcp = await this.mcp.prepare(settings, { userIntent: this.context?.userIntent });
			const tracer = await this.telemetry.tracer(this.context);
			return await runtime.Task.load(this.taskOptions(runtime, settings, models, mcp, tracer), taskId);
		} catch (error) {
			this.log("error", `cannot resume task ${taskId}: ${describe(error)}`);
			this.refuseTask(`Cannot resume task ${taskId}: ${describe(error)}`, taskId);
			return undefined;
		}
	}

	/** A task that cannot start still gets a beginning and an end, with the reason in between. */
	private refuseTask(reason: string, taskId: string = randomUUID()): void {
		this.log("warn", `task refused: ${reason}`);
		this.broadcast({ eventName: "taskCreated", payload: [taskId] });
		this.broadcast({
			eventName: "message",
			payload: [{ taskId, action: "created", message: { ts: Date.now(), type: "say", say: "error", text: reason } }],
		});
		this.broadcast({ eventName: "taskAborted", payload: [taskId] });
	}

	/** The task's model, and its fallback when the settings name one (both checked before the task starts). */
	private resolveModels(runtime: TaskRuntime, settings: Settings): Models {
		const resolve = this.options.resolveModel ?? runtime.resolveModel;
		const model = resolve(settings, this.env);
		if (!settings.fallbackApiProvider) return { model };
		try {
			const fallback = resolve(
				{ ...settings, apiProvider: settings.fallbackApiProvider, apiModelId: settings.fallbackApiModelId },
				this.env,
			);
			return { model, fallback };
		} catch (error) {
			throw new Error(`The fallback model cannot be used: ${describe(error)}`);
		}
	}

	private taskOptions(
		runtime: TaskRuntime,
		settings: Settings,
		models: Models,
		mcp?: McpTaskExtras,
		tracer?: Tracer,
	): TaskOptions {
		return {
			workspace: this.workspace,
			storageRoot: this.options.storageRoot,
			settings,
			...models,
			tools: [...(this.options.tools ?? runtime.builtinTools), ...(mcp?.tools ?? [])],
			promptSections: mcp?.promptSections,
			emit: (event) => this.broadcast(event),
			log: this.options.log,
			context: this.context,
			...(this.commandSandbox ? { commandSandbox: this.commandSandbox } : {}),
			...(tracer ? { tracer, flushTelemetry: () => this.telemetry.flush() } : {}),
			...this.options.taskOptions,
		};
	}

	/** MCP telemetry goes to this task while it runs; afterwards it waits for the next one. */
	private attachMcp(task: Task): void {
		this.mcp.attach((event) => this.sendToContextClients({ eventName: "mcpTelemetry", payload: [task.taskId, event] }));
		void task.done?.finally(() => {
			if (this.current === task) this.mcp.detach();
		});
	}

	private async stopCurrent(reason: string): Promise<void> {
		const task = this.current;
		if (!task?.isRunning) return;
		task.cancel(reason);
		const done = task.done;
		if (done) await Promise.race([done, new Promise((resolve) => setTimeout(resolve, TASK_SETTLE_MS).unref())]);
	}

	private matchesCurrent(taskId: string | undefined, command: string): boolean {
		if (taskId === undefined || taskId === this.current?.taskId) return true;
		this.log("warn", `${command} for ${taskId} ignored: the current task is ${this.current?.taskId ?? "none"}`);
		return false;
	}

	private broadcast(event: TaskEvent): void {
		this.server.broadcast(event);
	}

	/**
	 * Events only our agent has go only to runners that announced themselves with SetTaskContext:
	 * a Roo Code runner drops (or chokes on) an event its schema does not know.
	 */
	private sendToContextClients(event: TaskEvent): void {
		for (const clientId of this.contextClients) this.server.sendEvent(clientId, event);
	}

	private log(level: "debug" | "info" | "warn" | "error", message: string): void {
		this.options.log.log(level, message);
	}
}
