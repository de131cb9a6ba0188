import { randomInt } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";

/**
 * A `sleep` argument no other process on the machine has: `sleep 31.<digits>` is a valid duration,
 * and from outside any PID namespace it tells whether that very process still runs. Pid files do
 * not work for that: a sandbox with its own PID namespace writes its own numbering into them.
 */
export function uniqueSleep(seconds = 30): string {
	return `${seconds}.${randomInt(100_000_000, 999_999_999)}`;
}

/** Pids of this machine's live processes whose command line contains `marker` (zombies do not count). */
export async function processesWith(marker: string): Promise<number[]> {
	const found: number[] = [];
	for (const name of await readdir("/proc")) {
		if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
		const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
		if (!cmdline.replaceAll("\0", " ").includes(marker)) continue;
		const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
		const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
		if (state !== "Z" && state !== "X" && state !== undefined && state !== "") found.push(Number(name));
	}
	return found;
}

/** Waits until a process with `marker` runs (the command got as far as starting it). */
export async function waitForProcess(marker: string, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((await processesWith(marker)).length === 0) {
		if (Date.now() > deadline) throw new Error(`no process with "${marker}" started`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/**
 * Waits up to `timeoutMs` for every process with `marker` to be gone and returns those still
 * there. Signalled processes take a moment to go on a loaded machine; one that was never stopped
 * outlives the wait (give it a sleep far longer than that).
 */
export async function processesLeft(marker: string, timeoutMs = 5_000): Promise<number[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const left = await processesWith(marker);
		if (left.length === 0 || Date.now() > deadline) return left;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
