import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { errorCode } from "./fs-utils.js";

const isWindows = process.platform === "win32";

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether a process group still has a live member. `kill(-pgid, 0)` alone is not enough: it also
 * succeeds for zombies, and in containers whose PID 1 does not reap orphans, killed grandchildren
 * stay zombies forever. On Linux the group's members are therefore checked in /proc.
 */
export async function processGroupAlive(pgid: number): Promise<boolean> {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		return errorCode(error) === "EPERM";
	}
	if (process.platform !== "linux") return true;
	let pids: string[];
	try {
		pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
	} catch {
		return true;
	}
	// Read side by side: one after another, a few dozen processes took ~50 ms, paid on every command.
	const members = await Promise.all(
		pids.map(async (pid) => {
			const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
			// "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so parse after the last ")".
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			return Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X";
		}),
	);
	return members.includes(true);
}

/** Whether a single process is alive (zombies count as dead). */
export async function processAlive(pid: number): Promise<boolean> {
	try {
		process.kill(pid, 0);
	} catch (error) {
		return errorCode(error) === "EPERM";
	}
	if (process.platform !== "linux") return true;
	const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
	const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
	return state !== undefined && state !== "" && state !== "Z" && state !== "X";
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!(await processGroupAlive(pgid))) return true;
		if (Date.now() >= deadline) return false;
		await sleep(50);
	}
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

export const KILL_GRACE_MS = 2000;

/**
 * Ends a command and everything it started. On POSIX the command leads its own process group
 * (spawned detached), so one signal reaches the shell, its children and theirs: SIGTERM first so
 * programs can clean up, SIGKILL for whatever is still there after the grace period. Resolves
 * once the group is gone (or after a final second, for processes stuck in the kernel).
 */
export async function killProcessTree(pid: number, graceMs = KILL_GRACE_MS): Promise<void> {
	if (isWindows) {
		await new Promise<void>((resolve) => {
			const killer = spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore", windowsHide: true });
			killer.on("exit", () => resolve());
			killer.on("error", () => resolve());
		});
		return;
	}
	if (!signalGroup(pid, "SIGTERM")) return;
	if (await waitUntilGone(pid, graceMs)) return;
	signalGroup(pid, "SIGKILL");
	await waitUntilGone(pid, 1000);
}
