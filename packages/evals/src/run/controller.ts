import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { processAlive } from "@agent-evals/agent/process-tree";
import { type RunConfig, redactSettings, type Settings } from "@agent-evals/types";
import type { Redis } from "ioredis";
import PQueue from "p-queue";
import type { Bus } from "../bus/index.js";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import { selectExercises } from "../exercises/select.js";
import type { Exercise, Language, Suite } from "../exercises/types.js";
import { getSandbox } from "../sandbox/registry.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { AgentAdapter } from "./agents/adapter.js";
import { getAgentAdapter } from "./agents/registry.js";
import {
	bundledSuitePath,
	FALLBACK_PROMPT,
	HEARTBEAT_MS,
	HEARTBEAT_TTL_S,
	MAX_INFRA_ATTEMPTS,
	STALE_HEARTBEAT_MS,
} from "./defaults.js";
import { modelPricing, parseModelSpec } from "./model-spec.js";
import { describe, runTask, type TaskOutcome } from "./task-runner.js";

export interface ControllerOptions {
	store: Store;
	bus: Bus;
	/** Redis connection for the heartbeat key and runner registry, when running on Redis. */
	redis?: Redis;
	evalsHome: string;
	log?: (message: string) => void;
	sandbox?: Sandbox;
	/** Environment for agents (provider keys come from here, never from the database). */
	env?: NodeJS.ProcessEnv;
	keepWorkspaces?: boolean;
	/** Backoff before retrying an infra failure; doubled each attempt. */
	retryBackoffMs?: number;
	/** Adapters by name that take precedence over the registry (custom agents, tests). */
	adapters?: Record<string, AgentAdapter>;
}

/** Somebody else is running this run right now. */
export class RunBusyError extends Error {}

/** The run cannot be found or the request does not make sense for it. */
export class RunStateError extends Error {}

/**
 * Creates runs and executes their tasks: a p-queue with the run's concurrency, infra failures
 * retried as new attempts, cancellation (also from other processes, through the store), the
 * heartbeat and runner registry, and the run's totals at the end. A run that a dead controller
 * left behind is completed by `execute` again: every task ends with exactly one verdict.
 */
export class Controller {
	private readonly options: ControllerOptions;
	private readonly running = new Map<number, AbortController>();
	/** Tasks executing in this process, each with its own abort linked to its run's. */
	private readonly runningTasks = new Map<number, AbortController>();

	constructor(options: ControllerOptions) {
		this.options = options;
	}

	/** Chooses the exercises, checks the agent and model, and stores the run with its tasks. */
	async createRun(config: RunConfig): Promise<{ run: Run; tasks: Task[]; suite: Suite }> {
		const spec = parseModelSpec(config.model);
		const adapter = this.adapter(config.agent);
		const suitePath = config.suite ?? bundledSuitePath();
		const suite = await loadSuite(suitePath);
		const exercises = chooseExercises(suite, config);
		if (exercises.length === 0) throw new RunStateError(`No exercises selected from ${suite.root}.`);
		const unavailable = await adapter.unavailableReason();
		if (unavailable) throw new RunStateError(`The ${adapter.name} agent cannot run here: ${unavailable}`);
		const settings: Settings = { ...config.settings, ...spec.settings };
		const { store } = this.options;
		const run = await store.createRun({
			model: config.model,
			provider: spec.provider,
			name: config.name ?? null,
			description: config.description ?? null,
			agent: adapter.name,
			suite: suite.root,
			settings: redactSettings(settings),
			concurrency: config.concurrency,
			timeout: config.timeoutMinutes,
			commandTimeout: config.commandTimeoutSeconds,
			iterations: config.iterations,
			...modelPricing(spec),
		});
		const keys = exercises.flatMap((exercise) =>
			Array.from({ length: config.iterations }, (_, i) => ({
				language: exercise.language,
				exercise: exercise.name,
				iteration: i + 1,
			})),
		);
		const tasks = await store.createTasks(run.id, keys);
		return { run, tasks, suite };
	}

	/**
	 * Runs every unfinished task of the run and finishes it. Safe to call on a run whose
	 * controller died: tasks it left running start again; finished ones are never re-run.
	 */
	async execute(runId: number, hooks: { signal?: AbortSignal } = {}): Promise<Run> {
		const { store } = this.options;
		const run = await store.getRun(runId);
		if (!run) throw new RunStateError(`There is no run ${runId}.`);
		if (run.status === "completed" || run.status === "cancelled" || run.status === "failed") {
			const unfinished = await store.unfinishedTasks(runId);
			if (unfinished.length === 0) return run;
		}
		await this.ensureNotBusy(run);
		const abort = new AbortController();
		this.running.set(runId, abort);
		const onOuterAbort = () => abort.abort();
		hooks.signal?.addEventListener("abort", onOuterAbort, { once: true });
		const stopWatching = this.watch(runId, abort);
		try {
			const suite = await loadSuite(run.suite);
			const adapter = this.adapter(run.agent);
			const sandbox = this.options.sandbox ?? getSandbox("local");
			const workRoot = join(this.options.evalsHome, "work");
			await mkdir(workRoot, { recursive: true });
			for (const task of await store.listTasks(runId, { status: "running" })) {
				await store.updateTask(task.id, { status: "pending" }); // left by a controller that died
			}
			const startedAt = run.startedAt ?? new Date();
			const current = (await store.updateRun(runId, {
				status: "running",
				startedAt,
				finishedAt: null,
				controllerPid: process.pid,
				controllerHost: hostname(),
			})) as Run;
			await store.heartbeat(runId, process.pid);
			const queue = new PQueue({ concurrency: run.concurrency });
			const pending = await store.unfinishedTasks(runId);
			const queuedAt = Date.now();
			for (const task of pending) {
				void queue.add(() =>
					this.runWithRetries(task, { run: current, suite, adapter, sandbox, workRoot, abort, queuedAt }),
				);
			}
			await queue.onIdle();
			const latest = await store.getRun(runId);
			const cancelled = abort.signal.aborted || latest?.status === "cancelled";
			return await store.finishRun(runId, cancelled ? "cancelled" : "completed");
		} catch (error) {
			if (await store.getRun(runId)) await store.finishRun(runId, "failed").catch(() => undefined);
			throw error;
		} finally {
			stopWatching();
			hooks.signal?.removeEventListener("abort", onOuterAbort);
			this.running.delete(runId);
		}
	}

	/**
	 * Cancels a run: running tasks are stopped (their agents get CancelTask, then are killed),
	 * queued ones never start. Works for a run executing in another process too: the store
	 * carries the request and that controller sees it within a second.
	 */
	async cancel(runId: number): Promise<void> {
		const run = await this.options.store.getRun(runId);
		if (!run) throw new RunStateError(`There is no run ${runId}.`);
		this.running.get(runId)?.abort();
		if (run.status === "pending" || run.status === "running") {
			await this.options.store.updateRun(runId, { status: "cancelled" });
		}
		for (const task of await this.options.store.listTasks(runId, { status: "pending" })) {
			await this.options.store.updateTask(task.id, { status: "cancelled", failureKind: "cancelled" });
		}
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
		const task = await store.getTask(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		const local = this.runningTasks.get(taskId);
		if (task.status === "pending") {
			await store.updateTask(taskId, { status: "cancelled", failureKind: "cancelled", finishedAt: new Date() });
		} else if (task.status === "running" && !local) {
			throw new RunBusyError(
				`Task ${taskId} is running in another process; cancel its run there, or with "evals cancel ${task.runId}".`,
			);
		} else if (task.status !== "running") {
			throw new RunStateError(`Task ${taskId} has already finished (${task.status}).`);
		}
		// After the store write: a runner starting right now either sees "cancelled" or this abort.
		local?.abort();
		return (await store.getTask(taskId)) ?? task;
	}

	/**
	 * Puts a finished task back to pending, verdict and results cleared (the attempt count is
	 * kept), so the next `execute` of its run does it again.
	 */
	async requeueTask(taskId: number): Promise<Task> {
		const { store } = this.options;
		const task = await store.getTask(taskId);
		if (!task) throw new RunStateError(`There is no task ${taskId}.`);
		if (task.status === "pending" || task.status === "running") {
			throw new RunStateError(`Task ${taskId} is ${task.status}, not finished: there is nothing to requeue.`);
		}
		if (task.taskMetricsId !== null) {
			// Zeroed rather than unlinked: the run's live totals must not count the old attempt.
			await store.saveTaskMetrics(taskId, {
				tokensIn: 0,
				tokensOut: 0,
				tokensContext: 0,
				cacheWrites: 0,
				cacheReads: 0,
				cost: 0,
				duration: 0,
				toolUsage: {},
			});
		}
		const reset = await store.updateTask(taskId, {
			status: "pending",
			passed: null,
			failureKind: null,
			error: null,
			startedAt: null,
			finishedAt: null,
			queueWaitMs: null,
			phaseTimings: null,
			testOutput: null,
			workspaceDiff: null,
			testsTampered: false,
		});
		return reset ?? task;
	}

	private async runWithRetries(
		task: Task,
		scope: {
			run: Run;
			suite: Suite;
			adapter: AgentAdapter;
			sandbox: Sandbox;
			workRoot: string;
			abort: AbortController;
			queuedAt: number;
		},
	): Promise<void> {
		const { store } = this.options;
		if (scope.abort.signal.aborted) {
			await store.updateTask(task.id, { status: "cancelled", failureKind: "cancelled", finishedAt: new Date() });
			return;
		}
		const exercise = scope.suite.exercises.find((e) => e.language === task.language && e.name === task.exercise);
		if (!exercise) {
			await store.updateTask(task.id, {
				status: "failed",
				passed: false,
				failureKind: "infra",
				error: `${task.language}/${task.exercise} is no longer in ${scope.suite.root}`,
				finishedAt: new Date(),
			});
			return;
		}
		const taskAbort = new AbortController();
		const signal = taskAbort.signal;
		const onRunAbort = () => taskAbort.abort();
		scope.abort.signal.addEventListener("abort", onRunAbort, { once: true });
		this.runningTasks.set(task.id, taskAbort);
		try {
			// Read again once registered: cancelTask may have cancelled it while it was queued.
			if ((await store.getTask(task.id))?.status !== "pending") return;
			const waited = Date.now() - scope.queuedAt;
			let current: Task = { ...task, queueWaitMs: waited };
			for (;;) {
				const outcome = await this.withRunnerRegistration(scope.run, current, () =>
					runTask(current, {
						store,
						bus: this.options.bus,
						run: scope.run,
						exercise,
						prompt: scope.suite.prompts[exercise.language as Language] ?? FALLBACK_PROMPT,
						adapter: scope.adapter,
						sandbox: scope.sandbox,
						settings: (scope.run.settings ?? {}) as Settings,
						timeoutMs: scope.run.timeout * 60_000,
						gradeTimeoutMs: scope.run.commandTimeout * 1000,
						workRoot: scope.workRoot,
						signal,
						log: (message) => this.log(`run ${scope.run.id} task ${task.id}: ${message}`),
						keepWorkspace: this.options.keepWorkspaces,
						env: this.options.env,
					}),
				);
				const attempts = (current.attempt ?? 0) + 1;
				if (!shouldRetry(outcome, attempts, signal)) return;
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

	/** Redis set `runners:<runId>` lists the tasks in flight and their host, as upstream does. */
	private async withRunnerRegistration<T>(run: Run, task: Task, work: () => Promise<T>): Promise<T> {
		const redis = this.options.redis;
		const member = `task-${task.id}:${hostname()}`;
		const key = `runners:${run.id}`;
		if (redis) {
			await redis
				.multi()
				.sadd(key, member)
				.expire(key, run.timeout * 60)
				.exec()
				.catch(() => undefined);
		}
		try {
			return await work();
		} finally {
			await redis?.srem(key, member).catch(() => undefined);
		}
	}

	/** Heartbeat every few seconds; and notice a cancel requested by another process. */
	private watch(runId: number, abort: AbortController): () => void {
		const { store, redis } = this.options;
		const beat = async () => {
			await store.heartbeat(runId, process.pid).catch(() => undefined);
			await redis?.set(`heartbeat:${runId}`, String(process.pid), "EX", HEARTBEAT_TTL_S).catch(() => undefined);
		};
		void beat();
		const heartbeat = setInterval(beat, HEARTBEAT_MS);
		const poll = setInterval(async () => {
			const run = await store.getRun(runId).catch(() => undefined);
			if (run?.status === "cancelled" && !abort.signal.aborted) {
				this.log(`run ${runId}: cancel requested`);
				abort.abort();
			}
		}, 1_000);
		return () => {
			clearInterval(heartbeat);
			clearInterval(poll);
			void redis?.del(`heartbeat:${runId}`).catch(() => undefined);
		};
	}

	/**
	 * A run is busy while its controller's heartbeat is fresh; on this host we can do better and
	 * ask whether that process is still alive, so a killed controller can be resumed at once.
	 */
	private async ensureNotBusy(run: Run): Promise<void> {
		if (run.status !== "running" || !run.controllerPid || !run.heartbeatAt) return;
		if (run.controllerPid === process.pid && run.controllerHost === hostname()) return;
		const fresh = Date.now() - run.heartbeatAt.getTime() < STALE_HEARTBEAT_MS;
		const deadHere = run.controllerHost === hostname() && !(await processAlive(run.controllerPid));
		if (fresh && !deadHere) {
			throw new RunBusyError(
				`Run ${run.id} is being executed by process ${run.controllerPid} (heartbeat ${Math.round((Date.now() - run.heartbeatAt.getTime()) / 1000)} s ago). Cancel it with "evals cancel ${run.id}" or wait for it.`,
			);
		}
	}

	private adapter(name: string): AgentAdapter {
		return this.options.adapters?.[name] ?? getAgentAdapter(name);
	}

	private log(message: string): void {
		this.options.log?.(message);
	}
}

function shouldRetry(outcome: TaskOutcome, attempts: number, signal: AbortSignal): boolean {
	return outcome.failureKind === "infra" && attempts < MAX_INFRA_ATTEMPTS && !signal.aborted;
}

/** The exercises a run config asks for; without any filter, the suite's smoke selection. */
export function chooseExercises(
	suite: Suite,
	config: Pick<RunConfig, "include" | "exclude" | "exercises" | "all">,
): Exercise[] {
	const filtered = Boolean(config.include?.length || config.exclude?.length || config.exercises?.length || config.all);
	const chosen = selectExercises(suite, {
		include: config.include as Language[] | undefined,
		exclude: config.exclude as Language[] | undefined,
		names: config.exercises,
	});
	if (filtered) return chosen;
	const smoke = chosen.filter((exercise) => exercise.difficulty === "easy");
	return smoke.length > 0 ? smoke : chosen;
}

export { describe };
