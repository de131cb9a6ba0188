/** How a runner starts an agent: whatever it is, it ends up serving IPC on `socketPath`. */
export interface AgentLaunch {
	workspace: string;
	socketPath: string;
	/** Where the agent may keep its task histories and logs (outside the workspace). */
	storageDir: string;
	env: NodeJS.ProcessEnv;
}

export interface AgentProcess {
	readonly pid: number | undefined;
	/** Settles when the process has exited. */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	readonly hasExited: boolean;
	/** SIGTERM to the agent's whole process tree, SIGKILL after `graceMs`; resolves when gone. */
	stop(graceMs?: number): Promise<void>;
	/** The last lines the agent wrote to stderr (for failure reports). */
	stderrTail(): string;
}

/** An error starting the agent: always an `infra` failure, never the model's fault. */
export class AgentStartError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "AgentStartError";
	}
}

export interface AgentAdapter {
	readonly name: string;
	readonly description: string;
	/**
	 * Whether one process can serve task after task, moved to each task's workspace with
	 * SetTaskContext (warm agents). Others get a fresh process per task.
	 */
	readonly reusable?: boolean;
	/** Why this adapter cannot run on this machine (a missing binary), or undefined if it can. */
	unavailableReason(): Promise<string | undefined>;
	/** Why this agent cannot use models of `provider` (a CLI that speaks one API), or undefined. */
	modelProblem?(provider: string): string | undefined;
	start(launch: AgentLaunch): Promise<AgentProcess>;
}
