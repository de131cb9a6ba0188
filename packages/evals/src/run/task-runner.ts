import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Settings, TaskEvent, TaskTry } from "@agent-evals/types";
import type { Bus } from "../bus/index.js";
import type { PhaseTimings, Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import type { Exercise } from "../exercises/types.js";
import { prepareReference, prepareWorkspace } from "../exercises/workspace.js";
import { type GradeReport, gradeExercise } from "../grading/grade.js";
import { type AgentOutcome, type Score, score, type TaskFacts } from "../grading/score.js";
import { McpRecorder } from "../mcp/recorder.js";
import type { RunMcpServers } from "../mcp/run-servers.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { RunTrace, TaskTrace } from "../telemetry/run-trace.js";
import { agentEnvironment, commandProfile } from "./agent-env.js";
import type { AgentPool, PooledAgent } from "./agent-pool.js";
import {
	type AgentSession,
	continueTask,
	type DriveResult,
	driveTask,
	InfraError,
	privateSocketPath,
	startAgentSession,
	stopAgent,
	TaskTracker,
} from "./agent-session.js";
import type { AgentAdapter } from "./agents/adapter.js";
import { describe } from "./errors.js";
import { EventRecorder } from "./event-recorder.js";
import { commitBaseline, workspaceDiff } from "./git-baseline.js";
import type { RunNotes } from "./run-notes.js";

export interface TaskRunContext {
	store: Store;
	bus: Bus;
	run: Run;
	exercise: Exercise;
	/** The suite's prompt for the exercise's language: the task text. */
	prompt: string;
	adapter: AgentAdapter;
	/** The run's warm agents; without it, each attempt starts an agent of its own (`--fresh-agent`). */
	agents?: AgentPool;
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
	/** Where failed writes are kept so they reach the run's notes. */
	notes: RunNotes;
	/** The run's MCP servers (with any literal secrets), given to the agent as its only ones. */
	mcpServers?: RunMcpServers;
	keepWorkspace?: boolean;
	env?: NodeJS.ProcessEnv;
	/** The run's trace when it is traced: the task's spans go under it. */
	trace?: RunTrace;
	/**
	 * The `evals worker` that claimed the task. Its writes then hold only while it still owns
	 * the attempt, so a worker presumed dead cannot grade a task another worker took over.
	 */
	worker?: string;
	/** Tries of earlier attempts kept before this attempt's (a dead worker's attempt, as `infra`). */
	priorTries?: TaskTry[];
}

/** The task was taken over by another worker while this one was on it: nothing of ours is written. */
export class TaskTakenError extends Error {
	override readonly name = "TaskTakenError";
}

export type TaskOutcome = Score;

const MAX_TEST_OUTPUT = 64 * 1024;

/** The span of each timed phase. */
const PHASE_SPANS = {
	workspaceMs: "evals.workspace",
	agentStartMs: "evals.agent_start",
	agentMs: "evals.agent",
	gradeMs: "evals.grading",
} as const satisfies Partial<Record<keyof PhaseTimings, string>>;

/** What grading adds to a task's row beside the verdict. */
interface GradeExtras {
	testOutput?: string;
	workspaceDiff?: string;
	testsTampered?: boolean;
}

interface Graded {
	facts: TaskFacts;
	extras: GradeExtras;
	report: GradeReport;
}

/** How much of the failing tests' output a second try gets: the end, where the failures are. */
const MAX_FEEDBACK_CHARS = 8_000;

/**
 * One task from start to verdict, in phases: set up (workspace and agent, side by side), drive
 * the agent over IPC, grade, record. Never throws: every problem becomes a verdict with a
 * failure kind, judged by `score` from the facts gathered here.
 */
export async function runTask(task: Task, ctx: TaskRunContext): Promise<TaskOutcome> {
	const attempt = new TaskAttempt(task, ctx);
	await attempt.begin();
	let session: AgentSession | undefined;
	try {
		session = await attempt.setUp();
		let turn = await attempt.drive(session);
		let graded: Graded | undefined;
		while (turn.outcome !== "cancelled") {
			// Only a finished agent may try again, so only then does it stay up while its work is graded.
			const mayRetry = turn.outcome === "completed" && attempt.triesLeft > 0;
			if (!mayRetry) await attempt.stop(session, turn);
			graded = await attempt.grade(turn.outcome);
			const verdict = score(graded.facts);
			attempt.recordTry(verdict);
			if (!mayRetry || verdict.passed || verdict.failureKind !== "test_failed") {
				if (mayRetry) await attempt.stop(session, turn);
				break;
			}
			turn = await attempt.retry(session, graded.report);
		}
		if (turn.outcome === "cancelled" || !graded) {
			await attempt.stop(session, turn);
			return await attempt.record(score({ stage: "agent", agent: "cancelled", cancelled: true }));
		}
		return await attempt.record(score(graded.facts), graded.extras);
	} catch (error) {
		if (session) await attempt.abandon(session);
		await attempt.flushEvents();
		// Anything thrown here is ours or the machine's (workspace, agent start, IPC), never the model's.
		if (!ctx.signal.aborted && !(error instanceof InfraError)) {
			ctx.log(`task ${task.id}: ${error instanceof Error ? error.stack : error}`);
		}
		return await attempt.record(score({ stage: "setup", error: describe(error), cancelled: ctx.signal.aborted }));
	} finally {
		if (session) attempt.disconnect(session);
		await attempt.cleanUp();
		attempt.endTrace();
	}
}

/** The state of one attempt at a task as it moves through the phases. */
class TaskAttempt {
	readonly number: number;
	private readonly timings: PhaseTimings = {};
	private readonly recorder: EventRecorder;
	private readonly tracker: TaskTracker;
	private readonly mcp: McpRecorder;
	private readonly trace: TaskTrace | undefined;
	private dir: string | undefined;
	/** StartNewTask's configuration: the run's settings, plus the reference folder for the oracle. */
	private settings: Settings = {};
	private agentMs = 0;
	/** The 0700 folder of the agent's socket (an agent of this attempt's own). */
	private socketDir: string | undefined;
	/** The warm agent lent to this attempt, until it is given back. */
	private pooled: PooledAgent | undefined;
	private readonly tries: TaskTry[] = [];
	/** Cumulative usage at the end of the previous try, to tell each try's share. */
	private usageBefore = { tokensIn: 0, tokensOut: 0, cost: 0, agentMs: 0, gradeMs: 0 };

	constructor(
		private readonly task: Task,
		private readonly ctx: TaskRunContext,
	) {
		this.number = task.attempt + 1;
		this.trace = ctx.trace?.startTask(task, this.number);
		const { store, run, notes } = ctx;
		this.recorder = new EventRecorder(store, ctx.bus, run.id, task.id, notes);
		this.mcp = new McpRecorder(store, notes, {
			runId: run.id,
			taskId: task.id,
			servers: run.mcpServer,
			userIntent: run.userIntent,
		});
		this.tracker = new TaskTracker({
			onAgentTaskId: (id) =>
				void store.tasks
					.update(task.id, { agentTaskId: id })
					.catch(notes.catcher("saving the agent's task id", task.id)),
			onToolFailed: (toolName, error) =>
				void store.toolErrors
					.add({ runId: run.id, taskId: task.id, toolName, error })
					.catch(notes.catcher("saving a tool error", task.id)),
		});
	}

	private get workspace(): string {
		if (!this.dir) throw new Error("the attempt has no folder yet");
		return join(this.dir, "workspace");
	}

	/** Marks the task running, as a new attempt. */
	async begin(): Promise<void> {
		const began = Date.now();
		const { run } = this.ctx;
		const patch = {
			status: "running" as const,
			attempt: this.number,
			startedAt: new Date(began),
			finishedAt: null,
			passed: null,
			failureKind: null,
			error: null,
			queueWaitMs: this.task.queueWaitMs ?? Math.max(0, began - (run.startedAt?.getTime() ?? began)),
			traceId: this.trace?.traceId ?? null,
		};
		if (this.ctx.worker) {
			const owner = { worker: this.ctx.worker, attempt: this.task.attempt };
			if (!(await this.ctx.store.tasks.updateOwned(this.task.id, owner, patch))) {
				throw new TaskTakenError(`task ${this.task.id} is no longer held by worker ${this.ctx.worker}`);
			}
		} else {
			await this.ctx.store.tasks.update(this.task.id, patch);
		}
		await this.mcp.begin().catch(this.ctx.notes.catcher("opening the MCP benchmark row", this.task.id));
	}

	/**
	 * The workspace (a fresh copy with a git baseline, plus the reference for the oracle) and the
	 * agent start at the same time: the agent only looks at the workspace once StartNewTask
	 * arrives, and these are the slowest steps before a task begins.
	 */
	async setUp(): Promise<AgentSession> {
		const { ctx, task } = this;
		this.dir = await mkdtemp(join(ctx.workRoot, `run${ctx.run.id}-task${task.id}-a${this.number}-`));
		await mkdir(this.workspace, { recursive: true });
		const onEvent = (event: TaskEvent) => {
			this.recorder.record(event);
			this.tracker.track(event);
			if (event.eventName === "message") this.mcp.message(event.payload[0].message);
			else if (event.eventName === "mcpTelemetry") this.mcp.telemetry(event.payload[1]);
		};
		const preparing = this.phase("workspaceMs", () => this.prepareWorkspace());
		const starting = this.phase("agentStartMs", () => this.startAgent(onEvent));
		const [prepared, started] = await Promise.allSettled([preparing, starting]);
		if (prepared.status === "rejected") {
			if (started.status === "fulfilled") {
				await this.giveBack(started.value, true);
				this.disconnect(started.value);
			}
			throw prepared.reason;
		}
		if (started.status === "rejected") throw started.reason;
		return started.value;
	}

	/** A warm agent from the run's pool, or an agent of this attempt's own. */
	private async startAgent(onEvent: (event: TaskEvent) => void): Promise<AgentSession> {
		const { ctx } = this;
		if (ctx.agents) {
			this.pooled = await ctx.agents.acquire(onEvent);
			return this.pooled.session;
		}
		const storageDir = join(this.dir ?? "", "agent");
		await mkdir(storageDir, { recursive: true });
		const socket = await privateSocketPath();
		this.socketDir = socket.dir;
		// Its commands may not see this attempt's folder (the agent's history, the oracle's
		// reference) nor the suite (every reference solution).
		const profile = await commandProfile(ctx.sandbox, [this.dir ?? "", resolve(ctx.run.suite)]);
		const env = agentEnvironment(ctx.env ?? process.env, profile);
		return startAgentSession(
			ctx.adapter,
			{ workspace: this.workspace, socketPath: socket.socketPath, storageDir, env },
			onEvent,
			ctx.log,
		);
	}

	/**
	 * Ends this attempt's hold on the agent: a warm agent goes back to the pool (to be reused only
	 * when `reusable`), an agent of its own is stopped.
	 */
	private async giveBack(session: AgentSession, reusable: boolean): Promise<void> {
		const pooled = this.pooled;
		if (pooled) {
			this.pooled = undefined;
			await this.ctx.agents?.release(pooled, reusable);
		} else if (!session.process.hasExited) {
			await session.process.stop();
		}
	}

	/** After an error: the agent is not reused. */
	async abandon(session: AgentSession): Promise<void> {
		await this.giveBack(session, false).catch(this.ctx.notes.catcher("stopping the agent", this.task.id));
	}

	/** Drops this attempt's connection to an agent of its own (a warm agent's stays with the pool). */
	disconnect(session: AgentSession): void {
		if (!this.ctx.agents) session.ipc.disconnect();
	}

	private async prepareWorkspace(): Promise<void> {
		const { exercise, run } = this.ctx;
		const settings: Settings = { ...this.ctx.settings };
		if (this.ctx.mcpServers) {
			settings.mcpEnabled = true;
			settings.mcpServers = this.ctx.mcpServers;
			// The run's servers are the agent's only ones: no global mcp.json of this machine.
			settings.mcpConfigPath = join(this.dir ?? "", "agent", "no-global-mcp.json");
		} else if (run.arm === "baseline") {
			settings.mcpEnabled = false;
		}
		await prepareWorkspace(exercise, this.workspace);
		await commitBaseline(this.workspace);
		if (settings.apiProvider === "oracle") {
			const reference = join(this.dir ?? "", "reference");
			if ((await prepareReference(exercise, reference)).length === 0) {
				throw new InfraError(`${exercise.language}/${exercise.name} has no reference solution for the oracle model`);
			}
			settings.oracleSolutionDir = reference;
		}
		this.settings = settings;
	}

	/** Tries the run allows after the ones made so far. */
	get triesLeft(): number {
		return Math.max(0, this.ctx.run.tries - Math.max(1, this.tries.length));
	}

	/** Gives the agent the task and follows it to the end; the events are all stored afterwards. */
	async drive(session: AgentSession): Promise<DriveResult> {
		const { ctx, task } = this;
		const started = Date.now();
		const drive = (traceparent?: string) =>
			driveTask(session, this.tracker, {
				context: {
					taskId: task.id,
					runId: ctx.run.id,
					agentTaskId: task.agentTaskId ?? undefined,
					mcpServer: ctx.run.mcpServer ?? undefined,
					userIntent: ctx.run.userIntent ?? undefined,
					traceparent,
					otlpEndpoint: this.trace?.run.agentEndpoint,
					workspace: this.pooled ? this.workspace : undefined,
				},
				settings: this.settings,
				prompt: ctx.prompt,
				timeoutMs: ctx.timeoutMs,
				signal: ctx.signal,
			});
		const result = await (this.trace ? this.trace.phase(PHASE_SPANS.agentMs, drive) : drive());
		this.agentMs += Date.now() - started;
		this.timings.agentMs = this.agentMs;
		await this.recorder.flush();
		return result;
	}

	/**
	 * Another try in the same task: the agent gets the failing tests' output (the end of it) and is
	 * asked to fix the code, as a follow-up message, as a person answering it would.
	 */
	async retry(session: AgentSession, report: GradeReport): Promise<DriveResult> {
		const { ctx } = this;
		const started = Date.now();
		const output =
			report.output.length > MAX_FEEDBACK_CHARS ? `…${report.output.slice(-MAX_FEEDBACK_CHARS)}` : report.output;
		const text = [
			`The tests do not pass yet (${report.summary}). This is the end of their output:`,
			"",
			"```",
			output.trim(),
			"```",
			"",
			"Fix the code so that every test passes. Do not change the tests; they are put back as they were before each run. Finish when you are done.",
		].join("\n");
		const result = await continueTask(session, this.tracker, { text, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
		this.agentMs += Date.now() - started;
		this.timings.agentMs = this.agentMs;
		await this.recorder.flush();
		return result;
	}

	/**
	 * Ends the agent's part once its last try is over: a warm agent whose task completed goes back
	 * to the pool; any other agent is ended (CancelTask first when it did not finish).
	 */
	async stop(session: AgentSession, turn: DriveResult): Promise<void> {
		const reusable = this.pooled !== undefined && turn.outcome === "completed";
		if (!reusable) await stopAgent(session, turn.outcome, turn.ended);
		await this.giveBack(session, reusable);
		await this.recorder.flush();
	}

	/** Keeps a try's verdict with the time and tokens it took. */
	recordTry(verdict: Score): void {
		const tokens = this.tracker.tokens;
		const now = {
			tokensIn: tokens?.totalTokensIn ?? 0,
			tokensOut: tokens?.totalTokensOut ?? 0,
			cost: tokens?.totalCost ?? 0,
			agentMs: this.agentMs,
			gradeMs: this.timings.gradeMs ?? 0,
		};
		const before = this.usageBefore;
		this.tries.push({
			try: this.tries.length + 1,
			passed: verdict.passed,
			failureKind: verdict.failureKind,
			summary: verdict.summary,
			agentMs: now.agentMs - before.agentMs,
			gradeMs: now.gradeMs - before.gradeMs,
			tokensIn: now.tokensIn - before.tokensIn,
			tokensOut: now.tokensOut - before.tokensOut,
			cost: now.cost - before.cost,
		});
		this.usageBefore = now;
	}

	/** Restores the pristine tests and runs them; returns the facts for the verdict. */
	async grade(agent: Exclude<AgentOutcome, "cancelled">): Promise<Graded> {
		const { ctx } = this;
		const diff = await workspaceDiff(this.workspace);
		const report = await this.phase("gradeMs", () =>
			gradeExercise(ctx.exercise, this.workspace, ctx.sandbox, { timeoutMs: ctx.gradeTimeoutMs, signal: ctx.signal }),
		);
		const facts: TaskFacts = {
			stage: "agent",
			agent,
			agentError: this.tracker.agentError,
			grade: { verdict: report.verdict, summary: report.summary, notes: report.notes },
			cancelled: ctx.signal.aborted,
		};
		const extras: GradeExtras = {
			testOutput: report.output.slice(-MAX_TEST_OUTPUT),
			workspaceDiff: diff,
			testsTampered: report.tampered.length > 0,
		};
		return { facts, extras, report };
	}

	flushEvents(): Promise<void> {
		return this.recorder.flush();
	}

	/** Saves the verdict with the task's metrics, and announces it (evalPass / evalFail). */
	async record(outcome: Score, extras: GradeExtras = {}): Promise<TaskOutcome> {
		const { store, run, bus, notes } = this.ctx;
		const taskId = this.task.id;
		const tokens = this.tracker.tokens;
		this.trace?.outcome(outcome);
		const owner = this.ctx.worker ? { worker: this.ctx.worker, attempt: this.number } : undefined;
		if (owner) {
			// Checked before the metrics too, so a stale worker does not overwrite the new attempt's.
			const current = await store.tasks.get(taskId);
			if (current?.worker !== owner.worker || current.attempt !== owner.attempt) {
				this.ctx.log(
					`task ${taskId}: taken over by ${current?.worker ?? "another process"}; this attempt's verdict is dropped`,
				);
				return outcome;
			}
		}
		await store.metrics.save(taskId, {
			tokensIn: tokens?.totalTokensIn ?? 0,
			tokensOut: tokens?.totalTokensOut ?? 0,
			tokensContext: tokens?.contextTokens ?? 0,
			cacheWrites: tokens?.totalCacheWrites ?? 0,
			cacheReads: tokens?.totalCacheReads ?? 0,
			cost: tokens?.totalCost ?? 0,
			duration: this.agentMs,
			toolUsage: this.tracker.tools ?? {},
			modelUsage: this.tracker.modelUsage(),
		});
		const cancelled = outcome.failureKind === "cancelled";
		// The MCP rows are complete before the verdict is: whoever sees the verdict sees them all.
		await this.mcp.finish(cancelled ? null : outcome.passed);
		const verdictPatch = {
			status: cancelled ? ("cancelled" as const) : outcome.passed ? ("passed" as const) : ("failed" as const),
			passed: cancelled ? null : outcome.passed,
			failureKind: outcome.failureKind,
			error: outcome.passed ? null : outcome.summary,
			phaseTimings: this.timings,
			turns: this.tracker.turns,
			tries: [...(this.ctx.priorTries ?? []), ...this.tries],
			finishedAt: new Date(),
			...extras,
		};
		if (owner) {
			if (!(await store.tasks.updateOwned(taskId, owner, verdictPatch))) {
				this.ctx.log(`task ${taskId}: taken over while its verdict was written; this attempt's verdict is dropped`);
				return outcome;
			}
		} else {
			await store.tasks.update(taskId, verdictPatch);
		}
		if (!cancelled && outcome.failureKind !== "infra") {
			const verdict: TaskEvent = { eventName: outcome.passed ? "evalPass" : "evalFail", taskId };
			await store.events.append(run.id, taskId, [verdict]).catch(notes.catcher("storing the verdict event", taskId));
			await bus.publish(run.id, verdict).catch(notes.catcher("publishing the verdict event", taskId));
		}
		return outcome;
	}

	endTrace(): void {
		this.trace?.end();
	}

	async cleanUp(): Promise<void> {
		if (this.socketDir) await rm(this.socketDir, { recursive: true, force: true }).catch(() => {});
		if (this.dir && !this.ctx.keepWorkspace) {
			await rm(this.dir, { recursive: true, force: true }).catch(
				this.ctx.notes.catcher(`removing the workspace ${this.dir}`, this.task.id),
			);
		}
	}

	private async phase<T>(name: keyof typeof PHASE_SPANS, work: () => Promise<T>): Promise<T> {
		const start = Date.now();
		try {
			return await (this.trace ? this.trace.phase(PHASE_SPANS[name], work) : work());
		} finally {
			// Added up: a task with several tries is graded several times.
			this.timings[name] = (this.timings[name] ?? 0) + Date.now() - start;
		}
	}
}
