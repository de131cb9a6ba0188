import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { killProcessTree } from "../tools/process-tree.js";

/*
 * One run of a CLI agent as a child process: the leader of its own process group (so the shim
 * can stop it without stopping itself), stdout read line by line, the end of stderr kept for
 * the error a failed run reports.
 */

const STDERR_TAIL_CHARS = 4_000;
/**
 * Set in the CLI's environment, and so in everything it starts: how its commands are found
 * when they left its process tree as well as its group (Claude Code runs Bash commands in a
 * session of their own whose parent has already exited).
 */
export const RUN_MARKER_VARIABLE = "AGENT_EVALS_CLI_RUN";

export interface CliProcess {
	readonly pid: number | undefined;
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	readonly hasExited: boolean;
	stderrTail(): string;
	/** Stops the CLI and everything it started, also what left its process group. */
	kill(graceMs?: number): Promise<void>;
}

export function startCliProcess(options: {
	command: string;
	args: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	onLine: (line: string) => void;
	onStdoutEnd: () => void;
}): Promise<CliProcess> {
	const marker = `${RUN_MARKER_VARIABLE}=${randomBytes(8).toString("hex")}`;
	return new Promise((resolve, reject) => {
		const child = spawn(options.command, options.args, {
			cwd: options.cwd,
			env: { ...options.env, [RUN_MARKER_VARIABLE]: marker.split("=")[1] },
			detached: true,
			// No stdin: CLIs that read a prompt from a pipe would otherwise wait for it.
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stderr = "";
		child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
			stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
		});
		if (child.stdout) {
			const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
			lines.on("line", options.onLine);
			lines.on("close", options.onStdoutEnd);
		}
		let exitedFlag = false;
		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
			child.once("exit", (code, signal) => {
				exitedFlag = true;
				done({ code, signal });
			});
		});
		child.once("error", (error) => reject(new Error(`cannot start ${options.command}: ${error.message}`)));
		child.once("spawn", () => {
			const pid = child.pid;
			resolve({
				pid,
				exited,
				get hasExited() {
					return exitedFlag;
				},
				stderrTail: () => stderr,
				async kill(graceMs = 2_000) {
					if (pid === undefined) return;
					// Collected before the group is signalled: once a parent dies, its children
					// are re-parented and can no longer be told apart from anyone else's.
					const strays = await strayGroups(pid, marker);
					await Promise.all([pid, ...strays].map((group) => killProcessTree(group, graceMs)));
				},
			});
		});
	});
}

/**
 * Process groups that are not `pid`'s own but belong to its run: its descendants' (commands a
 * CLI runs in a terminal of their own: Codex's PTY sessions call setsid) and those of any
 * process whose environment carries the run's marker (commands that also left its tree).
 * Linux only (/proc); elsewhere the CLI's own group is all that is stopped.
 */
export async function strayGroups(pid: number, marker: string): Promise<number[]> {
	if (process.platform !== "linux") return [];
	let entries: string[];
	try {
		entries = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
	} catch {
		return [];
	}
	const parentOf = new Map<number, { ppid: number; pgrp: number }>();
	const marked = new Set<number>();
	await Promise.all(
		entries.map(async (name) => {
			const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
			if (!stat) return;
			// "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			parentOf.set(Number(name), { ppid: Number(fields[1]), pgrp: Number(fields[2]) });
			const environ = await readFile(`/proc/${name}/environ`, "utf8").catch(() => "");
			if (environ.split("\0").includes(marker)) marked.add(Number(name));
		}),
	);
	const inTree = new Set([pid, ...marked]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const [child, { ppid }] of parentOf) {
			if (!inTree.has(child) && inTree.has(ppid)) {
				inTree.add(child);
				grew = true;
			}
		}
	}
	const groups = new Set<number>();
	for (const member of inTree) {
		const pgrp = parentOf.get(member)?.pgrp;
		if (pgrp !== undefined && pgrp !== pid && pgrp > 1 && pgrp !== process.pid) groups.add(pgrp);
	}
	return [...groups];
}
