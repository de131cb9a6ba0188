import { randomBytes } from "node:crypto";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";

/*
 * The kernel does not apply RLIMIT_NPROC to root (copy_process exempts the root user), so a fork
 * bomb run by root is bounded only by a pids cgroup. This finds a cgroup this process may create
 * children in, with the pids controller on: the v1 pids hierarchy, or a v2 cgroup whose
 * subtree_control has pids. Nothing here needs a cgroup manager; without write access there is
 * simply none.
 */

/** The `pids` cgroup folder of this process in which children can be made, or undefined. */
export async function findPidsCgroupParent(): Promise<string | undefined> {
	const [membership, mountinfo] = await Promise.all([
		readFile("/proc/self/cgroup", "utf8").catch(() => ""),
		readFile("/proc/self/mountinfo", "utf8").catch(() => ""),
	]);
	for (const candidate of candidates(membership, mountinfo)) {
		if (await canCreateChild(candidate.dir, candidate.version)) return candidate.dir;
	}
	return undefined;
}

interface Candidate {
	dir: string;
	version: 1 | 2;
}

/** Where this process's pids cgroup is, per hierarchy that has one (v1 first: it needs no delegation). */
export function candidates(membership: string, mountinfo: string): Candidate[] {
	const found: Candidate[] = [];
	const mounts = mountinfo
		.split("\n")
		.map((line) => {
			// "id parent major:minor root mountpoint options … - fstype source superoptions"
			const [before, after] = line.split(" - ");
			const fields = before?.split(" ") ?? [];
			const [fstype, , superOptions = ""] = after?.split(" ") ?? [];
			return { root: fields[3] ?? "", mountpoint: unescapeOctal(fields[4] ?? ""), fstype, superOptions };
		})
		.filter((mount) => mount.fstype === "cgroup" || mount.fstype === "cgroup2");
	for (const line of membership.split("\n")) {
		const match = /^\d+:([^:]*):(.*)$/.exec(line);
		if (!match) continue;
		const [, controllers = "", cgroupPath = "/"] = match;
		const v1 = controllers.split(",").includes("pids");
		const mount = mounts.find((m) =>
			v1 ? m.fstype === "cgroup" && m.superOptions.split(",").includes("pids") : m.fstype === "cgroup2",
		);
		if (!mount || (!v1 && controllers !== "")) continue;
		const relative = path.posix.relative(mount.root, cgroupPath);
		if (relative.startsWith("..")) continue;
		found.push({ dir: path.join(mount.mountpoint, relative), version: v1 ? 1 : 2 });
	}
	return found.sort((a, b) => a.version - b.version);
}

async function canCreateChild(dir: string, version: 1 | 2): Promise<boolean> {
	if (version === 2) {
		const enabled = await readFile(path.join(dir, "cgroup.subtree_control"), "utf8").catch(() => "");
		if (!enabled.split(/\s+/).includes("pids")) return false;
	}
	const probe = path.join(dir, `agent-evals-probe-${process.pid}-${randomBytes(3).toString("hex")}`);
	try {
		await mkdir(probe);
		await rmdir(probe);
		return true;
	} catch {
		return false;
	}
}

export interface PidsCgroup {
	/** Write a process id here to move it (and its future children) into the cgroup. */
	procs: string;
	/** Kills whatever is still inside, then deletes the cgroup. */
	remove(): Promise<void>;
}

/** A new child of `parent` allowing at most `max` processes and threads. */
export async function createPidsCgroup(parent: string, max: number): Promise<PidsCgroup> {
	const dir = path.join(parent, `agent-evals-${process.pid}-${randomBytes(4).toString("hex")}`);
	await mkdir(dir);
	try {
		await writeFile(path.join(dir, "pids.max"), String(max));
	} catch (error) {
		await rmdir(dir).catch(() => {});
		throw error;
	}
	const procs = path.join(dir, "cgroup.procs");
	return {
		procs,
		async remove() {
			for (let attempt = 0; attempt < 50; attempt++) {
				const pids = (await readFile(procs, "utf8").catch(() => ""))
					.split("\n")
					.filter((line) => /^\d+$/.test(line))
					.map(Number);
				for (const pid of pids) {
					try {
						process.kill(pid, "SIGKILL");
					} catch {
						// Gone already.
					}
				}
				try {
					await rmdir(dir);
					return;
				} catch (error) {
					const code = (error as NodeJS.ErrnoException).code;
					if (code === "ENOENT") return;
					if (code !== "EBUSY") throw error;
				}
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		},
	};
}

// mountinfo escapes space, tab, newline and backslash as octal.
function unescapeOctal(text: string): string {
	return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
