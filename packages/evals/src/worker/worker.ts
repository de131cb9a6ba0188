import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { delimiter, join } from "node:path";
import {
	isFinalRunStatus,
	type Language,
	type Settings,
	type TaskTry,
	type WorkerInfo,
	type WorkerTask,
} from "@agent-evals/types";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Bus } from "../bus/index.js";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { loadSuite } from "../exercises/load.js";
import type { Suite } from "../exercises/types.js";
import { getRunner, runnerLanguages } from "../grading/registry.js";
import { type RunMcpServers, runMcpServers } from "../mcp/run-servers.js";
import { type AgentPool, runAgentPool } from "../run/agent-pool.js";
import type { AgentAdapter } from "../run/agents/adapter.js";
import { getAgentAdapter } from "../run/agents/registry.js";
import { FALLBACK_PROMPT, MAX_INFRA_ATTEMPTS } from "../run/defaults.js";
import { describe } from "../run/errors.js";
import { Liveness } from "../run/liveness.js";
import { RunNotes } from "../run/run-notes.js";
import { runTask, type TaskOutcome, TaskTakenError } from "../run/task-runner.js";
import { getSandbox } from "../sandbox/registry.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { queueConnection, type TaskJobData, taskQueueName } from "./queue.js";

export interface WorkerOptions {
	store: Store;
	bus: Bus;
	redisUrl: string;
	/** The key prefix shared with the controller (EVALS_DEPLOYMENT). */
	deployment: string;
	/** Unique among the deployment's workers: claims and adverts carry it. */
	name: string;
	/** Tasks at a time. */
	slots: number;
	/** Languages to take tasks of; each needs its test tools on PATH. */
	languages: Language[];
	evalsHome: string;
	log?: (message: string) => void;
	env?: NodeJS.ProcessEnv;
	keepWorkspaces?: boolean;
	/**
	 * How long a job's lock lasts without renewal: a worker silent this long is presumed dead and
	 * its task goes to another worker. BullMQ's default is 30 s; tests make it short.
	 */
	lockMs?: number;
	retryBackoffMs?: number;
}

/** Adverts are refreshed this often and expire after three missed refreshes. */
const ADVERT_MS = 5_000;
const ADVERT_TTL_S = 15;
const CANCEL_POLL_MS = 1_000;
/**
 * Attempts a task may use up before it is failed as `infra` for good, counting attempts whose
 * worker died: a task that kills every worker it lands on must not go round forever.
 */
const MAX_ATTEMPTS = MAX_INFRA_ATTEMPTS;

/** What every task of one run shares on this worker. */
interface RunScope {
	suite: Suite;
	adapter: AgentAdapter;
	sandbox: Sandbox;
	mcpServers: RunMcpServers | undefined;
	notes: RunNotes;
	/** Warm agents for the run's tasks on this worker, when the run has them. */
	agents: AgentPool | undefined;
}

interface Running {
	abort: AbortController;
	info: WorkerTask;
}

/**
 * An `evals worker`: takes task jobs from the deployment's BullMQ queues (one per language it
 * serves), claims each task in the store with a compare-and-set, and runs it with the same task
 * runner the controller uses. A job whose worker died is handed on by BullMQ's stalled-job check;
 * the worker that gets it records the dead attempt as `infra` and runs a new attempt.
 */
export class EvalsWorker {
	private readonly options: WorkerOptions;
	private readonly liveness: Liveness;
	private readonly connection: Redis;
	private readonly queues: Worker<TaskJobData>[] = [];
	private readonly running = new Map<number, Running>();
	private readonly scopes = new Map<number, Promise<RunScope>>();
	private readonly slots: Slots;
	private readonly startedAt = new Date().toISOString();
	private timers: NodeJS.Timeout[] = [];
	private draining = false;

	constructor(options: WorkerOptions) {
		this.options = options;
		this.liveness = new Liveness(options.store, options.bus.coordination);
		this.connection = queueConnection(options.redisUrl);
		this.slots = new Slots(options.slots);
	}

	get name(): string {
		return this.options.name;
	}

	/** Task ids running here now. */
	runningTasks(): number[] {
		return [...this.running.keys()];
	}

	async start(): Promise<void> {
		const { options } = this;
		if (options.languages.length === 0) throw new Error("A worker needs at least one language to take tasks of.");
		await mkdir(join(options.evalsHome, "work"), { recursive: true });
		const lockDuration = options.lockMs ?? 30_000;
		for (const language of options.languages) {
			const worker = new Worker<TaskJobData>(taskQueueName(language), (job) => this.process(job), {
				connection: this.connection,
				prefix: options.deployment,
				// Every language's queue may hand over up to all slots; the shared gate below keeps
				// the number running at `slots`.
				concurrency: options.slots,
				lockDuration,
				stalledInterval: Math.max(1_000, Math.round(lockDuration / 2)),
				// Stalls are counted by us (the task's attempts), not by BullMQ, which would fail the job.
				maxStalledCount: 1_000,
			});
			worker.on("error", (error) => this.log(`queue ${language}: ${describe(error)}`));
			this.queues.push(worker);
		}
		await Promise.all(this.queues.map((worker) => worker.waitUntilReady()));
		await this.advertise();
		this.timers = [
			setInterval(() => void this.advertise(), ADVERT_MS),
			setInterval(() => void this.pollCancels(), CANCEL_POLL_MS),
		];
	}

	/**
	 * Stops taking jobs and waits for the running ones to finish (SIGTERM). Jobs this worker
	 * holds but has not started yet also run: BullMQ's close waits for every job in hand.
	 */
	async stop(): Promise<void> {
		this.draining = true;
		await this.advertise();
		await Promise.all(this.queues.map((worker) => worker.close()));
		for (const timer of this.timers) clearInterval(timer);
		const scopes = [...this.scopes.values()];
		this.scopes.clear();
		await Promise.all(scopes.map((scope) => this.retire(scope)));
		await this.options.bus.coordination.withdraw(this.name).catch(() => undefined);
		this.connection.disconnect();
	}

	/** What this worker tells the deployment about itself. */
	info(): WorkerInfo {
		return {
			name: this.name,
			host: hostname(),
			pid: process.pid,
			languages: this.options.languages,
			slots: this.options.slots,
			running: [...this.running.values()].map((entry) => entry.info),
			startedAt: this.startedAt,
			seenAt: new Date().toISOString(),
			draining: this.draining,
		};
	}

	private async advertise(): Promise<void> {
		await this.options.bus.coordination
			.advertise(this.info(), ADVERT_TTL_S)
			.catch((error) => this.log(`advertising: ${describe(error)}`));
	}

	/**
	 * A run or a single task cancelled anywhere (CLI, API, observer) reaches its tasks here within
	 * a second: both are marked cancelled in the store, which every host reads.
	 */
	private async pollCancels(): Promise<void> {
		const { store } = this.options;
		const runIds = new Set([...this.running.values()].map((entry) => entry.info.runId));
		for (const runId of runIds) {
			const run = await store.runs.get(runId).catch(() => undefined);
			if (run?.status !== "cancelled") continue;
			for (const entry of this.running.values()) if (entry.info.runId === runId) entry.abort.abort();
		}
		for (const [taskId, entry] of this.running) {
			if (entry.abort.signal.aborted) continue;
			const task = await store.tasks.get(taskId).catch(() => undefined);
			if (task?.status === "cancelled") entry.abort.abort();
		}
		// A run with nothing running here any more gives up its cached suite and its warm agents.
		for (const [runId, scope] of this.scopes) {
			if (runIds.has(runId)) continue;
			this.scopes.delete(runId);
			void this.retire(scope);
		}
	}

	private async process(job: Job<TaskJobData>): Promise<void> {
		const release = await this.slots.take();
		try {
			await this.take(job.data.taskId);
		} finally {
			release();
		}
	}

	/** Claims the task and runs it, unless it is done, cancelled, or someone else has it. */
	private async take(taskId: number): Promise<void> {
		const { store } = this.options;
		const task = await store.tasks.get(taskId);
		if (!task) return; // its run was deleted
		const run = await store.runs.get(task.runId);
		if (!run) return;
		if (task.status !== "pending" && task.status !== "running") return; // a second delivery of a finished task
		// Not claimed: `evals resume` enqueues the paused run's tasks again.
		if (run.status === "paused") return;
		if (isFinalRunStatus(run.status)) {
			// Also a task a dead worker left running: nobody else would ever end it.
			if (await store.tasks.claim(task, this.name)) {
				await store.tasks.updateOwned(
					task.id,
					{ worker: this.name, attempt: task.attempt },
					{ status: "cancelled", passed: null, failureKind: "cancelled", finishedAt: new Date() },
				);
			}
			return;
		}
		// A task marked running reaches a worker only when its holder lost the job's lock: the
		// holder is dead (or stuck past the lock), so its attempt is over.
		const takeover = task.status === "running";
		const claimed = await store.tasks.claim(task, this.name);
		if (!claimed) return; // another worker claimed it first
		let owner = { worker: this.name, attempt: claimed.attempt };
		let current: Task = claimed;
		let priorTries: TaskTry[] = [];
		if (takeover) {
			// A holder killed between its claim and its first write never bumped the attempt: its
			// attempt still counts, so the new one is numbered after it either way.
			const dead = Math.max(task.attempt, 1);
			priorTries = [...task.tries, deadAttempt(task, dead)];
			this.log(`task ${task.id}: attempt ${dead} on ${task.worker ?? "a controller"} died; taking it over`);
			const updated = await store.tasks.updateOwned(task.id, owner, { tries: priorTries, attempt: dead });
			if (!updated) return;
			current = updated;
			owner = { worker: this.name, attempt: dead };
		}
		if (current.attempt >= MAX_ATTEMPTS) {
			await store.tasks.updateOwned(task.id, owner, {
				status: "failed",
				passed: false,
				failureKind: "infra",
				error: `${current.attempt} attempts ended without a verdict (workers died or the machine failed); giving up`,
				finishedAt: new Date(),
			});
			return;
		}
		await this.runClaimed({ ...current, tries: priorTries }, run, priorTries);
	}

	private async runClaimed(task: Task, run: Run, priorTries: TaskTry[]): Promise<void> {
		const { store } = this.options;
		const owner = { worker: this.name, attempt: task.attempt };
		let scope: RunScope;
		try {
			scope = await this.scope(run);
		} catch (error) {
			await store.tasks.updateOwned(task.id, owner, {
				status: "failed",
				passed: false,
				failureKind: "infra",
				error: `worker ${this.name} cannot run run ${run.id}'s tasks: ${describe(error)}`,
				finishedAt: new Date(),
			});
			return;
		}
		const exercise = scope.suite.exercises.find((e) => e.language === task.language && e.name === task.exercise);
		if (!exercise) {
			await store.tasks.updateOwned(task.id, owner, {
				status: "failed",
				passed: false,
				failureKind: "infra",
				error: `${task.language}/${task.exercise} is not in ${scope.suite.root} on worker ${this.name}`,
				finishedAt: new Date(),
			});
			return;
		}
		const abort = new AbortController();
		const entry: Running = {
			abort,
			info: {
				runId: run.id,
				taskId: task.id,
				language: task.language,
				exercise: task.exercise,
				attempt: task.attempt + 1,
				startedAt: new Date().toISOString(),
			},
		};
		this.running.set(task.id, entry);
		void this.advertise();
		try {
			let current = task;
			for (;;) {
				const outcome: TaskOutcome = await this.liveness.withRunner(run, current, scope.notes, () =>
					runTask(current, {
						store,
						bus: this.options.bus,
						run,
						exercise,
						prompt:
							run.prompts?.tasks?.[exercise.language]?.text ??
							scope.suite.prompts[exercise.language] ??
							FALLBACK_PROMPT,
						adapter: scope.adapter,
						agents: scope.agents,
						sandbox: scope.sandbox,
						settings: run.settings as Settings,
						timeoutMs: run.timeout * 60_000,
						gradeTimeoutMs: run.commandTimeout * 1000,
						workRoot: this.workRoot,
						signal: abort.signal,
						log: (message) => this.log(`run ${run.id} task ${task.id}: ${message}`),
						notes: scope.notes,
						mcpServers: scope.mcpServers,
						keepWorkspace: this.options.keepWorkspaces,
						env: this.options.env,
						worker: this.name,
						priorTries,
					}),
				);
				const attempts = current.attempt + 1;
				if (outcome.failureKind !== "infra" || attempts >= MAX_ATTEMPTS || abort.signal.aborted) return;
				this.log(`run ${run.id} task ${task.id}: infra failure (${outcome.summary}); retrying`);
				await new Promise((resolve) =>
					setTimeout(resolve, (this.options.retryBackoffMs ?? 1_000) * 2 ** (attempts - 1)),
				);
				current = { ...current, attempt: attempts };
			}
		} catch (error) {
			if (!(error instanceof TaskTakenError)) throw error;
			this.log(`run ${run.id} task ${task.id}: ${error.message}`);
		} finally {
			this.running.delete(task.id);
			void this.advertise();
		}
	}

	/** Loads what a run's tasks need once per run, on first use. */
	private scope(run: Run): Promise<RunScope> {
		let scope = this.scopes.get(run.id);
		if (!scope) {
			scope = (async () => {
				const adapter = getAgentAdapter(run.agent);
				const sandbox = getSandbox(run.sandbox);
				return {
					suite: await loadSuite(run.suite),
					adapter,
					sandbox,
					mcpServers: runMcpServers(run),
					// Notes go to this worker's log: the run's stored notes belong to its controller.
					notes: new RunNotes(run.id, (message) => this.log(message)),
					agents: runAgentPool({
						run,
						adapter,
						sandbox,
						workRoot: this.workRoot,
						env: this.options.env,
						log: (message) => this.log(`run ${run.id}: ${message}`),
						keep: this.options.keepWorkspaces,
					}),
				};
			})();
			// A failure is not cached: the suite may appear (a mount) before the next task.
			scope.catch(() => this.scopes.delete(run.id));
			this.scopes.set(run.id, scope);
		}
		return scope;
	}

	/** Ends a run scope's warm agents (each lent one once its task is over). */
	private async retire(scope: Promise<RunScope>): Promise<void> {
		await (await scope.catch(() => undefined))?.agents
			?.close()
			.catch((error: unknown) => this.log(`closing warm agents: ${(error as Error).message}`));
	}

	private get workRoot(): string {
		return join(this.options.evalsHome, "work");
	}

	private log(message: string): void {
		this.options.log?.(`worker ${this.name}: ${message}`);
	}
}

/** How the attempt of a worker that died is kept in the task's tries. */
function deadAttempt(task: Task, attempt: number): TaskTry {
	return {
		try: task.tries.length + 1,
		passed: false,
		failureKind: "infra",
		summary: `attempt ${attempt} on ${task.worker ? `worker ${task.worker}` : "a controller"} ended without a verdict (the process died or lost its lock)`,
		agentMs: 0,
		gradeMs: 0,
		tokensIn: 0,
		tokensOut: 0,
		cost: 0,
	};
}

/** A counting gate shared by the language queues: at most `size` tasks run at once. */
class Slots {
	private free: number;
	private readonly waiting: (() => void)[] = [];

	constructor(size: number) {
		this.free = size;
	}

	async take(): Promise<() => void> {
		if (this.free > 0) this.free--;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiting.shift();
			if (next) next();
			else this.free++;
		};
	}
}

/** The languages whose test tools are all on `PATH`: what this host can grade. */
export async function languagesOnPath(env: NodeJS.ProcessEnv = process.env): Promise<Language[]> {
	const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
	const found = new Map<string, boolean>();
	const onPath = async (tool: string) => {
		let known = found.get(tool);
		if (known === undefined) {
			known = false;
			for (const dir of dirs) {
				if (
					await access(join(dir, tool), constants.X_OK).then(
						() => true,
						() => false,
					)
				) {
					known = true;
					break;
				}
			}
			found.set(tool, known);
		}
		return known;
	};
	const languages: Language[] = [];
	for (const language of runnerLanguages()) {
		const tools = getRunner(language).requiredTools;
		if ((await Promise.all(tools.map(onPath))).every(Boolean)) languages.push(language);
	}
	return languages;
}
