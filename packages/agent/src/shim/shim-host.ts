import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { IpcServer } from "@agent-evals/ipc";
import type { Settings, TaskCommand, TaskEvent } from "@agent-evals/types";
import { modelCatalog } from "@agent-evals/types/models";
import { agentRuntimeDir, readInstalled } from "../agents-cache/cache.js";
import { loadSettings } from "../config/settings.js";
import { MODES } from "../host/modes.js";
import type { Logger } from "../log.js";
import type { CliAgentSpec } from "./spec.js";
import { ShimTask, type ShimTaskOptions } from "./task.js";

/*
 * `evals-agent --shim <name>`: serves Roo Code's IPC protocol exactly as our own agent does, and
 * runs each task with a third-party CLI agent instead of our task loop. A runner cannot tell the
 * difference, apart from what the CLI is able to report.
 */

export interface ShimHostOptions {
	spec: CliAgentSpec;
	socketPath: string;
	workspace: string;
	storageRoot: string;
	log: Logger;
	env?: NodeJS.ProcessEnv;
	/** The CLI's executable; default: the agents cache's install of it. */
	binPath?: string;
	tokenUsageIntervalMs?: number;
	lingerMs?: number;
}

/** How long a replaced or cancelled task gets to stop and save before we move on. */
const TASK_SETTLE_MS = 5_000;

export class ShimHost extends EventEmitter<{ close: [reason: string] }> {
	readonly server: IpcServer;
	private readonly env: NodeJS.ProcessEnv;
	private current: ShimTask | undefined;
	private closing: Promise<void> | undefined;

	constructor(private readonly options: ShimHostOptions) {
		super();
		this.env = options.env ?? process.env;
		this.server = new IpcServer(options.socketPath, {
			log: (level, message) => options.log.log(level, `ipc: ${message}`),
		});
		this.server.on("TaskCommand", (clientId, command) => {
			this.handle(clientId, command).catch((error) =>
				this.log("error", `${command.commandName} failed: ${error instanceof Error ? error.stack : error}`),
			);
		});
		this.server.on("Connect", (clientId) => this.log("info", `client ${clientId} connected`));
		this.server.on("Disconnect", (clientId) => this.log("info", `client ${clientId} disconnected`));
	}

	get task(): ShimTask | undefined {
		return this.current;
	}

	async start(): Promise<void> {
		await this.server.listen();
		this.log("info", `serving ${this.server.socketPath} for ${this.options.spec.name} in ${this.options.workspace}`);
	}

	/** Stops the running CLI (its whole tree), lets the task save, and closes the socket. Idempotent. */
	shutdown(reason: string): Promise<void> {
		this.closing ??= (async () => {
			this.log("info", `shutting down: ${reason}`);
			await this.stopCurrent(`Agent shutting down: ${reason}`);
			await this.server.close();
			this.emit("close", reason);
		})();
		return this.closing;
	}

	private async handle(clientId: string, command: TaskCommand): Promise<void> {
		this.log("info", `command ${command.commandName} from ${clientId}`);
		switch (command.commandName) {
			case "StartNewTask":
				return this.startTask(command.data.configuration, command.data.text);
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
				return this.sendMessage(command.data.text ?? "");
			case "GetModes":
				this.server.sendEvent(clientId, { eventName: "modesResponse", payload: [MODES] });
				return;
			case "GetModels":
				this.server.sendEvent(clientId, { eventName: "modelsResponse", payload: [modelCatalog()] });
				return;
			case "GetCommands":
				this.server.sendEvent(clientId, { eventName: "commandsResponse", payload: [[]] });
				return;
			case "DeleteQueuedMessage":
				if (!this.current?.deleteQueuedMessage(command.data))
					this.log("warn", `DeleteQueuedMessage: no queued message ${command.data}`);
				return;
			case "CancelCommand":
				// A CLI runs its commands itself; only the whole run can be stopped.
				this.log("info", `CancelCommand: ${this.options.spec.name} offers no way to stop one command`);
				return;
			case "SetTaskContext":
				// Nothing to configure in a CLI, but a runner of ours waits for the answer.
				this.server.sendEvent(clientId, { eventName: "taskContextConfirmation", payload: [{ success: true }] });
				return;
		}
	}

	private async taskOptions(): Promise<ShimTaskOptions> {
		const { spec } = this.options;
		let binPath = this.options.binPath;
		if (!binPath) {
			const installed = await readInstalled(spec.name, this.env);
			if (!installed) throw new Error(`${spec.title} is not installed: run \`evals agents install ${spec.name}\``);
			binPath = installed.binPath;
		}
		return {
			spec,
			storageRoot: this.options.storageRoot,
			workspace: this.options.workspace,
			env: this.env,
			binPath,
			cacheDir: agentRuntimeDir(spec.name, this.env),
			emit: (event) => this.broadcast(event),
			log: this.options.log,
			tokenUsageIntervalMs: this.options.tokenUsageIntervalMs,
			lingerMs: this.options.lingerMs,
		};
	}

	/** `configuration` comes from the wire unchecked; loadSettings validates it, or the task is refused. */
	private async startTask(configuration: Record<string, unknown>, text: string): Promise<void> {
		await this.stopCurrent("Replaced by a new task");
		let settings: Settings;
		let options: ShimTaskOptions;
		try {
			settings = loadSettings({ workspace: this.options.workspace, env: this.env, overrides: configuration });
			options = await this.taskOptions();
		} catch (error) {
			return this.refuseTask(describe(error));
		}
		if (this.closing) return;
		const task = ShimTask.create(options, settings);
		this.current = task;
		void task.start(text);
	}

	private async resumeTask(taskId: string, message?: string): Promise<void> {
		if (this.current?.taskId === taskId && this.current.isRunning) {
			this.log("info", `ResumeTask ${taskId}: already running`);
			return;
		}
		const stored = await ShimTask.storedSettings(this.options.storageRoot, taskId);
		if (!stored) {
			this.log("warn", `ResumeTask: no task ${taskId} in ${this.options.storageRoot}`);
			return;
		}
		await this.stopCurrent("Replaced by a resumed task");
		let task: ShimTask | undefined;
		try {
			// The stored settings have no secrets; keys come from the environment again.
			const settings = loadSettings({ workspace: this.options.workspace, env: this.env, overrides: stored.settings });
			task = await ShimTask.load(await this.taskOptions(), taskId, settings);
		} catch (error) {
			return this.refuseTask(`Cannot resume task ${taskId}: ${describe(error)}`, taskId);
		}
		if (!task) return;
		this.current = task;
		void task.resume(message);
	}

	private async sendMessage(text: string): Promise<void> {
		const current = this.current;
		if (current?.isRunning) {
			current.queueMessage(text);
			return;
		}
		if (!current) {
			this.log("warn", "SendMessage: there is no task to send it to");
			return;
		}
		// The task has ended: the message continues it on the CLI's session.
		await this.resumeTask(current.taskId, text);
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

	private async stopCurrent(reason: string): Promise<void> {
		const task = this.current;
		if (!task?.isRunning) return;
		task.cancel(reason);
		await Promise.race([task.done, new Promise((resolve) => setTimeout(resolve, TASK_SETTLE_MS).unref())]);
	}

	private matchesCurrent(taskId: string | undefined, command: string): boolean {
		if (taskId === undefined || taskId === this.current?.taskId) return true;
		this.log("warn", `${command} for ${taskId} ignored: the current task is ${this.current?.taskId ?? "none"}`);
		return false;
	}

	private broadcast(event: TaskEvent): void {
		this.server.broadcast(event);
	}

	private log(level: "debug" | "info" | "warn" | "error", message: string): void {
		this.options.log.log(level, message);
	}
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
