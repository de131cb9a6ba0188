import { LocalSandbox } from "../sandbox/local.js";
import type { ExecOptions, ExecResult } from "../sandbox/sandbox.js";
import { SharedWork } from "./shared-work.js";

/*
 * Commands the grader itself runs on this machine, outside the task's sandbox: fetching a package
 * manager and installing an exercise's pristine dependencies into the shared cache. They need the
 * network and write outside the workspace, which a confining sandbox (bwrap: read-only system, no
 * network) rightly refuses the code under test; and they run only what the suite declares, never
 * the agent's work. The local sandbox is still the right tool for them: a process group with a
 * timeout that kills the whole tree.
 */
const host = new LocalSandbox();

export function runOnHost(command: string, options: ExecOptions): Promise<ExecResult> {
	return host.exec(command, options);
}

const probes = new SharedWork<string>();
const answers = new Map<string, string>();

/**
 * The output of a cheap question to the machine (`npm config get registry`, the node ABI), asked
 * once per process and environment: the answers do not change while a run grades.
 */
export async function askHostOnce(command: string, options: ExecOptions): Promise<string> {
	const key = `${command}\0${options.cwd}\0${options.env?.PATH ?? ""}`;
	const known = answers.get(key);
	if (known !== undefined) return known;
	const { value } = await probes.run(
		key,
		async () => {
			const result = await runOnHost(command, { ...options, signal: undefined });
			if (result.exitCode !== 0) {
				const why = result.timedOut ? "timed out" : `exit code ${result.exitCode ?? result.signal}`;
				throw new Error(`\`${command}\` failed (${why}): ${lastLine(result.output)}`);
			}
			answers.set(key, result.output);
			return result.output;
		},
		options.signal,
	);
	return value;
}

/** The last line of output that says something (not a stack frame, not Node's version footer). */
export function lastLine(output: string): string {
	const lines = output
		.split("\n")
		.map((line) => line.trim())
		.filter((line) => line !== "" && !line.startsWith("at ") && !/^Node\.js v\d/.test(line));
	return lines.at(-1) ?? "(no output)";
}
