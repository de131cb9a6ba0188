import { type ChildProcess, spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { KILL_GRACE_MS, killProcessTree, processGroupAlive } from "@agent-evals/agent/process-tree";
import { HeadTailCapture } from "./output.js";
import {
	DEFAULT_MAX_OUTPUT_BYTES,
	type ExecOptions,
	type ExecResult,
	type Sandbox,
	SandboxUnavailableError,
} from "./sandbox.js";

// After the shell exits, how long its output pipes may stay open before whatever still holds them
// (a background process it started) is stopped.
const PIPE_CLOSE_GRACE_MS = 200;
const MAX_TIMER_MS = 2 ** 31 - 1;

/*
 * Code under test must not read the controller's credentials: variables that look like secrets
 * (API keys, tokens, passwords, connection strings with passwords) are left out of the inherited
 * environment. A caller that really wants one passes it in `env`.
 */
const SECRET_NAME = /(API_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY)|^(DATABASE_URL|REDIS_URL)$/i;

export function inheritedEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(source)) {
		if (value !== undefined && !SECRET_NAME.test(name)) env[name] = value;
	}
	return env;
}

export interface LocalSandboxOptions {
	/** SIGTERM → SIGKILL grace when stopping a process tree. */
	killGraceMs?: number;
}

/**
 * Runs commands as child processes of this one, each leading its own process group so a timeout
 * or cancellation reaches every process the command started. It confines nothing else (files,
 * network): that is what the bwrap and docker sandboxes are for. POSIX only.
 */
export class LocalSandbox implements Sandbox {
	readonly name = "local";
	private readonly killGraceMs: number;

	constructor(options: LocalSandboxOptions = {}) {
		this.killGraceMs = options.killGraceMs ?? KILL_GRACE_MS;
	}

	async exec(command: string, options: ExecOptions): Promise<ExecResult> {
		const startedAt = performance.now();
		const elapsed = () => Math.round(performance.now() - startedAt);
		await this.checkCwd(options.cwd);
		if (options.signal?.aborted) {
			return { exitCode: null, signal: null, timedOut: false, cancelled: true, output: "", durationMs: elapsed() };
		}

		const capture = new HeadTailCapture(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
		let child: ChildProcess;
		try {
			child = spawn("/bin/sh", ["-c", command], {
				cwd: options.cwd,
				env: { ...inheritedEnvironment(), ...options.env },
				stdio: ["ignore", "pipe", "pipe"],
				detached: true,
			});
		} catch (error) {
			throw new SandboxUnavailableError(this.name, `cannot start /bin/sh: ${describe(error)}`, { cause: error });
		}
		child.stdout?.on("data", (chunk: Buffer) => capture.append(chunk));
		child.stderr?.on("data", (chunk: Buffer) => capture.append(chunk));

		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
			child.once("exit", (code, signal) => resolve({ code, signal })),
		);
		const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
		// Spawn failures (ENOENT for the shell, EAGAIN when out of processes) arrive as an event.
		const started = await new Promise<Error | undefined>((resolve) => {
			child.once("spawn", () => resolve(undefined));
			child.once("error", (error) => resolve(error));
		});
		if (started !== undefined || child.pid === undefined) {
			throw new SandboxUnavailableError(this.name, `cannot start /bin/sh: ${describe(started)}`, { cause: started });
		}
		const pgid = child.pid;
		// Later errors (a failed kill) must not crash the process: the outcome comes from exit and close.
		child.on("error", () => {});

		let stop: "timeout" | "abort" | undefined;
		let timer: NodeJS.Timeout | undefined;
		let onAbort: (() => void) | undefined;
		const stopped = new Promise<void>((resolve) => {
			timer = setTimeout(
				() => {
					stop = "timeout";
					resolve();
				},
				// setTimeout fires at once for delays beyond 2^31-1 ms; clamp "practically forever" to that.
				Math.min(Math.max(0, options.timeoutMs), MAX_TIMER_MS),
			);
			onAbort = () => {
				stop = "abort";
				resolve();
			};
			options.signal?.addEventListener("abort", onAbort, { once: true });
		});

		let exit: { code: number | null; signal: NodeJS.Signals | null };
		try {
			const first = await Promise.race([exited, stopped.then(() => undefined)]);
			if (first === undefined) await killProcessTree(pgid, this.killGraceMs);
			exit = first ?? (await exited);
		} finally {
			clearTimeout(timer);
			if (onAbort) options.signal?.removeEventListener("abort", onAbort);
		}

		// Nothing the command started may outlive exec(): a background process holding the pipes, or
		// one that let go of them, is stopped now.
		const pipesClosed = await Promise.race([closed.then(() => true), sleep(PIPE_CLOSE_GRACE_MS).then(() => false)]);
		if (!pipesClosed || (await processGroupAlive(pgid))) {
			await killProcessTree(pgid, this.killGraceMs);
			const closedAfterKill = await Promise.race([closed.then(() => true), sleep(1000).then(() => false)]);
			if (!closedAfterKill) {
				// A process outside the group (it called setsid) still holds the pipes; stop reading.
				child.stdout?.destroy();
				child.stderr?.destroy();
			}
		}

		return {
			exitCode: exit.code,
			signal: exit.signal,
			timedOut: stop === "timeout",
			cancelled: stop === "abort",
			output: capture.toString(),
			durationMs: elapsed(),
		};
	}

	private async checkCwd(cwd: string): Promise<void> {
		try {
			if ((await stat(cwd)).isDirectory()) return;
		} catch (error) {
			throw new SandboxUnavailableError(this.name, `working directory ${cwd} cannot be used: ${describe(error)}`, {
				cause: error,
			});
		}
		throw new SandboxUnavailableError(this.name, `working directory ${cwd} is not a directory`);
	}
}

function describe(error: unknown): string {
	if (error instanceof Error) return error.message;
	return error === undefined ? "no process id" : String(error);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
