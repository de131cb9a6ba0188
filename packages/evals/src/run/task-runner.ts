import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IpcClient } from "@agent-evals/ipc";
import type { Settings, TaskEvent, TokenUsage, ToolUsage } from "@agent-evals/types";
import type { Bus } from "../bus/index.js";
import type { FailureKind, PhaseTimings, Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import type { Exercise } from "../exercises/types.js";
import { prepareReference, prepareWorkspace } from "../exercises/workspace.js";
import { gradeExercise } from "../grading/grade.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { AgentAdapter, AgentProcess } from "./agents/adapter.js";
import { EventRecorder } from "./event-recorder.js";
import { commitBaseline, workspaceDiff } from "./git-baseline.js";

export interface TaskRunContext {
	store: Store;
	bus: Bus;
	run: Run;
	exercise: Exercise;
	/** The suite's prompt for the exercise's language: the task text. */
	prompt: string;
	adapter: AgentAdapter;
	sandbox: Sandbox;
	/** Sent as StartNewTask.configuration (provider and model included). */
	settings: Settings;
	timeoutMs: number;
	gradeTimeoutMs: number;
	/** Parent folder for workspaces and agent storage. */
	workRoot: string;
	/** Aborted when the run (or this task) is cancelled. */
	signal: AbortSignal;
	log: (message: string) => void;
	keepWorkspace?: boolean;
	env?: NodeJS.ProcessEnv;
}

export interface TaskOutcome {
	passed: boolean;
	failureKind: FailureKind | null;
	summary: string;
}

/** Failures that are the machine's fault; the controller may retry them. */
class InfraError extends Error {}

const ACK_TIMEOUT_MS = 30_000;
const CONTEXT_CONFIRMATION_MS = 3_000;
const CANCEL_GRACE_MS = 5_000;
const CLOSE_GRACE_MS = 2_000;
const MAX_TEST_OUTPUT = 64 * 1024;

/**
 * One task from start to verdict: fresh workspace, agent, task over IPC, events to the store and
 * bus, timeout and cancellation, pristine tests, grading, and the saved result. Never throws:
 * every problem becomes a verdict with a failure kind.
 */
export async function runTask(task: Task, ctx: TaskRunContext): Promise<TaskOutcome> {
	const { store, run, exercise } = ctx;
	const began = Date.now();
	const timings: PhaseTimings = {};
	const phase = async <T>(name: keyof PhaseTimings, work: () => Promise<T>): Promise<T> => {
		const start = Date.now();
		try {
			return await work();
		} finally {
			timings[name] = Date.now() - start;
		}
	};
	const attempt = task.attempt + 1;
	await store.updateTask(task.id, {
		status: "running",
		attempt,
		startedAt: new Date(began),
		finishedAt: null,
		passed: null,
		failureKind: null,
		error: null,
		queueWaitMs: task.queueWaitMs ?? Math.max(0, began - (run.startedAt?.getTime() ?? began)),
	});
	const recorder = new EventRecorder(store, ctx.bus, run.id, task.id, (error) =>
		ctx.log(`event store: ${describe(error)}`),
	);
	const dir = await mkdtemp(join(ctx.workRoot, `run${run.id}-task${task.id}-a${attempt}-`));
	const workspace = join(dir, "workspace");
	let agent: AgentProcess | undefined;
	let client: IpcClient | undefined;
	let usage: { tokens?: TokenUsage; tools?: ToolUsage } = {};
	let agentOutcome: "completed" | "aborted" | "timeout" | "cancelled" | "crashed" = "crashed";
	let agentError: string | undefined;
	let agentMs = 0;

	try {
		const settings: Settings = { ...ctx.settings };
		const socketPath = shortSocketPath();
		const storageDir = join(dir, "agent");
		await mkdir(storageDir, { recursive: true });
		await mkdir(workspace, { recursive: true });
		// The agent only looks at the workspace once StartNewTask arrives, so it can start while
		// the workspace is being filled: the two are the slowest steps before a task begins.
		const preparing = phase("workspaceMs", async () => {
			await prepareWorkspace(exercise, workspace);
			await commitBaseline(workspace);
			if (settings.apiProvider === "oracle") {
				const reference = join(dir, "reference");
				if ((await prepareReference(exercise, reference)).length === 0) {
					throw new InfraError(`${exercise.language}/${exercise.name} has no reference solution for the oracle model`);
				}
				settings.oracleSolutionDir = reference;
			}
		});

		const ended = deferred<"completed" | "aborted">();
		const track = (event: TaskEvent) => {
			switch (event.eventName) {
				case "taskCreated":
					void store.updateTask(task.id, { agentTaskId: event.payload[0] }).catch(() => undefined);
					break;
				case "taskTokenUsageUpdated":
					usage = { tokens: event.payload[1], tools: event.payload[2] ?? usage.tools };
					break;
				case "taskToolFailed":
					void store
						.addToolError({ runId: run.id, taskId: task.id, toolName: event.payload[1], error: event.payload[2] })
						.catch((error) => ctx.log(`tool error not saved: ${describe(error)}`));
					break;
				case "taskCompleted":
					usage = { tokens: event.payload[1], tools: event.payload[2] };
					ended.resolve("completed");
					break;
				case "taskAborted":
					ended.resolve("aborted");
					break;
				case "message":
					if (event.payload[0].message.say === "error") agentError = event.payload[0].message.text;
					break;
			}
		};
		const starting = phase("agentStartMs", async () => {
			const child = await ctx.adapter
				.start({ workspace, socketPath, storageDir, env: ctx.env ?? process.env })
				.catch((error) => {
					throw new InfraError(`the ${ctx.adapter.name} agent did not start: ${describe(error)}`);
				});
			agent = child;
			const ipc = new IpcClient(socketPath, {
				log: (level, message) => level !== "debug" && ctx.log(`ipc ${level}: ${message}`),
			});
			client = ipc;
			ipc.on("TaskEvent", (event) => {
				recorder.record(event);
				track(event);
			});
			// An agent that dies while starting must not leave us waiting for the whole timeout.
			const exitedEarly = child.exited.then(() => {
				throw new InfraError(`the agent exited before it served IPC: ${lastLine(child.stderrTail())}`);
			});
			exitedEarly.catch(() => undefined);
			await Promise.race([ipc.connect({ timeoutMs: ACK_TIMEOUT_MS, retryDelayMs: 10 }), exitedEarly]).catch((error) => {
				throw error instanceof InfraError
					? error
					: new InfraError(`no IPC connection to the agent: ${describe(error)}`);
			});
			return { process: child, ipc };
		});
		const [prepared, connected] = await Promise.allSettled([preparing, starting]);
		if (prepared.status === "rejected") throw prepared.reason;
		if (connected.status === "rejected") throw connected.reason;
		const started = connected.value;

		const agentStart = Date.now();
		await setContext(started.ipc, task, run);
		started.ipc.sendCommand({ commandName: "StartNewTask", data: { configuration: settings, text: ctx.prompt } });
		agentOutcome = await waitForEnd(ended.promise, started.process, ctx);
		agentMs = Date.now() - agentStart;
		timings.agentMs = agentMs;
		await stopAgent(started.ipc, started.process, agentOutcome, ended.promise);
		await recorder.flush();

		if (agentOutcome === "cancelled") {
			return await finish({ passed: false, failureKind: "cancelled", summary: "cancelled" });
		}
		const diff = await workspaceDiff(workspace);
		const report = await phase("gradeMs", () =>
			gradeExercise(exercise, workspace, ctx.sandbox, { timeoutMs: ctx.gradeTimeoutMs, signal: ctx.signal }),
		);
		const passed = report.verdict === "passed";
		const failureKind: FailureKind | null = passed
			? null
			: report.verdict === "infra"
				? ctx.signal.aborted
					? "cancelled"
					: "infra"
				: agentOutcome === "timeout"
					? "timeout"
					: agentOutcome === "completed"
						? "test_failed"
						: "agent_error";
		const notes = [report.summary];
		if (report.tampered.length > 0) notes.push(`tests changed by the agent (restored): ${report.tampered.join(", ")}`);
		if (!passed && agentOutcome !== "completed")
			notes.push(`agent ${agentOutcome}${agentError ? `: ${agentError}` : ""}`);
		return await finish(
			{ passed, failureKind, summary: notes.join("; ") },
			{
				testOutput: report.output.slice(-MAX_TEST_OUTPUT),
				workspaceDiff: diff,
				testsTampered: report.tampered.length > 0,
			},
		);
	} catch (error) {
		if (agent && !agent.hasExited) await agent.stop().catch(() => undefined);
		await recorder.flush();
		// Anything thrown here is ours or the machine's (workspace, agent start, IPC), never the model's.
		const cancelled = ctx.signal.aborted;
		if (!cancelled && !(error instanceof InfraError))
			ctx.log(`task ${task.id}: ${error instanceof Error ? error.stack : error}`);
		return await finish({
			passed: false,
			failureKind: cancelled ? "cancelled" : "infra",
			summary: cancelled ? "cancelled" : describe(error),
		});
	} finally {
		client?.disconnect();
		if (!ctx.keepWorkspace) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
	}

	async function finish(
		outcome: TaskOutcome,
		extra: { testOutput?: string; workspaceDiff?: string; testsTampered?: boolean } = {},
	): Promise<TaskOutcome> {
		const tokens = usage.tokens;
		await store.saveTaskMetrics(task.id, {
			tokensIn: tokens?.totalTokensIn ?? 0,
			tokensOut: tokens?.totalTokensOut ?? 0,
			tokensContext: tokens?.contextTokens ?? 0,
			cacheWrites: tokens?.totalCacheWrites ?? 0,
			cacheReads: tokens?.totalCacheReads ?? 0,
			cost: tokens?.totalCost ?? 0,
			duration: agentMs,
			toolUsage: usage.tools ?? {},
		});
		await store.updateTask(task.id, {
			status: outcome.failureKind === "cancelled" ? "cancelled" : outcome.passed ? "passed" : "failed",
			passed: outcome.failureKind === "cancelled" ? null : outcome.passed,
			failureKind: outcome.failureKind,
			error: outcome.passed ? null : outcome.summary,
			phaseTimings: timings,
			finishedAt: new Date(),
			...extra,
		});
		if (outcome.failureKind !== "cancelled" && outcome.failureKind !== "infra") {
			const verdict: TaskEvent = { eventName: outcome.passed ? "evalPass" : "evalFail", taskId: task.id };
			await store.appendTaskEvents(run.id, task.id, [verdict]).catch(() => undefined);
			await ctx.bus.publish(run.id, verdict).catch(() => undefined);
		}
		return outcome;
	}
}

/** Our SetTaskContext; Roo Code does not answer it, so the wait is short and optional. */
async function setContext(client: IpcClient, task: Task, run: Run): Promise<void> {
	const confirmed = new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, CONTEXT_CONFIRMATION_MS);
		const onEvent = (event: TaskEvent) => {
			if (event.eventName !== "taskContextConfirmation") return;
			clearTimeout(timer);
			client.off("TaskEvent", onEvent);
			resolve();
		};
		client.on("TaskEvent", onEvent);
	});
	client.sendCommand({
		commandName: "SetTaskContext",
		data: { taskId: task.id, rooTaskId: task.agentTaskId ?? "pending", runId: run.id },
	});
	await confirmed;
}

async function waitForEnd(
	ended: Promise<"completed" | "aborted">,
	agent: AgentProcess,
	ctx: TaskRunContext,
): Promise<"completed" | "aborted" | "timeout" | "cancelled" | "crashed"> {
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	try {
		return await Promise.race([
			ended,
			agent.exited.then(() => "crashed" as const),
			new Promise<"timeout">((resolve) => {
				timer = setTimeout(() => resolve("timeout"), ctx.timeoutMs);
			}),
			new Promise<"cancelled">((resolve) => {
				onAbort = () => resolve("cancelled");
				if (ctx.signal.aborted) onAbort();
				else ctx.signal.addEventListener("abort", onAbort, { once: true });
			}),
		]);
	} finally {
		clearTimeout(timer);
		if (onAbort) ctx.signal.removeEventListener("abort", onAbort);
	}
}

/**
 * Ends the agent: a finished task gets CloseTask; an unfinished one CancelTask first (so it can
 * save its state), then CloseTask, then the whole process tree is killed if it is still there.
 */
async function stopAgent(
	client: IpcClient,
	agent: AgentProcess,
	outcome: string,
	ended: Promise<unknown>,
): Promise<void> {
	const send = (command: "CancelTask" | "CloseTask") => {
		if (client.isReady) client.sendCommand({ commandName: command });
	};
	if (outcome === "timeout" || outcome === "cancelled") {
		send("CancelTask");
		await Promise.race([ended, agent.exited, delay(CANCEL_GRACE_MS)]);
	}
	send("CloseTask");
	await Promise.race([agent.exited, delay(CLOSE_GRACE_MS)]);
	if (!agent.hasExited) await agent.stop();
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
	let resolve: (value: T) => void = () => {};
	const promise = new Promise<T>((done) => {
		resolve = done;
	});
	return { promise, resolve };
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function lastLine(text: string | undefined): string {
	return text?.trim().split("\n").at(-1) ?? "(no output)";
}

export function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** A per-attempt socket path short enough for the 104-byte sun_path limit on macOS. */
export function shortSocketPath(): string {
	return join(tmpdir(), `evals-${randomBytes(6).toString("hex")}.sock`);
}
