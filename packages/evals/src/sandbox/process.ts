import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { killProcessTree, processGroupAlive } from "@agent-evals/agent/process-tree";
import { activeSpawner } from "../spawner/active.js";
import { HeadTailCapture } from "./output.js";
import { DEFAULT_MAX_OUTPUT_BYTES, type ExecOptions, type ExecResult, SandboxUnavailableError } from "./sandbox.js";

// After the launched process exits, how long its output pipes may stay open before whatever still
// holds them (a background process it started) is stopped.
const PIPE_CLOSE_GRACE_MS = 200;
/** The longest timer Node keeps: a longer limit is "practically forever" and clamped to this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What to start for a command: the shell itself, or the launcher of a sandbox around it. */
export interface ProcessLaunch {
	file: string;
	args: string[];
	/** Where the launched process starts (a sandbox's launcher sets the command's own cwd inside). */
	cwd: string;
	env: Record<string, string>;
	/** Opens fd 3 as a pipe and collects what the launcher writes there (bwrap's status). */
	statusPipe?: boolean;
}

export interface ProcessRun {
	result: ExecResult;
	/** What the launcher wrote to fd 3, with `statusPipe`. */
	status: string;
}

export interface RunProcessOptions extends ExecOptions {
	/** SIGTERM → SIGKILL grace when stopping the process tree. */
	killGraceMs: number;
	/**
	 * Watches the command while it runs and calls `stop` with a reason to end it early (a limit it
	 * broke); returns the function that stops watching.
	 */
	watch?: (stop: (reason: string) => void) => () => void;
	/** Told the process group of the command once it started. */
	onSpawn?: (pgid: number) => void;
}

/**
 * Runs a launched command as the leader of its own process group, so a timeout, a cancellation
 * or a broken limit reaches every process it started, and resolves once all of them are gone.
 * The sandboxes share this; they differ in what they launch. `sandbox` names the sandbox in errors.
 * A process with a spawner helper (`useSpawner`) starts it there, without paying its own fork cost.
 */
export function runProcessTree(
	sandbox: string,
	launch: ProcessLaunch,
	options: RunProcessOptions,
): Promise<ProcessRun> {
	const spawner = activeSpawner();
	return spawner ? spawner.runTree(sandbox, launch, options) : runProcessTreeHere(sandbox, launch, options);
}

/** `runProcessTree` in this very process. */
export async function runProcessTreeHere(
	sandbox: string,
	launch: ProcessLaunch,
	options: RunProcessOptions,
): Promise<ProcessRun> {
	const startedAt = performance.now();
	const elapsed = () => Math.round(performance.now() - startedAt);
	const capture = new HeadTailCapture(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
	let child: ChildProcess;
	try {
		child = spawn(launch.file, launch.args, {
			cwd: launch.cwd,
			env: launch.env,
			stdio: launch.statusPipe ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"],
			detached: true,
		});
	} catch (error) {
		throw new SandboxUnavailableError(sandbox, `cannot start ${launch.file}: ${describe(error)}`, { cause: error });
	}
	child.stdout?.on("data", (chunk: Buffer) => capture.append(chunk));
	child.stderr?.on("data", (chunk: Buffer) => capture.append(chunk));
	let status = "";
	const statusStream = child.stdio[3] as Readable | null | undefined;
	statusStream?.on("data", (chunk: Buffer) => {
		status += chunk.toString("utf8");
	});

	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once("exit", (code, signal) => resolve({ code, signal })),
	);
	const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
	// Spawn failures (ENOENT for the program, EAGAIN when out of processes) arrive as an event.
	const started = await new Promise<Error | undefined>((resolve) => {
		child.once("spawn", () => resolve(undefined));
		child.once("error", (error) => resolve(error));
	});
	if (started !== undefined || child.pid === undefined) {
		throw new SandboxUnavailableError(sandbox, `cannot start ${launch.file}: ${describe(started)}`, { cause: started });
	}
	const pgid = child.pid;
	options.onSpawn?.(pgid);
	// Later errors (a failed kill) must not crash the process: the outcome comes from exit and close.
	child.on("error", () => {});

	let stop: "timeout" | "abort" | "limit" | undefined;
	let limitReason: string | undefined;
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	let unwatch = () => {};
	const stopped = new Promise<void>((resolve) => {
		timer = setTimeout(
			() => {
				stop ??= "timeout";
				resolve();
			},
			// setTimeout fires at once for delays beyond 2^31-1 ms; clamp "practically forever" to that.
			Math.min(Math.max(0, options.timeoutMs), MAX_TIMER_MS),
		);
		onAbort = () => {
			stop ??= "abort";
			resolve();
		};
		options.signal?.addEventListener("abort", onAbort, { once: true });
		if (options.watch) {
			unwatch = options.watch((reason) => {
				stop ??= "limit";
				limitReason ??= reason;
				resolve();
			});
		}
	});

	let exit: { code: number | null; signal: NodeJS.Signals | null };
	try {
		const first = await Promise.race([exited, stopped.then(() => undefined)]);
		if (first === undefined) await killProcessTree(pgid, options.killGraceMs);
		exit = first ?? (await exited);
	} finally {
		clearTimeout(timer);
		unwatch();
		if (onAbort) options.signal?.removeEventListener("abort", onAbort);
	}

	// Nothing the command started may outlive it: a background process holding the pipes, or one
	// that let go of them, is stopped now.
	const pipesClosed = await Promise.race([closed.then(() => true), sleep(PIPE_CLOSE_GRACE_MS).then(() => false)]);
	if (!pipesClosed || (await processGroupAlive(pgid))) {
		await killProcessTree(pgid, options.killGraceMs);
		const closedAfterKill = await Promise.race([closed.then(() => true), sleep(1000).then(() => false)]);
		if (!closedAfterKill) {
			// A process outside the group (it called setsid) still holds the pipes; stop reading.
			child.stdout?.destroy();
			child.stderr?.destroy();
			statusStream?.destroy();
		}
	}

	if (limitReason !== undefined) capture.append(Buffer.from(`\n[stopped by the sandbox: ${limitReason}]\n`));
	return {
		result: {
			exitCode: exit.code,
			signal: exit.signal,
			timedOut: stop === "timeout",
			cancelled: stop === "abort",
			output: capture.toString(),
			durationMs: elapsed(),
			...(limitReason !== undefined ? { stoppedBecause: limitReason } : {}),
		},
		status,
	};
}

function describe(error: unknown): string {
	if (error instanceof Error) return error.message;
	return error === undefined ? "no process id" : String(error);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
