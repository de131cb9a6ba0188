import { randomUUID } from "node:crypto";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { QueuedMessage, Settings, TaskEvent } from "@agent-evals/types";
import type { Logger } from "../log.js";
import { TokenUsageReporter } from "../task/token-usage.js";
import { UiMessageLog } from "../task/ui-messages.js";
import { type CliProcess, startCliProcess } from "./cli-process.js";
import { type Endpoint, EndpointError, resolveEndpoint } from "./endpoints.js";
import type { CliAgentSpec, CliLaunch } from "./spec.js";
import { type ShimTaskRecord, ShimTaskStorage } from "./storage.js";
import { EventTranslator } from "./translate.js";

/*
 * One task of a CLI agent: runs the CLI (and, to continue it, runs it again on its own
 * session), feeds its stream through the translator, and ends the task exactly once with
 * completed or aborted. Everything a later shim process needs to resume it is saved.
 */

/** How long a CLI may take to exit after it gave its verdict before it is stopped. */
const LINGER_MS = 5_000;
/** What a resumed task is told when no message came with the resume. */
export const RESUME_PROMPT =
	"The task was interrupted. Check the workspace to see what is already done, then continue the task until it is complete.";

export interface ShimTaskOptions {
	spec: CliAgentSpec;
	storageRoot: string;
	workspace: string;
	/** The shim's environment: keys, and what the CLI's commands need (PATH, toolchains). */
	env: NodeJS.ProcessEnv;
	binPath: string;
	cacheDir: string;
	emit: (event: TaskEvent) => void;
	log: Logger;
	tokenUsageIntervalMs?: number;
	lingerMs?: number;
}

type Status = "completed" | "aborted";

export class ShimTask {
	private readonly storage: ShimTaskStorage;
	private readonly ui: UiMessageLog;
	private readonly reporter: TokenUsageReporter;
	private record: ShimTaskRecord;
	private process: CliProcess | undefined;
	private cancelReason: string | undefined;
	private running: Promise<Status> | undefined;
	private readonly queued: QueuedMessage[] = [];

	private constructor(
		private readonly options: ShimTaskOptions,
		record: ShimTaskRecord,
		uiMessages: ShimTaskUi,
	) {
		this.record = record;
		this.storage = new ShimTaskStorage(options.storageRoot, record.taskId);
		this.ui = new UiMessageLog(
			record.taskId,
			(payload) => this.emit({ eventName: "message", payload: [payload] }),
			(messages) =>
				void this.storage.saveUiMessages(messages).catch((error) => this.logError("saving messages", error)),
			uiMessages,
		);
		this.reporter = new TokenUsageReporter(
			(usage, tools) => this.emit({ eventName: "taskTokenUsageUpdated", payload: [this.taskId, usage, tools] }),
			options.tokenUsageIntervalMs,
		);
	}

	get taskId(): string {
		return this.record.taskId;
	}

	get isRunning(): boolean {
		return this.running !== undefined;
	}

	/** Settles when the current run of the task has ended (at once if none is running). */
	get done(): Promise<Status | undefined> {
		return this.running ?? Promise.resolve(undefined);
	}

	/** A new task; emits `taskCreated`. */
	static create(options: ShimTaskOptions, settings: Settings): ShimTask {
		const now = Date.now();
		const task = new ShimTask(
			options,
			{
				taskId: randomUUID(),
				agent: options.spec.name,
				workspace: options.workspace,
				settings,
				createdAt: now,
				updatedAt: now,
				status: "running",
				tokenUsage: { totalTokensIn: 0, totalTokensOut: 0, totalCost: 0, contextTokens: 0 },
				toolUsage: {},
			},
			[],
		);
		task.emit({ eventName: "taskCreated", payload: [task.taskId] });
		return task;
	}

	/**
	 * A task read back from storage with the settings it ran with (`settings`: the stored ones
	 * have no secrets, which come from the environment again); emits `taskCreated`.
	 */
	static async load(options: ShimTaskOptions, taskId: string, settings: Settings): Promise<ShimTask | undefined> {
		if (!ShimTaskStorage.isTaskId(taskId)) return undefined;
		const stored = await new ShimTaskStorage(options.storageRoot, taskId).load();
		if (!stored) return undefined;
		const task = new ShimTask(options, { ...stored.record, settings }, stored.uiMessages);
		task.emit({ eventName: "taskCreated", payload: [task.taskId] });
		return task;
	}

	/** The settings the task ran with, as stored (without secrets). */
	static async storedSettings(storageRoot: string, taskId: string): Promise<ShimTaskRecord | undefined> {
		if (!ShimTaskStorage.isTaskId(taskId)) return undefined;
		return (await new ShimTaskStorage(storageRoot, taskId).load())?.record;
	}

	/** Runs the task from its text. Never throws: problems end the task as aborted. */
	start(text: string): Promise<Status> {
		this.ui.say("text", text);
		return this.begin(text, undefined);
	}

	/** Continues the task on the CLI's own session, with `message` or the resume prompt. */
	resume(message?: string): Promise<Status> {
		this.ui.ask("resume_task");
		if (message) this.ui.say("user_feedback", message);
		if (!this.options.spec.capabilities.resume) {
			return this.refuse(`${this.options.spec.title} cannot resume a task.`);
		}
		if (!this.record.session) {
			return this.refuse(`${this.options.spec.title} never named its session, so the task cannot be resumed.`);
		}
		return this.begin(message ?? RESUME_PROMPT, this.record.session);
	}

	/** Queues a message for when the current run ends: a CLI takes no input while it runs. */
	queueMessage(text: string): void {
		this.queued.push({ id: randomUUID(), timestamp: Date.now(), text });
		this.queueChanged();
	}

	deleteQueuedMessage(id: string): boolean {
		const index = this.queued.findIndex((message) => message.id === id);
		if (index < 0) return false;
		this.queued.splice(index, 1);
		this.queueChanged();
		return true;
	}

	/** Stops the CLI and everything it started; the task ends as aborted with `reason`. */
	cancel(reason: string): void {
		if (!this.running) return;
		this.cancelReason ??= reason;
		void this.process?.kill().catch((error) => this.logError("stopping the CLI", error));
	}

	private begin(prompt: string, session: string | undefined): Promise<Status> {
		this.cancelReason = undefined;
		const run = this.run(prompt, session).finally(() => {
			this.running = undefined;
		});
		this.running = run;
		return run;
	}

	private refuse(reason: string): Promise<Status> {
		const translator = this.translator();
		this.emit({ eventName: "taskStarted", payload: [this.taskId] });
		return this.end(translator, "aborted", reason);
	}

	private async run(firstPrompt: string, firstSession: string | undefined): Promise<Status> {
		this.emit({ eventName: "taskStarted", payload: [this.taskId] });
		this.record.status = "running";
		await this.save();
		let prompt = firstPrompt;
		let session = firstSession;
		for (;;) {
			const translator = this.translator();
			let endpoint: Endpoint;
			let launch: CliLaunch;
			try {
				endpoint = resolveEndpoint(this.record.settings, this.options.env, this.options.spec.providers);
				launch = this.options.spec.launch({
					prompt,
					settings: this.record.settings,
					endpoint,
					workspace: this.options.workspace,
					configDir: this.storage.cliDir,
					cacheDir: this.options.cacheDir,
					resumeSession: session,
					binPath: this.options.binPath,
				});
			} catch (error) {
				const message =
					error instanceof EndpointError ? `${this.options.spec.title}: ${error.message}.` : describe(error);
				const note = error instanceof EndpointError ? ` ${this.options.spec.providerNote}.` : "";
				return this.end(translator, "aborted", `${message}${note}`);
			}
			translator.setEndpoint(endpoint);
			const outcome = await this.runOnce(launch, translator);
			this.record.session =
				translator.sessionId ?? (await this.options.spec.findSession?.(this.storage.cliDir)) ?? session;
			this.record.tokenUsage = translator.tokens;
			this.record.toolUsage = translator.tools;
			// Messages sent while it ran continue the same task on its session.
			if (outcome.status === "completed" && this.queued.length > 0 && this.record.session && !this.cancelReason) {
				const taken = this.queued.splice(0);
				this.queueChanged();
				for (const message of taken) this.ui.say("user_feedback", message.text);
				prompt = taken.map((message) => message.text).join("\n\n");
				session = this.record.session;
				continue;
			}
			return this.end(translator, outcome.status, outcome.reason);
		}
	}

	/** One CLI process, from launch to exit. */
	private async runOnce(launch: CliLaunch, translator: EventTranslator): Promise<{ status: Status; reason?: string }> {
		const { spec } = this.options;
		const parser = spec.parser();
		const secrets: string[] = [];
		let stdoutEnded!: () => void;
		const stdoutDone = new Promise<void>((resolve) => {
			stdoutEnded = resolve;
		});
		let lingerTimer: NodeJS.Timeout | undefined;
		let stoppedAfterVerdict = false;
		const handle = (events: ReturnType<typeof parser.line>) => {
			for (const event of events) {
				if (event.type === "session" && event.id !== this.record.session) {
					this.record.session = event.id;
					void this.save();
				}
				translator.handle(event);
				// The verdict is in; some CLIs then spend seconds on their own shutdown.
				if (event.type === "result" && !lingerTimer) {
					lingerTimer = setTimeout(() => {
						stoppedAfterVerdict = true;
						void this.process?.kill(1_000);
					}, this.options.lingerMs ?? LINGER_MS);
				}
			}
		};
		try {
			for (const file of launch.files ?? []) {
				await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
				await writeFile(file.path, file.content, { mode: file.secret ? 0o600 : 0o644 });
				if (file.secret) {
					secrets.push(file.path);
					await chmod(file.path, 0o600);
				}
			}
			this.options.log.log("info", `task ${this.taskId}: starting ${spec.name} ${redactArgs(launch.args)}`);
			this.process = await startCliProcess({
				command: launch.command,
				args: launch.args,
				cwd: this.options.workspace,
				env: { ...this.options.env, ...launch.env },
				onLine: (line) => {
					try {
						handle(parser.line(line));
					} catch (error) {
						this.logError(`reading a line of ${spec.name}'s output`, error);
					}
				},
				onStdoutEnd: () => stdoutEnded(),
			});
			if (this.cancelReason) void this.process.kill();
			const exit = await this.process.exited;
			await stdoutDone;
			handle(parser.end?.() ?? []);
			this.options.log.log(
				"info",
				`task ${this.taskId}: ${spec.name} exited (code ${exit.code}, signal ${exit.signal})`,
			);
			if (this.cancelReason) return { status: "aborted", reason: this.cancelReason };
			const result = translator.result;
			if (result?.ok && (exit.code === 0 || stoppedAfterVerdict)) return { status: "completed" };
			if (result && !result.ok) return { status: "aborted" };
			const stderr = this.process.stderrTail().trim().split("\n").slice(-3).join("\n");
			const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
			return {
				status: "aborted",
				reason: `${spec.title} ${how}${result ? "" : " without finishing the task"}${stderr ? `: ${stderr}` : ""}`,
			};
		} catch (error) {
			return { status: "aborted", reason: `${spec.title} could not run: ${describe(error)}` };
		} finally {
			clearTimeout(lingerTimer);
			// Also once the CLI has exited: a command it started in a group of its own, or started
			// just as a cancel's sweep looked, outlives it. The run's marker still finds it, and the
			// task ends only when nothing of its run is left.
			if (this.process) await this.process.kill(1_000).catch(() => undefined);
			// A key written for a CLI that reads it only from a file lives as long as the run.
			await Promise.all(secrets.map((path) => rm(path, { force: true })));
			this.process = undefined;
		}
	}

	private translator(): EventTranslator {
		return new EventTranslator({
			taskId: this.taskId,
			spec: this.options.spec,
			endpoint: { provider: "", modelId: "", prices: undefined, pricesFromRun: false },
			emit: (event) => this.emit(event),
			ui: this.ui,
			reporter: this.reporter,
			before: { tokens: this.record.tokenUsage, tools: this.record.toolUsage },
		});
	}

	private async end(translator: EventTranslator, status: Status, reason?: string): Promise<Status> {
		this.record.status = status;
		this.record.tokenUsage = translator.tokens;
		this.record.toolUsage = translator.tools;
		await this.save();
		await this.storage.flush();
		translator.finish(status, reason);
		await this.storage.flush();
		this.options.log.log("info", `task ${this.taskId} ${status}${reason ? `: ${reason}` : ""}`);
		return status;
	}

	private save(): Promise<void> {
		this.record.updatedAt = Date.now();
		return this.storage.saveRecord(this.record).catch((error) => this.logError("saving the task", error));
	}

	private queueChanged(): void {
		this.emit({ eventName: "queuedMessagesUpdated", payload: [this.taskId, this.queued.map((m) => ({ ...m }))] });
	}

	private emit(event: TaskEvent): void {
		try {
			this.options.emit(event);
		} catch (error) {
			this.logError(`emitting ${event.eventName}`, error);
		}
	}

	private logError(what: string, error: unknown): void {
		this.options.log.log("error", `task ${this.taskId}: ${what}: ${describe(error)}`);
	}
}

type ShimTaskUi = ConstructorParameters<typeof UiMessageLog>[3];

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The command line for the log, with the prompt (often long) shortened. */
function redactArgs(args: string[]): string {
	return args.map((arg) => (arg.length > 80 ? `${JSON.stringify(arg.slice(0, 60))}…` : arg)).join(" ");
}
