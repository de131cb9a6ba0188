import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { TaskEvent } from "@agent-evals/types";
import type { Run } from "../db/schema.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { agentEnvironment, commandProfile } from "./agent-env.js";
import { type AgentSession, agentTaskIdOf, privateSocketPath, startAgentSession, stopAgent } from "./agent-session.js";
import type { AgentAdapter } from "./agents/adapter.js";

/*
 * Warm agents: one agent process per queue slot, kept between tasks, so a task no longer pays for
 * starting Node and loading the agent (a third of the harness's overhead per task). Each task
 * moves the agent to its own workspace with SetTaskContext; the agent then forgets the last task
 * and closes its MCP servers. An agent whose task did not end cleanly is never reused.
 */

/** Tasks one agent process serves before a new one takes its place (a bound on anything that leaks). */
export const DEFAULT_TASKS_PER_AGENT = 50;

export interface AgentPoolOptions {
	adapter: AgentAdapter;
	/** Where the agents' folders go (their storage and logs); hidden from their commands by `profile`. */
	root: string;
	/**
	 * The environment each agent starts with, its command sandbox's profile included: fixed for
	 * the life of the process, so it must hide every task's folder, not name one.
	 */
	env: () => Promise<NodeJS.ProcessEnv>;
	log: (message: string) => void;
	maxTasks?: number;
	/** Keep the agents' folders (their logs and task histories) when they end, as `--keep-workspaces` asks. */
	keep?: boolean;
}

/** One agent process of the pool, lent to one task at a time. */
export class PooledAgent {
	/** Tasks it has served (the current one included once it is given back). */
	served = 0;
	private handler: ((event: TaskEvent) => void) | undefined;
	/** Agent task ids of the tasks it served before: their late events belong to nobody now. */
	private readonly past = new Set<string>();
	private currentId: string | undefined;

	constructor(
		readonly session: AgentSession,
		/** Its own folder: storage and logs. */
		readonly home: string,
		readonly socketDir: string,
	) {}

	/** Every event of the agent goes through here to the task it is lent to, if any. */
	dispatch(event: TaskEvent): void {
		const id = agentTaskIdOf(event);
		if (id !== undefined && this.past.has(id)) return;
		if (event.eventName === "taskCreated") this.currentId = id;
		this.handler?.(event);
	}

	lend(onEvent: (event: TaskEvent) => void): void {
		this.handler = onEvent;
	}

	giveBack(): void {
		if (this.currentId !== undefined) this.past.add(this.currentId);
		this.currentId = undefined;
		this.handler = undefined;
		this.served++;
	}

	get alive(): boolean {
		return !this.session.process.hasExited && this.session.ipc.isReady;
	}
}

/**
 * The warm agents of one run: `acquire` lends an idle one (or starts one), `release` takes it
 * back for the next task or stops it. At most one agent per task running at once, so the pool
 * never holds more processes than the run's concurrency.
 */
export class AgentPool {
	private readonly idle: PooledAgent[] = [];
	private readonly agents = new Set<PooledAgent>();
	private closed = false;

	constructor(private readonly options: AgentPoolOptions) {}

	/** Agent processes alive (lent or idle). */
	get size(): number {
		return this.agents.size;
	}

	/** An agent for one task, its events going to `onEvent` until it is released. */
	async acquire(onEvent: (event: TaskEvent) => void): Promise<PooledAgent> {
		for (let agent = this.idle.pop(); agent; agent = this.idle.pop()) {
			if (agent.alive) {
				agent.lend(onEvent);
				return agent;
			}
			await this.discard(agent);
		}
		const agent = await this.start(await this.options.env());
		agent.lend(onEvent);
		return agent;
	}

	/**
	 * Takes an agent back after its task. `reusable` only when the task ended cleanly (completed,
	 * nothing left running); anything else, or enough tasks served, ends the process.
	 */
	async release(agent: PooledAgent, reusable: boolean): Promise<void> {
		agent.giveBack();
		const limit = this.options.maxTasks ?? DEFAULT_TASKS_PER_AGENT;
		if (reusable && !this.closed && agent.alive && agent.served < limit) {
			this.idle.push(agent);
			return;
		}
		await this.discard(agent);
	}

	/**
	 * Ends the idle agents now and each lent one when its task gives it back (a task still running
	 * keeps its agent); the agents' folder goes with the last one. Idempotent.
	 */
	async close(): Promise<void> {
		this.closed = true;
		await Promise.all(this.idle.splice(0).map((agent) => this.discard(agent)));
		await this.removeRootWhenDone();
	}

	private async removeRootWhenDone(): Promise<void> {
		if (this.closed && this.agents.size === 0 && !this.options.keep) {
			await rm(this.options.root, { recursive: true, force: true });
		}
	}

	private async start(env: NodeJS.ProcessEnv): Promise<PooledAgent> {
		await mkdir(this.options.root, { recursive: true });
		const home = await mkdtemp(join(this.options.root, "agent-"));
		const storageDir = join(home, "storage");
		await mkdir(storageDir, { recursive: true });
		const socket = await privateSocketPath();
		let agent: PooledAgent | undefined;
		try {
			const session = await startAgentSession(
				this.options.adapter,
				// It starts in its own empty folder; each task moves it to that task's workspace.
				{ workspace: home, socketPath: socket.socketPath, storageDir, env },
				(event) => agent?.dispatch(event),
				this.options.log,
			);
			agent = new PooledAgent(session, home, socket.dir);
		} catch (error) {
			await Promise.all([rm(home, { recursive: true, force: true }), rm(socket.dir, { recursive: true, force: true })]);
			throw error;
		}
		this.agents.add(agent);
		return agent;
	}

	private async discard(agent: PooledAgent): Promise<void> {
		if (!this.agents.delete(agent)) return;
		const { session } = agent;
		await stopAgent(session, "completed", Promise.resolve()).catch((error: unknown) =>
			this.options.log(`stopping a warm agent: ${(error as Error).message}`),
		);
		session.ipc.disconnect();
		await Promise.all([
			this.options.keep ? undefined : rm(agent.home, { recursive: true, force: true }),
			rm(agent.socketDir, { recursive: true, force: true }),
		]);
		await this.removeRootWhenDone();
	}
}

/**
 * The pool of a run whose tasks have warm agents, or undefined when each task starts its own
 * (`--fresh-agent`, or an agent that cannot serve more than one task). The agents' commands may
 * see none of the work folder (every task's attempt folder, the agents' storage, the oracle's
 * references) but the workspace they are in, nor the suite (every reference solution).
 */
export function runAgentPool(options: {
	run: Run;
	adapter: AgentAdapter;
	sandbox: Sandbox;
	workRoot: string;
	env: NodeJS.ProcessEnv | undefined;
	log: (message: string) => void;
	keep?: boolean;
}): AgentPool | undefined {
	const { run, adapter, sandbox, workRoot } = options;
	if (run.agentProcesses !== "warm" || !adapter.reusable) return undefined;
	let env: Promise<NodeJS.ProcessEnv> | undefined;
	return new AgentPool({
		adapter,
		root: join(workRoot, `run${run.id}-agents-${process.pid}`),
		env: () => {
			env ??= commandProfile(sandbox, [workRoot, resolve(run.suite)]).then((profile) =>
				agentEnvironment(options.env ?? process.env, profile),
			);
			return env;
		},
		log: options.log,
		keep: options.keep,
	});
}
