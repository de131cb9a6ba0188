import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IpcClient } from "@agent-evals/ipc";
import type {
	ModelUsage,
	Settings,
	TaskContextConfirmation,
	TaskEvent,
	TokenUsage,
	ToolUsage,
} from "@agent-evals/types";
import type { AgentOutcome } from "../grading/score.js";
import type { AgentAdapter, AgentLaunch, AgentProcess } from "./agents/adapter.js";
import { describe } from "./errors.js";

/*
 * The runner's side of one agent: start it, connect over IPC, give it the task, follow its
 * events to the end, stop it. Knows nothing of the store or grading.
 */

const ACK_TIMEOUT_MS = 30_000;
const CONTEXT_CONFIRMATION_MS = 3_000;
const CANCEL_GRACE_MS = 5_000;
const CLOSE_GRACE_MS = 2_000;

/** The machine's fault before the agent could work: the controller may retry it. */
export class InfraError extends Error {
	override readonly name = "InfraError";
}

export interface AgentSession {
	process: AgentProcess;
	ipc: IpcClient;
}

/**
 * Starts the agent and connects to it once its socket answers (no fixed sleeps). Every event is
 * handed to `onEvent` from the first one. Throws `InfraError` when either step fails, and stops
 * an agent that started but could not be reached.
 */
export async function startAgentSession(
	adapter: AgentAdapter,
	launch: AgentLaunch,
	onEvent: (event: TaskEvent) => void,
	log: (message: string) => void,
): Promise<AgentSession> {
	const child = await adapter.start(launch).catch((error) => {
		throw new InfraError(`the ${adapter.name} agent did not start: ${describe(error)}`);
	});
	const ipc = new IpcClient(launch.socketPath, {
		log: (level, message) => level !== "debug" && log(`ipc ${level}: ${message}`),
	});
	ipc.on("TaskEvent", onEvent);
	// An agent that dies while starting must not leave us waiting for the whole timeout.
	const exitedEarly = child.exited.then(() => {
		throw new InfraError(`the agent exited before it served IPC: ${lastLine(child.stderrTail())}`);
	});
	exitedEarly.catch(() => undefined);
	try {
		await Promise.race([ipc.connect({ timeoutMs: ACK_TIMEOUT_MS, retryDelayMs: 10 }), exitedEarly]);
	} catch (error) {
		ipc.disconnect();
		if (!child.hasExited) await child.stop().catch(() => undefined);
		throw error instanceof InfraError ? error : new InfraError(`no IPC connection to the agent: ${describe(error)}`);
	}
	return { process: child, ipc };
}

/** What a task's events told the runner: the agent's task id, usage, errors, and how it ended. */
export class TaskTracker {
	agentTaskId: string | undefined;
	tokens: TokenUsage | undefined;
	tools: ToolUsage | undefined;
	/** The last error message the agent said. */
	agentError: string | undefined;
	/** Model requests so far (final `api_req_started` messages, each counted once). */
	turns = 0;
	private readonly turnStarts = new Set<number>();
	/** Each model request as its `api_req_started` message last said it, by the message's ts. */
	private readonly requests = new Map<number, { model: string; tokensIn: number; tokensOut: number; cost: number }>();
	private waiter:
		| { promise: Promise<"completed" | "aborted">; resolve: (outcome: "completed" | "aborted") => void }
		| undefined;

	constructor(
		private readonly hooks: {
			onAgentTaskId?: (id: string) => void;
			onToolFailed?: (toolName: string, error: string) => void;
		} = {},
	) {}

	/**
	 * Tokens and cost by model (`provider:model`), from the agent's request messages: a task that
	 * moved to a fallback model keeps each model's share apart. Empty when the agent does not say
	 * which model a request went to.
	 */
	modelUsage(): ModelUsage {
		const usage: ModelUsage = {};
		for (const request of this.requests.values()) {
			const entry = usage[request.model] ?? { requests: 0, tokensIn: 0, tokensOut: 0, cost: 0 };
			entry.requests++;
			entry.tokensIn += request.tokensIn;
			entry.tokensOut += request.tokensOut;
			entry.cost += request.cost;
			usage[request.model] = entry;
		}
		return usage;
	}

	/**
	 * Settles when the agent next reports its task completed or aborted. Ask before sending the
	 * command that starts (or continues) the task, so its end cannot be missed.
	 */
	nextEnd(): Promise<"completed" | "aborted"> {
		if (!this.waiter) {
			let resolve: (outcome: "completed" | "aborted") => void = () => {};
			const promise = new Promise<"completed" | "aborted">((done) => {
				resolve = done;
			});
			this.waiter = { promise, resolve };
		}
		return this.waiter.promise;
	}

	private end(outcome: "completed" | "aborted"): void {
		this.waiter?.resolve(outcome);
		this.waiter = undefined;
	}

	track(event: TaskEvent): void {
		switch (event.eventName) {
			case "taskCreated":
				this.agentTaskId = event.payload[0];
				this.hooks.onAgentTaskId?.(event.payload[0]);
				break;
			case "taskTokenUsageUpdated":
				this.tokens = event.payload[1];
				this.tools = event.payload[2] ?? this.tools;
				break;
			case "taskToolFailed":
				this.hooks.onToolFailed?.(event.payload[1], event.payload[2]);
				break;
			case "taskCompleted":
				this.tokens = event.payload[1];
				this.tools = event.payload[2];
				this.end("completed");
				break;
			case "taskAborted":
				this.end("aborted");
				break;
			case "message": {
				const { message } = event.payload[0];
				if (message.say === "error") this.agentError = message.text;
				if (message.say === "api_req_started") {
					if (message.partial !== true && !this.turnStarts.has(message.ts)) {
						this.turnStarts.add(message.ts);
						this.turns++;
					}
					const request = requestOf(message.text);
					if (request) this.requests.set(message.ts, request);
				}
				break;
			}
		}
	}
}

/** The agent's task id an event is about, when it names one. */
export function agentTaskIdOf(event: TaskEvent): string | undefined {
	if (event.eventName === "message") return event.payload[0].taskId;
	const first: unknown = "payload" in event ? event.payload?.[0] : undefined;
	return typeof first === "string" ? first : undefined;
}

/** `api_req_started`'s JSON (ours and Roo Code's): the model and, once answered, tokens and cost. */
function requestOf(
	text: string | undefined,
): { model: string; tokensIn: number; tokensOut: number; cost: number } | undefined {
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(text ?? "") as Record<string, unknown>;
	} catch {
		return undefined;
	}
	if (typeof parsed !== "object" || parsed === null) return undefined;
	const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
	const model =
		typeof parsed.model === "string"
			? typeof parsed.provider === "string"
				? `${parsed.provider}:${parsed.model}`
				: parsed.model
			: undefined;
	if (!model) return undefined;
	return { model, tokensIn: num(parsed.tokensIn), tokensOut: num(parsed.tokensOut), cost: num(parsed.cost) };
}

export interface DriveOptions {
	/** Our SetTaskContext; a Roo Code agent ignores it. */
	context: {
		taskId: number;
		runId: number;
		agentTaskId?: string;
		mcpServer?: string;
		userIntent?: string;
		/** The runner's span the agent's spans go under, and where the agent sends them. */
		traceparent?: string;
		otlpEndpoint?: string;
		/** For a warm agent: the folder it moves to for this task. */
		workspace?: string;
	};
	settings: Settings;
	prompt: string;
	timeoutMs: number;
	signal: AbortSignal;
}

/** How a turn of the agent ended, with the end event it was waiting for (a late one may still come). */
export interface DriveResult {
	outcome: AgentOutcome;
	ended: Promise<unknown>;
}

/**
 * Gives the agent its task and waits for it to end: completed, aborted, crashed, timed out or
 * cancelled. The agent keeps running (a second try may follow): `stopAgent` ends it.
 */
export async function driveTask(
	session: AgentSession,
	tracker: TaskTracker,
	options: DriveOptions,
): Promise<DriveResult> {
	await setContext(session.ipc, options.context);
	const ended = tracker.nextEnd();
	session.ipc.sendCommand({
		commandName: "StartNewTask",
		data: { configuration: options.settings, text: options.prompt },
	});
	return { outcome: await waitForEnd(ended, session.process, options.timeoutMs, options.signal), ended };
}

/**
 * Continues the finished task with a follow-up message (Roo Code's SendMessage, as answering its
 * completion question does) and waits for it to end again.
 */
export async function continueTask(
	session: AgentSession,
	tracker: TaskTracker,
	options: { text: string; timeoutMs: number; signal: AbortSignal },
): Promise<DriveResult> {
	const ended = tracker.nextEnd();
	session.ipc.sendCommand({ commandName: "SendMessage", data: { text: options.text } });
	return { outcome: await waitForEnd(ended, session.process, options.timeoutMs, options.signal), ended };
}

/**
 * Roo Code does not answer SetTaskContext, so the wait for its confirmation is short and optional,
 * unless the context moves a warm agent to a new workspace: then a refusal (or no answer) is the
 * machine's fault, and the task must not start in the last task's folder.
 */
async function setContext(client: IpcClient, context: DriveOptions["context"]): Promise<void> {
	// Only our agent is moved between workspaces, and it always answers: give it as long as a start.
	const waitMs = context.workspace ? ACK_TIMEOUT_MS : CONTEXT_CONFIRMATION_MS;
	const confirmed = new Promise<TaskContextConfirmation | undefined>((resolve) => {
		const timer = setTimeout(() => done(undefined), waitMs);
		function onEvent(event: TaskEvent) {
			if (event.eventName === "taskContextConfirmation") done(event.payload[0]);
		}
		function done(confirmation: TaskContextConfirmation | undefined) {
			clearTimeout(timer);
			client.off("TaskEvent", onEvent);
			resolve(confirmation);
		}
		client.on("TaskEvent", onEvent);
	});
	client.sendCommand({
		commandName: "SetTaskContext",
		data: {
			taskId: context.taskId,
			rooTaskId: context.agentTaskId ?? "pending",
			runId: context.runId,
			...(context.mcpServer ? { mcpServer: context.mcpServer } : {}),
			...(context.userIntent ? { userIntent: context.userIntent } : {}),
			...(context.traceparent ? { traceparent: context.traceparent } : {}),
			...(context.otlpEndpoint ? { otlpEndpoint: context.otlpEndpoint } : {}),
			...(context.workspace ? { workspace: context.workspace } : {}),
		},
	});
	const confirmation = await confirmed;
	if (context.workspace && confirmation?.success !== true) {
		throw new InfraError(
			`the agent did not move to the task's workspace: ${confirmation?.error ?? "no answer to SetTaskContext"}`,
		);
	}
}

async function waitForEnd(
	ended: Promise<"completed" | "aborted">,
	agent: AgentProcess,
	timeoutMs: number,
	signal: AbortSignal,
): Promise<AgentOutcome> {
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	try {
		return await Promise.race([
			ended,
			agent.exited.then(() => "crashed" as const),
			new Promise<"timeout">((resolve) => {
				timer = setTimeout(() => resolve("timeout"), timeoutMs);
			}),
			new Promise<"cancelled">((resolve) => {
				onAbort = () => resolve("cancelled");
				if (signal.aborted) onAbort();
				else signal.addEventListener("abort", onAbort, { once: true });
			}),
		]);
	} finally {
		clearTimeout(timer);
		if (onAbort) signal.removeEventListener("abort", onAbort);
	}
}

/**
 * Ends the agent: CloseTask for a finished task; CancelTask first for an unfinished one (so it
 * can save its state); then the process tree is killed if it lingers.
 */
export async function stopAgent(session: AgentSession, outcome: AgentOutcome, ended: Promise<unknown>): Promise<void> {
	const { ipc, process: agent } = session;
	const send = (command: "CancelTask" | "CloseTask") => {
		if (ipc.isReady) ipc.sendCommand({ commandName: command });
	};
	if (outcome === "timeout" || outcome === "cancelled") {
		send("CancelTask");
		await Promise.race([ended, agent.exited, delay(CANCEL_GRACE_MS)]);
	}
	send("CloseTask");
	await Promise.race([agent.exited, delay(CLOSE_GRACE_MS)]);
	if (!agent.hasExited) await agent.stop();
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function lastLine(text: string | undefined): string {
	return text?.trim().split("\n").at(-1) ?? "(no output)";
}

/**
 * A per-attempt socket in a folder of its own that only this user may enter (mkdtemp makes it
 * 0700): the socket file's own mode is set only after bind, and another user must not even find
 * it. Short enough for the 104-byte sun_path limit on macOS. Remove `dir` when the attempt ends.
 */
export async function privateSocketPath(): Promise<{ dir: string; socketPath: string }> {
	const dir = await mkdtemp(join(tmpdir(), "evals-"));
	return { dir, socketPath: join(dir, "agent.sock") };
}
