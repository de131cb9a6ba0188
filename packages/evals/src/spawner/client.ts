import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { killProcessTree } from "@agent-evals/agent/process-tree";
import { MAX_TIMER_MS, type ProcessLaunch, type ProcessRun, type RunProcessOptions } from "../sandbox/process.js";
import { SandboxUnavailableError } from "../sandbox/sandbox.js";
import { activeSpawner, setActiveSpawner } from "./active.js";
import { CommandError, type CommandOptions, type CommandOutput } from "./command.js";
import { type SpawnerReply, type SpawnerRequest, spawnerReply } from "./protocol.js";

/*
 * Why a helper process starts our commands: Linux copies a process's page tables on every fork, so
 * a child forked from a controller holding the embedded database (hundreds of megabytes, most of
 * it PGlite's WebAssembly memory) costs several times what it costs from a small process. The
 * helper is that small process. It is forked once, before the database opens, and from then on
 * every sandboxed command (`runProcessTree`) and short command (`runCommand`: git, find) of this
 * process starts there. If it dies, what it was running fails as infra (never as the work's
 * fault), the process groups it had started are stopped from here, and the next command starts a
 * new helper.
 */

interface Pending {
	/** The sandbox a tree runs for (errors name it); undefined for a command. */
	sandbox?: string;
	/** The tree's process group once started, to stop it if the helper dies first. */
	pgid?: number;
	settle(reply: Exclude<SpawnerReply, { type: "started" }>): void;
	fail(error: Error): void;
}

const CLOSE_WAIT_MS = 5000;

export class ProcessSpawner {
	private child: ChildProcess | undefined;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	private closed = false;
	/** How many helpers were started (more than one means one died and was replaced). */
	starts = 0;

	constructor(private readonly entry: string = spawnerEntry()) {}

	/** The helper's pid, while one runs. */
	get pid(): number | undefined {
		return this.child?.pid;
	}

	/** Forks the helper now, not at the first command: while this process is still small. */
	start(): void {
		this.helper();
	}

	runTree(sandbox: string, launch: ProcessLaunch, options: RunProcessOptions): Promise<ProcessRun> {
		return new Promise<ProcessRun>((resolve, reject) => {
			const id = this.nextId++;
			let unwatch = () => {};
			const stop = (why: Extract<SpawnerRequest, { type: "stop" }>["why"]) => {
				if (this.pending.has(id)) this.send({ type: "stop", id, why }, () => {});
			};
			const onAbort = () => stop({ kind: "abort" });
			const done = () => {
				unwatch();
				options.signal?.removeEventListener("abort", onAbort);
			};
			this.pending.set(id, {
				sandbox,
				settle: (reply) => {
					done();
					if (reply.type === "tree-ended") resolve({ result: reply.result, status: reply.status });
					else if (reply.type === "failed")
						reject(new SandboxUnavailableError(reply.sandbox ?? sandbox, reply.message));
					else reject(new SandboxUnavailableError(sandbox, `the process spawner answered ${reply.type} to a command`));
				},
				fail: (error) => {
					done();
					reject(error);
				},
			});
			this.send(
				{
					type: "run-tree",
					id,
					sandbox,
					launch,
					// JSON has no Infinity ("no limit"); the helper clamps to this anyway.
					timeoutMs: Math.min(options.timeoutMs, MAX_TIMER_MS),
					killGraceMs: options.killGraceMs,
					maxOutputBytes: options.maxOutputBytes,
				},
				(error) =>
					this.failOne(id, new SandboxUnavailableError(sandbox, `cannot reach the process spawner: ${error.message}`)),
			);
			if (options.signal?.aborted) onAbort();
			else options.signal?.addEventListener("abort", onAbort, { once: true });
			if (options.watch) unwatch = options.watch((reason) => stop({ kind: "limit", reason }));
		});
	}

	runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandOutput> {
		return new Promise<CommandOutput>((resolve, reject) => {
			const id = this.nextId++;
			this.pending.set(id, {
				settle: (reply) => {
					if (reply.type === "command-ended") resolve({ stdout: reply.stdout, stderr: reply.stderr });
					else if (reply.type === "failed") reject(new CommandError(reply.message, reply.code, reply.stderr ?? ""));
					else reject(new CommandError(`the process spawner answered ${reply.type} to ${file}`, null, ""));
				},
				fail: reject,
			});
			this.send(
				{
					type: "run-command",
					id,
					file,
					args: [...args],
					cwd: options.cwd,
					env: options.env ? definedOnly(options.env) : undefined,
					maxBuffer: options.maxBuffer,
				},
				(error) => this.failOne(id, new CommandError(`cannot reach the process spawner: ${error.message}`, null, "")),
			);
		});
	}

	/**
	 * Ends the helper: it stops what it still runs and exits. Commands after this start a new one
	 * (a closed spawner is no longer the active one, see `stopSpawner`).
	 */
	async close(): Promise<void> {
		this.closed = true;
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
		if (child.connected) child.disconnect();
		else child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), CLOSE_WAIT_MS);
		await exited;
		clearTimeout(timer);
	}

	private helper(): ChildProcess {
		if (this.child) return this.child;
		this.closed = false;
		// No inherited flags: a profiler's or a test runner's would apply to the helper too. No
		// stdout either: this process's may be a JSON report (`evals run --json`).
		const child = fork(this.entry, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
		this.starts++;
		child.on("message", (frame) => this.onReply(frame));
		// A failed fork or send also ends in "exit" (or a send callback); nothing more to do here.
		child.on("error", () => {});
		child.once("exit", (code, signal) => this.onExit(child, code, signal));
		this.child = child;
		this.updateRef();
		return child;
	}

	private send(request: SpawnerRequest, onError: (error: Error) => void): void {
		const child = this.helper();
		this.updateRef();
		child.send(request, (error) => {
			if (error) onError(error);
		});
	}

	private onReply(frame: unknown): void {
		const parsed = spawnerReply.safeParse(frame);
		if (!parsed.success) {
			// A helper that speaks another protocol is of no use: stop it; its commands fail as infra.
			this.child?.kill("SIGKILL");
			return;
		}
		const reply = parsed.data;
		const pending = this.pending.get(reply.id);
		if (!pending) return;
		if (reply.type === "started") {
			pending.pgid = reply.pgid;
			return;
		}
		this.pending.delete(reply.id);
		this.updateRef();
		pending.settle(reply);
	}

	private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
		if (this.child !== child) return;
		this.child = undefined;
		const how = signal ? `was killed (${signal})` : `exited (code ${code})`;
		for (const [id, pending] of this.pending) {
			// Its trees lead their own process groups and outlive it: stop them from here.
			if (pending.pgid !== undefined) void killProcessTree(pending.pgid, 0);
			const message = `the process spawner ${how}${this.closed ? " as it was closed" : ""}`;
			this.failOne(
				id,
				pending.sandbox !== undefined
					? new SandboxUnavailableError(pending.sandbox, message)
					: new CommandError(message, null, ""),
			);
		}
	}

	private failOne(id: number, error: Error): void {
		const pending = this.pending.get(id);
		if (!pending) return;
		this.pending.delete(id);
		this.updateRef();
		pending.fail(error);
	}

	// An idle helper must not keep this process alive; one with work in flight must.
	private updateRef(): void {
		const child = this.child;
		if (!child) return;
		if (this.pending.size > 0) {
			child.ref();
			child.channel?.ref();
		} else {
			child.unref();
			child.channel?.unref();
		}
	}
}

/**
 * From now on this process starts its commands through a spawner helper, forked now. Call it
 * before opening the embedded database; `stopSpawner` ends it.
 */
export function useSpawner(): ProcessSpawner {
	let spawner = activeSpawner();
	if (!spawner) {
		spawner = new ProcessSpawner();
		setActiveSpawner(spawner);
	}
	spawner.start();
	return spawner;
}

/** Back to starting commands in this process; the helper stops what it runs and exits. */
export async function stopSpawner(): Promise<void> {
	const spawner = activeSpawner();
	setActiveSpawner(undefined);
	await spawner?.close();
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
	return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function spawnerEntry(): string {
	// Resolved through the package's exports to the compiled entry point, never its sources.
	return createRequire(import.meta.url).resolve("@agent-evals/evals/spawner");
}
