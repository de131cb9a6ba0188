import { execFile } from "node:child_process";
import { activeSpawner } from "./active.js";

export interface CommandOptions {
	cwd?: string;
	/** The command's whole environment; default this process's. */
	env?: NodeJS.ProcessEnv;
	/** Output beyond this many bytes (stdout or stderr) fails the command. */
	maxBuffer: number;
}

export interface CommandOutput {
	stdout: string;
	stderr: string;
}

/** The command could not start, exited non-zero or printed too much; `code` as `execFile` gives it. */
export class CommandError extends Error {
	constructor(
		message: string,
		readonly code: number | string | null | undefined,
		readonly stderr: string,
	) {
		super(message);
		this.name = "CommandError";
	}
}

/**
 * Runs a short command to its end (git, find) and resolves with what it printed, rejecting with a
 * CommandError as `execFile` would. Started by this process's spawner helper when it has one.
 */
export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandOutput> {
	const spawner = activeSpawner();
	return spawner ? spawner.runCommand(file, args, options) : runCommandHere(file, args, options);
}

/** `runCommand` in this very process. */
export function runCommandHere(file: string, args: readonly string[], options: CommandOptions): Promise<CommandOutput> {
	return new Promise((resolve, reject) => {
		execFile(
			file,
			args,
			{ cwd: options.cwd, env: options.env, maxBuffer: options.maxBuffer, encoding: "utf8" },
			(error, stdout, stderr) => {
				if (error) reject(new CommandError(error.message, error.code, stderr));
				else resolve({ stdout, stderr });
			},
		);
	});
}
