import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { isFinalRunStatus, type Settings } from "@agent-evals/types";
import PQueue from "p-queue";
import type { Bus } from "../bus/index.js";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import type { Exercise, Suite } from "../exercises/types.js";
import { type RunMcpServers, runMcpServers } from "../mcp/run-servers.js";
import { getSandbox } from "../sandbox/registry.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { openRunTrace, type RunTrace } from "../telemetry/run-trace.js";
import type { AgentAdapter } from "./agents/adapter.js";
import { getAgentAdapter } from "./agents/registry.js";
import { FALLBACK_PROMPT, MAX_INFRA_ATTEMPTS } from "./defaults.js";
import { RunBusyError, RunStateError } from "./errors.js";
import { Liveness } from "./liveness.js";
import { RunNotes } from "./run-notes.js";
import { runTask, type TaskOutcome } from "./task-runner.js";

export interface ControllerOptions {
	store: Store;
	bus: Bus;
	evalsHome: string;
	log?: (message: string) => void;
	/** Environment for agents (provider keys come from here, never from the database). */
	env?: NodeJS.ProcessEnv;
	keepWorkspaces?: boolean;
	/** Backoff before retrying an infra failure; doubled each attempt. */
	retryBackoffMs?: number;
}

/** What every task of one execution of a run shares. */
interface RunScope {
	run: Run;
	suite: Suite;
	adapter: AgentAdapter;
	sandbox: Sandbox;
	workRoot: string;
	abort: AbortController;
	notes: RunNotes;
	queuedAt: number;
	mcpServers: RunMcpServers | undefined;
	/** Its spans' parent when the run is traced. */
	trace: RunTrace | undefined;
}

/**
 * Executes runs: a p-queue at the run's concurrency, infra failures retried as new attempts,
 * cancellation (also from other processes, through the store), and the run's totals at the end.
 * A run that a dead controller left behind is completed by `execute` again: every task ends with
 * exactly one verdict. Runs are created by `createRun` (plan.ts); liveness is `Liveness`'s job.
 */
export class Controller {
	private readonly options: ControllerOptions;
	private readonly liveness: Liveness;
	private readonly running = new Map<number, AbortController>();
	/** Tasks executing in this process, each with its own abort linked to its run's. */
	private readonly runningTasks = new Map<number, AbortController>();

	constructor(options: ControllerOptions) {
		this.options = options;
		this.liveness = new Liveness(options.store, options.bus.coordination);
	}

	/**
	 * Runs every unfinished task of the run and finishes it. Safe to call on a run whose
	 * controller died: tasks it left running start again; finished ones are never re-run.
	 */
	async execute(runId: number, hooks: { signal?: AbortSignal } = {}): Promise<Run> {
		const [run] = await this.executeGroup([runId], hooks);
		if (!run) throw new RunStateError(`There is no run ${runId}.`);
		return run;
	}

	/**
	 * Executes runs made to be compared (an MCP A/B) in one queue, their tasks interleaved so
	 * that load and time of day weigh on every run alike. Each run keeps its own cancel, notes and
	 * totals. Returns the runs as finished, in the order given.
	 */
	async executeGroup(runIds: number[], hooks: { signal?: AbortSignal } = {}): Promise<Run[]> {
		const { store } = this.options;
		const runs: Run[] = [];
		for (const id of runIds) {
			const run = await store.runs.get(id);
			if (!run) throw new RunStateError(`There is no run ${id}.`);
			runs.push(run);
		}
		const active: Run[] = [];
		for (const run of runs) {
			if (isFinalRunStatus(run.status) && (await store.tasks.unfinished(run.id)).length === 0) continue;
			await this.liveness.ensureNotBusy(run);
			active.push(run);
		}
		if (active.length === 0) return runs;
		const executions = active.map((run) => this.begin(run, hooks.signal));
		const scopes: RunScope[] = [];
		try {
			for (const execution of executions)
				scopes.push(await this.prepare(execution.run, execution.abort, execution.notes));
			const queue = new PQueue({ concurrency: Math.max(...scopes.map((scope) => scope.run.concurrency)) });
			const lists = await Promise.all(
				scopes.map(async (scope) => (await store.tasks.unfinished(scope.run.id)).map((task) => ({ task, scope }))),
			);
			for (const { task, scope } of interleave(lists)) void queue.add(() => this.runWithRetries(task, scope));
			await queue.onIdle();
			const finished = new Map<number, Run>();
			for (const { run, abort, notes } of executions) {
				const latest = await store.runs.get(run.id);
				const cancelled = abort.signal.aborted || latest?.status === "cancelled";
				const done = await store.runs.finish(run.id, cancelled ? "cancelled" : "completed", notes.list());
				scopes.find((scope) => scope.run.id === run.id)?.trace?.end(done);
				finished.set(run.id, done);
			}
			return runs.map((run) => finished.get(run.id) ?? run);
		} catch (error) {
			for (const { run, notes } of executions) {
				if (await store.runs.get(run.id)) {
					await store.runs.finish(run.id, "failed", notes.list()).catch(notes.catcher("marking the run failed"));
				}
			}
			throw error;
		} finally {
			for (const execution of executions) execution.end();
			// Spans leave before the caller (the CLI) may exit.
			await Promise.all(scopes.map((scope) => scope.trace?.close()));
		}
	}

	/** Registers a run as executing here: its abort (linked to `outer`), notes and liveness. */
	private begin(run: Run, outer: AbortSignal | undefined) {
		const abort = new AbortController();
		this.running.set(run.id, abort);
		const onOuterAbort = () => abort.abort();
		outer?.addEventListener("abort", onOuterAbort, { once: true });
		const notes = new RunNotes(run.id, (message) => this.log(message));
		const stopWatching = this.liveness.watch(run.id, notes, () => {
			this.log(`run ${run.id}: cancel requested`);
			abort.abort();
		});
		return {
			run,
			abort,
			notes,
			end: () => {
				stopWatching();
				outer?.removeEventListener("abort", onOuterAbort);
				this.running.delete(run.id);
			},
		};
	}

	/** Loads what the run's tasks need and marks the run running under this process. */
	private async prepare(run: Run, abort: AbortController, notes: RunNotes): Promise<RunScope> {
		const { store } = this.options;
		const suite = await loadSuite(run.suite);
		const adapter = getAgentAdapter(run.agent);
		const sandbox = getSandbox(run.sandbox);
		const mcpServers = runMcpServers(run);
		const workRoot = join(this.options.evalsHome, "work");
		await mkdir(workRoot, { recursive: true });
		const released = await store.tasks.releaseInterrupted(run.id);
		if (released > 0) this.log(`run ${run.id}: ${released} task(s) a stopped controller left running start again`);
		const current = await store.runs.update(run.id, {
			status: "running",
			startedAt: run.startedAt ?? new Date(),
			finishedAt: null,
			controllerPid: process.pid,
			controllerHost: hostname(),
		});
		if (!current) throw new RunStateError(`Run ${run.id} was deleted while starting.`);
		const trace = await openRunTrace(current);
		return { run: current, suite, adapter, sandbox, workRoot, abort, notes, queuedAt: Date.now(), mcpServers, trace };
	}

	/**
	 * Cancels a run: running tasks are stopped (their agents get CancelTask, then are killed),
	 * queued ones never start. Works for a run executing in another process too: the store
	 * carries the request and that controller sees it within a second.
	 */
	async cancel(runId: number): Promise<void> {
		const { store } = this.options;
		const run = await store.runs.get(runId);
		if (!run) throw new RunStateError(`There is no run ${runId}.`);
		this.running.get(runId)?.abort();
		if (run.status === "pending" || run.status === "running") await store.runs.update(runId, { status: "cancelled" });
		await store.tasks.cancelPending(runId);
	}

	/** Whether this controller is executing the run right now. */
	isExecuting(runId: number): boolean {
		return this.running.has(runId);
	}

	/**
	 * Cancels one task and leaves the rest of its run alone. A pending task is marked cancelled
	 * (its queue slot skips it); a running one must be executing here, since the abort reaches
	 * only this process's runner.
	 */
	async cancelTask(taskId: number): Promise<Task> {
		const { store } = this.options;
		const task = await store.tasks.get(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		const local = this.runningTasks.get(taskId);
		if (task.status === "pending") {
			await store.tasks.update(taskId, { status: "cancelled", failureKind: "cancelled", finishedAt: new Date() });
		} else if (task.status === "running" && !local) {
			throw new RunBusyError(
				`Task ${taskId} is running in another process; cancel its run there, or with "evals cancel ${task.runId}".`,
			);
		} else if (task.status !== "running") {
			throw new RunStateError(`Task ${taskId} has already finished (${task.status}).`);
		}
		// After the store write: a runner starting right now either sees "cancelled" or this abort.
		local?.abort();
		return (await store.tasks.get(taskId)) ?? task;
	}

	/**
	 * Puts a finished task back to pending, verdict and results cleared (the attempt count is
	 * kept), so the next `execute` of its run does it again.
	 */
	async requeueTask(taskId: number): Promise<Task> {
		const { store } = this.options;
		const task = await store.tasks.get(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		if (task.status === "pending" || task.status === "running") {
			throw new RunStateError(`Task ${taskId} is ${task.status}, not finished: there is nothing to requeue.`);
		}
		return (await store.tasks.reset(taskId)) ?? task;
	}

	private async runWithRetries(task: Task, scope: RunScope): Promise<void> {
		const { store } = this.options;
		if (scope.abort.signal.aborted) {
			await store.tasks.update(task.id, { status: "cancelled", failureKind: "cancelled", finishedAt: new Date() });
			return;
		}
		const exercise = scope.suite.exercises.find((e) => e.language === task.language && e.name === task.exercise);
		if (!exercise) {
			await store.tasks.update(task.id, {
				status: "failed",
				passed: false,
				failureKind: "infra",
				error: `${task.language}/${task.exercise} is no longer in ${scope.suite.root}`,
				finishedAt: new Date(),
			});
			return;
		}
		const taskAbort = new AbortController();
		const onRunAbort = () => taskAbort.abort();
		scope.abort.signal.addEventListener("abort", onRunAbort, { once: true });
		this.runningTasks.set(task.id, taskAbort);
		try {
			// Read again once registered: cancelTask may have cancelled it while it was queued.
			if ((await store.tasks.get(task.id))?.status !== "pending") return;
			let current: Task = { ...task, queueWaitMs: Date.now() - scope.queuedAt };
			for (;;) {
				const outcome = await this.liveness.withRunner(scope.run, current, scope.notes, () =>
					this.runOnce(current, exercise, scope, taskAbort.signal),
				);
				const attempts = current.attempt + 1;
				if (!shouldRetry(outcome, attempts, taskAbort.signal)) return;
				this.log(`run ${scope.run.id} task ${task.id}: infra failure (${outcome.summary}); retrying`);
				await new Promise((resolve) =>
					setTimeout(resolve, (this.options.retryBackoffMs ?? 1_000) * 2 ** (attempts - 1)),
				);
				current = { ...current, attempt: attempts };
			}
		} finally {
			scope.abort.signal.removeEventListener("abort", onRunAbort);
			this.runningTasks.delete(task.id);
		}
	}

	private runOnce(task: Task, exercise: Exercise, scope: RunScope, signal: AbortSignal): Promise<TaskOutcome> {
		const { run } = scope;
		return runTask(task, {
			store: this.options.store,
			bus: this.options.bus,
			run,
			exercise,
			prompt:
				run.prompts?.tasks?.[exercise.language]?.text ?? scope.suite.prompts[exercise.language] ?? FALLBACK_PROMPT,
			adapter: scope.adapter,
			sandbox: scope.sandbox,
			settings: run.settings as Settings,
			timeoutMs: run.timeout * 60_000,
			gradeTimeoutMs: run.commandTimeout * 1000,
			workRoot: scope.workRoot,
			signal,
			log: (message) => this.log(`run ${run.id} task ${task.id}: ${message}`),
			notes: scope.notes,
			mcpServers: scope.mcpServers,
			keepWorkspace: this.options.keepWorkspaces,
			env: this.options.env,
			trace: scope.trace,
		});
	}

	private log(message: string): void {
		this.options.log?.(message);
	}
}

/** Round-robin over lists: the first of each, then the second of each, … */
export function interleave<T>(lists: T[][]): T[] {
	const out: T[] = [];
	const longest = Math.max(0, ...lists.map((list) => list.length));
	for (let i = 0; i < longest; i++) {
		for (const list of lists) {
			const item = list[i];
			if (item !== undefined) out.push(item);
		}
	}
	return out;
}

function shouldRetry(outcome: TaskOutcome, attempts: number, signal: AbortSignal): boolean {
	return outcome.failureKind === "infra" && attempts < MAX_INFRA_ATTEMPTS && !signal.aborted;
}
