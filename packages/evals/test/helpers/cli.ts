import { spawn } from "node:child_process";
import { join } from "node:path";
import { EVALS_CLI } from "./runner.js";

export const REPO_ROOT = join(EVALS_CLI, "..", "..", "..", "..", "..");

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/**
 * Runs the built CLI (`node dist/cli/main.js ...args`) as a user does, with only the given
 * EVALS_HOME: never this shell's DATABASE_URL, REDIS_URL, EVALS_DEBUG or EVALS_API_TOKEN unless
 * `env` sets them (a value of undefined removes a variable). Killed after `timeoutMs`.
 */
export function runCli(
	args: string[],
	options: { home: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<CliResult> {
	const env = cliEnv(options.home, options.env);
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [EVALS_CLI, ...args], {
			cwd: REPO_ROOT,
			env,
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
			stdout += chunk;
		});
		child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
			stderr += chunk;
		});
		const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
		child.on("error", (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** This process's environment for a CLI child: the given home, no shared services unless `extra` says. */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, EVALS_HOME: home };
	for (const name of ["DATABASE_URL", "REDIS_URL", "EVALS_DEBUG", "EVALS_API_TOKEN"]) delete env[name];
	for (const [name, value] of Object.entries(extra)) {
		if (value === undefined) delete env[name];
		else env[name] = value;
	}
	return env;
}

/** For failure messages: everything the process said. */
export const said = (result: CliResult) =>
	`exit ${result.code} (signal ${result.signal}) after ${result.ms} ms\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
