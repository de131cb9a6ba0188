import type { Language, SandboxProfile } from "@agent-evals/types";

/**
 * The seam every command of a task goes through: the agent's tool calls and the unit tests that
 * grade its work. Implementations differ in how much they confine the command (a plain process
 * group, bubblewrap, a container); the contract below is what callers may rely on, and
 * `test/sandbox.test.ts` checks it against every registered sandbox.
 */
export interface Sandbox {
	readonly name: string;
	/**
	 * True when commands cannot reach the network: grading then prepares an exercise's dependencies
	 * on the host first (downloads only, never the work under test), and tools are told to stay offline.
	 */
	readonly offline?: boolean;
	/**
	 * True when a command can change nothing on the host outside its workspace and the writable
	 * paths it is given (other writes land in throwaway overlays or are refused): grading then need
	 * not check shared folders, such as the JavaScript dependency cache, for changes afterwards.
	 */
	readonly confinesWrites?: boolean;
	/** Why this sandbox cannot run commands on this machine, or undefined when it can. */
	unavailableReason?(): Promise<string | undefined>;
	/**
	 * How an agent that runs commands itself (evals-agent's execute_command) confines them the same
	 * way, for the agent's environment (see `SANDBOX_PROFILE_ENV`); undefined when it needs nothing.
	 */
	agentProfile?(): Promise<SandboxProfile | undefined>;
	/**
	 * Runs `command` with `/bin/sh -c` in `cwd` and resolves when it and everything it started
	 * are gone. A command that fails, is not found (exit 127), times out or is cancelled resolves
	 * normally: that is the command's outcome, described by the result. Rejects only with
	 * `SandboxUnavailableError`, when the sandbox itself cannot run anything.
	 */
	exec(command: string, options: ExecOptions): Promise<ExecResult>;
}

export interface ExecOptions {
	/** Absolute working directory. */
	cwd: string;
	/**
	 * The task's workspace, the one host folder a confining sandbox lets the command change (cwd is
	 * inside it or is it). Default: cwd.
	 */
	workspace?: string;
	/**
	 * The language whose toolchain the command runs (grading knows it): a sandbox that mounts
	 * toolchain caches per command mounts only that language's. Default: every language's.
	 */
	language?: Language;
	/** Host folders outside the workspace the command must be able to change (a build folder). */
	writablePaths?: readonly string[];
	/** Host folders outside the workspace the command must be able to read although a sandbox hides them. */
	readablePaths?: readonly string[];
	/** After this, the whole process tree is stopped (SIGTERM, then SIGKILL) and `timedOut` is set. */
	timeoutMs: number;
	/** Added to (and overriding) the sandbox's base environment. */
	env?: Record<string, string>;
	/** Aborting stops the process tree like a timeout does, and sets `cancelled`. */
	signal?: AbortSignal;
	/** Cap on `output`; the beginning and the end are kept. Default `DEFAULT_MAX_OUTPUT_BYTES`. */
	maxOutputBytes?: number;
}

export interface ExecResult {
	/** The shell's exit code; null when it was ended by a signal. */
	exitCode: number | null;
	signal: string | null;
	timedOut: boolean;
	cancelled: boolean;
	/** stdout and stderr interleaved in arrival order, capped keeping head and tail around a marker. */
	output: string;
	durationMs: number;
	/** Set when the sandbox stopped the command for breaking one of its limits (the disk nearly full). */
	stoppedBecause?: string;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * The sandbox could not run the command at all (spawn failed, its runtime is missing, the working
 * directory is gone). This is an infrastructure failure, never the command's own failure: callers
 * turn it into failure kind `infra`, not a failed test.
 */
export class SandboxUnavailableError extends Error {
	constructor(
		readonly sandbox: string,
		/** Why, without the "sandbox … unavailable" prefix of the message. */
		readonly reason: string,
		options?: { cause?: unknown },
	) {
		super(`sandbox "${sandbox}" unavailable: ${reason}`, options);
		this.name = "SandboxUnavailableError";
	}
}

export class UnknownSandboxError extends Error {
	constructor(
		readonly requested: string,
		readonly known: readonly string[],
	) {
		super(`unknown sandbox "${requested}"; known: ${known.join(", ")}`);
		this.name = "UnknownSandboxError";
	}
}
