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
import { infraSignature } from "../observer/detectors/infra-cluster.js";
import { RunObserver } from "../observer/run-observer.js";
import type { SteeringTarget } from "../observer/steering.js";
import { getSandbox } from "../sandbox/registry.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { openRunTrace, type RunTrace } from "../telemetry/run-trace.js";
import { type AgentPool, runAgentPool } from "./agent-pool.js";
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
	/**
	 * Distributed mode: tasks go to this queue for `evals worker` processes instead of running
	 * here, and the controller follows the run in the store until every task has its verdict.
	 */
	dispatch?: TaskDispatcher;
}

/** Where a distributed controller puts tasks (BullMQ in practice; see worker/queue.ts). */
export interface TaskDispatcher {
	/** Idempotent: a task already queued or running is left as it is. */
	enqueue(tasks: Task[]): Promise<void>;
}

/** How often a distributed controller looks at its runs' tasks in the store. */
const FOLLOW_MS = 500;
/**
 * How often it enqueues the unfinished tasks again. Enqueueing is idempotent, so this only
 * matters for a job that was lost (Redis restarted without persistence, a job that failed for
 * good): its task is pending or running in the store and gets a new job.
 */
const REENQUEUE_MS = 10_000;

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
	/** Its warm agents, when its tasks reuse agent processes (never in distributed mode: the workers hold theirs). */
	agents: AgentPool | undefined;
	/** The queue its tasks wait in (shared by a group): its concurrency can be lowered while it runs. */
	queue: PQueue | undefined;
	/** Aborted when the run is paused: running attempts stop and go back to pending. */
	pause: AbortController;
	pausedReason: string | undefined;
	/** Infra failures (by signature) that are no longer retried. */
	noRetry: Set<string>;
	observer: RunObserver | undefined;
}

/**
 * Executes runs: a p-queue at the run's concurrency, infra failures retried as new attempts,
 * cancellation (also from other processes, through the store), and the run's totals at the end.
 * A run that a dead controller left behind is completed by `execute` again: every task ends with
 * exactly one verdict. Runs are created by `createRun` (plan.ts); liveness is `Liveness`'s job.
 */
export class Controller implements SteeringTarget {
	private readonly options: ControllerOptions;
	private readonly liveness: Liveness;
	private readonly running = new Map<number, AbortController>();
	/** What executes here, by run id: what steering acts on. */
	private readonly scopes = new Map<number, RunScope>();
	/** Tasks executing in this process, each attempt with its own abort linked to its run's. */
	private readonly runningTasks = new Map<number, AbortController>();
	/** Why a task was cancelled, kept as its error once its attempt has ended. */
	private readonly cancelReasons = new Map<number, string>();
	/** Running tasks to start again once their attempt is stopped. */
	private readonly restarts = new Set<number>();

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
			for (const scope of scopes) {
				// Distributed, there is no local queue: the workers' slots are the concurrency.
				scope.queue = this.options.dispatch ? undefined : queue;
				this.scopes.set(scope.run.id, scope);
			}
			// Before any task starts: a resumed run already past its budget pauses with none started.
			for (const scope of scopes) await this.startObserver(scope);
			if (this.options.dispatch) {
				await this.follow(scopes, this.options.dispatch);
			} else {
				const lists = await Promise.all(
					scopes.map(async (scope) => (await store.tasks.unfinished(scope.run.id)).map((task) => ({ task, scope }))),
				);
				for (const { task, scope } of interleave(lists)) void queue.add(() => this.runWithRetries(task, scope));
				await queue.onIdle();
			}
			const finished = new Map<number, Run>();
			for (const { run, abort, notes } of executions) {
				const latest = await store.runs.get(run.id);
				const scope = scopes.find((candidate) => candidate.run.id === run.id);
				const cancelled = abort.signal.aborted || latest?.status === "cancelled";
				const paused = !cancelled && (scope?.pausedReason !== undefined || latest?.status === "paused");
				const done = await store.runs.finish(
					run.id,
					cancelled ? "cancelled" : paused ? "paused" : "completed",
					notes.list(),
				);
				scope?.trace?.end(done);
				await scope?.observer?.finish(done).catch(notes.catcher("closing the observer"));
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
			for (const scope of scopes) {
				scope.observer?.stop();
				if (this.scopes.get(scope.run.id) === scope) this.scopes.delete(scope.run.id);
			}
			for (const execution of executions) execution.end();
			// After the runs are no longer executing here (they can be deleted at once), before
			// returning: no agent outlives the execution.
			await Promise.all(scopes.map((scope) => scope.agents?.close()));
			// Spans leave before the caller (the CLI) may exit.
			await Promise.all(scopes.map((scope) => scope.trace?.close()));
		}
	}

	/**
	 * Distributed mode: enqueues the runs' unfinished tasks (interleaved, as the local queue would
	 * run them) and waits until none is left, enqueueing again now and then in case a job was lost.
	 * A cancel needs nothing here: `cancel` marks the run in the store, workers see it and stop.
	 */
	private async follow(scopes: RunScope[], dispatch: TaskDispatcher): Promise<void> {
		const { store } = this.options;
		let enqueuedAt = 0;
		for (;;) {
			// A paused run stops here: its workers take none of its tasks while it is paused, finish
			// the ones they hold, and `evals resume` enqueues the rest again.
			const live = scopes.filter((scope) => scope.pausedReason === undefined);
			if (live.length === 0) return;
			const lists = await Promise.all(live.map((scope) => store.tasks.unfinished(scope.run.id)));
			if (lists.every((list) => list.length === 0)) return;
			if (Date.now() - enqueuedAt >= REENQUEUE_MS) {
				const cancelled = live.every((scope) => scope.abort.signal.aborted);
				if (!cancelled) await dispatch.enqueue(interleave(lists));
				enqueuedAt = Date.now();
			}
			await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
		}
	}

	/** Registers a run as executing here: its abort (linked to `outer`), notes and liveness. */
	private begin(run: Run, outer: AbortSignal | undefined) {
		const abort = new AbortController();
		this.running.set(run.id, abort);
		const onOuterAbort = () => abort.abort();
		outer?.addEventListener("abort", onOuterAbort, { once: true });
		const notes = new RunNotes(run.id, (message) => this.log(message));
		const stopWatching = this.liveness.watch(
			run.id,
			notes,
			() => {
				this.log(`run ${run.id}: cancel requested`);
				abort.abort();
			},
			() => {
				// Paused from another process (the API of a server sharing the store).
				const scope = this.scopes.get(run.id);
				if (!scope) return false;
				void this.pauseHere(scope, "paused from another process").catch(notes.catcher("pausing the run"));
				return true;
			},
		);
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
		// Distributed, a running task belongs to a worker, which may well be alive: if it is not,
		// BullMQ hands its job to another worker, which starts a new attempt.
		if (!this.options.dispatch) {
			const released = await store.tasks.releaseInterrupted(run.id);
			if (released > 0) this.log(`run ${run.id}: ${released} task(s) a stopped controller left running start again`);
		}
		const current = await store.runs.update(run.id, {
			status: "running",
			startedAt: run.startedAt ?? new Date(),
			finishedAt: null,
			controllerPid: process.pid,
			controllerHost: hostname(),
		});
		if (!current) throw new RunStateError(`Run ${run.id} was deleted while starting.`);
		const trace = await openRunTrace(current);
		const agents = this.options.dispatch
			? undefined
			: runAgentPool({
					run: current,
					adapter,
					sandbox,
					workRoot,
					env: this.options.env,
					log: (message) => this.log(`run ${run.id}: ${message}`),
					keep: this.options.keepWorkspaces,
				});
		return {
			run: current,
			suite,
			adapter,
			sandbox,
			workRoot,
			abort,
			notes,
			queuedAt: Date.now(),
			mcpServers,
			trace,
			agents,
			queue: undefined,
			pause: new AbortController(),
			pausedReason: undefined,
			noRetry: new Set(),
			observer: undefined,
		};
	}

	/** The run's observer, when it has a session: looks once, then keeps watching while it runs. */
	private async startObserver(scope: RunScope): Promise<void> {
		const { store, evalsHome, env } = this.options;
		const observer = await RunObserver.open(scope.run, {
			store,
			steering: this,
			evalsHome,
			env,
			log: (message) => this.log(message),
		}).catch((error) => {
			scope.notes.failed("opening the observer", error);
			return undefined;
		});
		if (!observer) return;
		scope.observer = observer;
		await observer.start().catch(scope.notes.catcher("starting the observer"));
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
		if (run.status === "pending" || run.status === "running" || run.status === "paused") {
			await store.runs.update(runId, { status: "cancelled" });
		}
		await store.tasks.cancelPending(runId);
	}

	/** Whether this controller is executing the run right now. */
	isExecuting(runId: number): boolean {
		return this.running.has(runId);
	}

	/**
	 * Cancels one task and leaves the rest of its run alone. A pending task is marked cancelled
	 * (its queue slot skips it); a running one must be executing here (the abort reaches only
	 * this process's runner) or on an `evals worker` (which watches the row).
	 */
	async cancelTask(taskId: number, reason?: string): Promise<Task> {
		const { store } = this.options;
		const task = await store.tasks.get(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		const local = this.runningTasks.get(taskId);
		if (task.status === "pending") {
			await store.tasks.update(taskId, {
				status: "cancelled",
				failureKind: "cancelled",
				finishedAt: new Date(),
				...(reason ? { error: reason } : {}),
			});
		} else if (task.status === "running" && !local && task.worker !== null) {
			// A worker holds it: the store carries the cancel, and the worker stops the task within
			// a second (it watches its tasks' rows) and records it cancelled under its own claim.
			await store.tasks.update(taskId, {
				status: "cancelled",
				failureKind: "cancelled",
				passed: null,
				...(reason ? { error: reason } : {}),
			});
		} else if (task.status === "running" && !local) {
			throw new RunBusyError(
				`Task ${taskId} is running in another process; cancel its run there, or with "evals cancel ${task.runId}".`,
			);
		} else if (task.status !== "running") {
			throw new RunStateError(`Task ${taskId} has already finished (${task.status}).`);
		}
		if (local && reason) this.cancelReasons.set(taskId, reason);
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

	// ------------------------------------------------------------------------------ steering
	// What the observer (or a person, through the API) may do to a run executing here. Each
	// returns what it changed, for the recommendation's outcome; RunBusyError means "not here".

	/** Cancels a task; its row keeps the reason as its error. */
	async cancelTaskFor(taskId: number, reason: string): Promise<string> {
		const task = await this.cancelTask(taskId, reason);
		return `task ${taskId} cancelled (was ${task.status === "cancelled" ? "pending" : "running"}): ${reason}`;
	}

	/** Stops a running attempt and starts the task again in the same slot. */
	async restartTask(taskId: number, reason: string): Promise<string> {
		const task = await this.options.store.tasks.get(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		const local = this.runningTasks.get(taskId);
		if (task.status !== "running")
			throw new RunStateError(`Task ${taskId} is ${task.status}, not running: nothing to restart.`);
		if (!local) throw new RunBusyError(`Task ${taskId} is running in another process; restart it there.`);
		this.restarts.add(taskId);
		local.abort();
		this.log(`task ${taskId}: restart requested (${reason})`);
		return `task ${taskId}: attempt ${task.attempt} stopped, a new attempt starts`;
	}

	/** Sets how many tasks run at once (the whole group's queue for runs executed together). */
	async setConcurrency(runId: number, concurrency: number): Promise<string> {
		const scope = this.scopes.get(runId);
		if (scope && this.options.dispatch) {
			throw new RunStateError(
				`Run ${runId} is distributed: its concurrency is the workers' slots; start or stop "evals worker" processes instead.`,
			);
		}
		if (!scope?.queue) throw new RunBusyError(`Run ${runId} is not executing in this process.`);
		const from = scope.queue.concurrency;
		const to = Math.max(1, Math.min(concurrency, 25));
		scope.queue.concurrency = to;
		await this.options.store.runs.update(runId, { concurrency: to });
		this.log(`run ${runId}: concurrency ${from} -> ${to}`);
		return `concurrency ${from} → ${to}: running tasks finish, no more than ${to} run at once`;
	}

	/**
	 * Pauses a run: no task starts, running attempts stop and go back to pending (their cost is
	 * kept as discarded spend), finished verdicts stay; `evals resume` continues it. A run
	 * executing in another process is marked paused in the store and its controller follows.
	 */
	async pauseRun(runId: number, reason: string): Promise<string> {
		const scope = this.scopes.get(runId);
		if (scope) return this.pauseHere(scope, reason);
		const { store } = this.options;
		const run = await store.runs.get(runId);
		if (!run) throw new RunStateError(`There is no run ${runId}.`);
		if (run.status !== "running" && run.status !== "pending") {
			throw new RunStateError(`Run ${runId} is ${run.status}: only a running run can be paused.`);
		}
		await store.runs.update(runId, { status: "paused" });
		return `run ${runId} marked paused: the process executing it stops its tasks within a second`;
	}

	private async pauseHere(scope: RunScope, reason: string): Promise<string> {
		const runId = scope.run.id;
		if (scope.pausedReason !== undefined) return `run ${runId} was already paused (${scope.pausedReason})`;
		if (scope.abort.signal.aborted) throw new RunStateError(`Run ${runId} is being cancelled.`);
		scope.pausedReason = reason;
		const { store } = this.options;
		const [running, pending] = await Promise.all([
			store.tasks.list(runId, { status: "running" }),
			store.tasks.list(runId, { status: "pending" }),
		]);
		await store.runs.update(runId, { status: "paused" });
		scope.pause.abort();
		this.log(`run ${runId}: paused (${reason})`);
		return `run ${runId} paused: ${running.length} running task(s) stopped and back to pending, ${pending.length} waiting; continue with "evals resume ${runId}"`;
	}

	async stopRun(runId: number, reason: string): Promise<string> {
		await this.cancel(runId);
		this.log(`run ${runId}: stopped (${reason})`);
		return `run ${runId} cancelled: ${reason}`;
	}

	async stopInfraRetries(runId: number, signature: string): Promise<string> {
		const scope = this.scopes.get(runId);
		if (!scope) throw new RunBusyError(`Run ${runId} is not executing in this process.`);
		scope.noRetry.add(signature);
		return `infra failures "${signature}" are no longer retried in run ${runId}`;
	}

	private async runWithRetries(task: Task, scope: RunScope): Promise<void> {
		const { store } = this.options;
		// A paused run starts nothing: its queued tasks stay pending for `evals resume`.
		if (scope.pausedReason !== undefined) return;
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
		let attempt = this.registerAttempt(task.id, scope);
		try {
			// Read again once registered: cancelTask may have cancelled it while it was queued.
			if ((await store.tasks.get(task.id))?.status !== "pending") return;
			let current: Task = { ...task, queueWaitMs: Date.now() - scope.queuedAt };
			for (;;) {
				const { signal } = attempt.abort;
				const outcome = await this.liveness
					.withRunner(scope.run, current, scope.notes, () => this.runOnce(current, exercise, scope, signal))
					.finally(() => attempt.release());
				const attempts = current.attempt + 1;
				scope.observer?.noteAttempt(task.id, attempts, outcome);
				const stopped = outcome.failureKind === "cancelled" && !scope.abort.signal.aborted;
				if (stopped && this.restarts.delete(task.id) && scope.pausedReason === undefined) {
					await this.discardAttempt(task.id, scope);
					this.log(`run ${scope.run.id} task ${task.id}: restarted`);
					current = { ...current, attempt: attempts };
					attempt = this.registerAttempt(task.id, scope);
					continue;
				}
				if (stopped && scope.pausedReason !== undefined && !this.cancelReasons.has(task.id)) {
					// Stopped by the pause: back to pending, so the resumed run grades it exactly once.
					await this.discardAttempt(task.id, scope);
					await store.tasks.reset(task.id);
					return;
				}
				const reason = this.cancelReasons.get(task.id);
				if (reason !== undefined && outcome.failureKind === "cancelled") {
					await store.tasks.update(task.id, { error: reason });
				}
				if (!shouldRetry(outcome, attempts, signal, scope.noRetry)) return;
				this.log(`run ${scope.run.id} task ${task.id}: infra failure (${outcome.summary}); retrying`);
				await new Promise((resolve) =>
					setTimeout(resolve, (this.options.retryBackoffMs ?? 1_000) * 2 ** (attempts - 1)),
				);
				// A pause, a cancel or a stop of this failure's retries may have come during the backoff.
				if (scope.pausedReason !== undefined) {
					// The failure was not final: the resumed run tries again.
					await store.tasks.reset(task.id);
					return;
				}
				if (scope.abort.signal.aborted) return;
				if (scope.noRetry.has(infraSignature(outcome.summary))) return;
				current = { ...current, attempt: attempts };
				attempt = this.registerAttempt(task.id, scope);
			}
		} finally {
			attempt.release();
			this.restarts.delete(task.id);
			this.cancelReasons.delete(task.id);
		}
	}

	/**
	 * An attempt's abort, linked to its run's cancel and pause, registered so cancelTask and
	 * restartTask reach it; `release` unlinks it (safe to call twice).
	 */
	private registerAttempt(taskId: number, scope: RunScope): { abort: AbortController; release: () => void } {
		const abort = new AbortController();
		const stop = () => abort.abort();
		scope.abort.signal.addEventListener("abort", stop, { once: true });
		scope.pause.signal.addEventListener("abort", stop, { once: true });
		if (scope.abort.signal.aborted || scope.pause.signal.aborted) stop();
		this.runningTasks.set(taskId, abort);
		return {
			abort,
			release: () => {
				scope.abort.signal.removeEventListener("abort", stop);
				scope.pause.signal.removeEventListener("abort", stop);
				if (this.runningTasks.get(taskId) === abort) this.runningTasks.delete(taskId);
			},
		};
	}

	/** The cost of an attempt that was stopped and will not count: kept as the observer's discarded spend. */
	private async discardAttempt(taskId: number, scope: RunScope): Promise<void> {
		const { store } = this.options;
		const task = await store.tasks.get(taskId);
		const metrics = task?.taskMetricsId ? await store.metrics.get(task.taskMetricsId) : undefined;
		if (metrics && metrics.cost > 0) {
			await store.observer
				.addDiscarded(scope.run.id, metrics.cost)
				.catch(scope.notes.catcher("keeping a stopped attempt's cost", taskId));
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
			agents: scope.agents,
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

function shouldRetry(outcome: TaskOutcome, attempts: number, signal: AbortSignal, noRetry: Set<string>): boolean {
	return (
		outcome.failureKind === "infra" &&
		attempts < MAX_INFRA_ATTEMPTS &&
		!signal.aborted &&
		!noRetry.has(infraSignature(outcome.summary))
	);
}
