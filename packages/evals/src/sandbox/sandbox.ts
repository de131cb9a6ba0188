/**
 * The seam every command of a task goes through: the agent's tool calls and the unit tests that
 * grade its work. Implementations differ in how much they confine the command (a plain process
 * group, bubblewrap, a container); the contract below is what callers may rely on, and
 * `test/sandbox.test.ts` checks it against every registered sandbox.
 */
export interface Sandbox {
	readonly name: string;
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
		message: string,
		options?: { cause?: unknown },
	) {
		super(`sandbox "${sandbox}" unavailable: ${message}`, options);
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
