import { readdir, readFile } from "node:fs/promises";

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Whether a process group still has a live member. `kill(-pgid, 0)` alone also succeeds for
 * zombies, and a container whose PID 1 does not reap orphans keeps killed grandchildren as zombies
 * forever; on Linux the members are therefore looked up in /proc and zombies do not count.
 */
export async function processGroupAlive(pgid: number): Promise<boolean> {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		return errorCode(error) === "EPERM";
	}
	if (process.platform !== "linux") return true;
	let entries: string[];
	try {
		entries = await readdir("/proc");
	} catch {
		return true;
	}
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
		// "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses.
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
	}
	return false;
}

/** Whether one process is alive; a zombie counts as dead. */
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

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (!(await processGroupAlive(pgid))) return true;
		if (Date.now() >= deadline) return false;
		await sleep(50);
	}
}

export const KILL_GRACE_MS = 2000;

/**
 * Stops a whole process group: SIGTERM first so test runners can clean up, SIGKILL for whatever
 * is left after the grace period. Resolves when the group is gone, or after one more second for
 * processes stuck in uninterruptible sleep (nothing more can be done about those).
 */
export async function killProcessGroup(pgid: number, graceMs = KILL_GRACE_MS): Promise<void> {
	if (!signalGroup(pgid, "SIGTERM")) return;
	if (await waitUntilGone(pgid, graceMs)) return;
	signalGroup(pgid, "SIGKILL");
	await waitUntilGone(pgid, 1000);
}
