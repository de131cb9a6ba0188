import { stat } from "node:fs/promises";
import { KILL_GRACE_MS } from "@agent-evals/agent/process-tree";
import { withoutSecrets } from "@agent-evals/types";
import { runProcessTree } from "./process.js";
import { type ExecOptions, type ExecResult, type Sandbox, SandboxUnavailableError } from "./sandbox.js";

/**
 * Code under test must not read the controller's credentials: variables that look like secrets
 * (API keys, tokens, passwords, connection strings with passwords) are left out of the inherited
 * environment. A caller that really wants one passes it in `env`.
 */
export function inheritedEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
	return withoutSecrets(source);
}

export interface LocalSandboxOptions {
	/** SIGTERM → SIGKILL grace when stopping a process tree. */
	killGraceMs?: number;
}

/**
 * Runs commands as child processes of this one, each leading its own process group so a timeout
 * or cancellation reaches every process the command started. It confines nothing else (files,
 * network): that is what the bwrap sandbox is for. POSIX only.
 */
export class LocalSandbox implements Sandbox {
	readonly name = "local";
	readonly offline = false;
	readonly confinesWrites = false;
	private readonly killGraceMs: number;

	constructor(options: LocalSandboxOptions = {}) {
		this.killGraceMs = options.killGraceMs ?? KILL_GRACE_MS;
	}

	async exec(command: string, options: ExecOptions): Promise<ExecResult> {
		await checkDirectory(this.name, options.cwd);
		if (options.signal?.aborted) return notStarted();
		const launch = {
			file: "/bin/sh",
			args: ["-c", command],
			cwd: options.cwd,
			env: { ...inheritedEnvironment(), ...options.env },
		};
		const { result } = await runProcessTree(this.name, launch, { ...options, killGraceMs: this.killGraceMs });
		return result;
	}
}

/** The result of a command whose signal was aborted before it started. */
export function notStarted(): ExecResult {
	return { exitCode: null, signal: null, timedOut: false, cancelled: true, output: "", durationMs: 0 };
}

/** A working directory that is missing or not a folder is the sandbox's problem, not the command's. */
export async function checkDirectory(sandbox: string, dir: string): Promise<void> {
	try {
		if ((await stat(dir)).isDirectory()) return;
	} catch (error) {
		throw new SandboxUnavailableError(sandbox, `working directory ${dir} cannot be used: ${describe(error)}`, {
			cause: error,
		});
	}
	throw new SandboxUnavailableError(sandbox, `working directory ${dir} is not a directory`);
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
