import path from "node:path";
import type { SandboxProfile } from "@agent-evals/types";

/** One command to run confined, as the caller sees it. */
export interface ConfinedRequest {
	/** A shell command line, run with /bin/sh -c. */
	command: string;
	/** Absolute working directory; inside the workspace or one of `writable`/`readOnly`. */
	cwd: string;
	/** The task's workspace: the one host folder the command may change. */
	workspace: string;
	/** Variables over the profile's environment (the caller's own: CI, NO_COLOR, a PATH with shims). */
	env?: Record<string, string>;
	/** More host folders the command may change (a build folder grading keeps outside the workspace). */
	writable?: readonly string[];
	/** More host folders the command may read although they are hidden (a link to the workspace). */
	readOnly?: readonly string[];
	/**
	 * An inherited fd the sandboxed shell writes `started` to (and closes) just before it runs the
	 * command: without it, the output is the sandbox's own complaint (bwrap, mount), not the command's.
	 */
	statusFd?: number;
}

/** What exists on the host for one launch: made before it, removed after it. */
export interface LaunchResources {
	/** An empty folder the overlays' tmpfs is mounted on, inside the command's own mount namespace. */
	scratch?: string;
	/** The `cgroup.procs` file of the command's own pids cgroup. */
	cgroupProcs?: string;
	/** Whether this process runs as root: then it needs no user namespace for mounting. */
	asRoot: boolean;
	/** Which of the profile's hidden paths are files (replaced by /dev/null); the rest are folders. */
	hiddenFiles?: readonly string[];
}

// Hidden folders get a tmpfs this small: room for the mount points of what is bound inside, no more.
const HIDDEN_TMPFS_BYTES = 1024 * 1024;

export interface LaunchPlan {
	file: string;
	args: string[];
	/** The command's whole environment. Nothing of it travels in argv, where `ps` would show it. */
	env: Record<string, string>;
}

/*
 * Mounts a tmpfs on the scratch folder and one overlay per cache on it, inside the private mount
 * namespace `unshare` made, then hands over to bwrap, which binds each merged folder where its
 * cache lives. Writes go to the tmpfs and vanish with the namespace; the host's cache is never
 * written. Arguments: scratch, tmpfs size, extra overlay options, count, the lower folders, then
 * the command to exec.
 */
const OVERLAY_SCRIPT = [
	"set -e",
	"scratch=$1 size=$2 extra=$3 count=$4",
	"shift 4",
	// mount lives in /usr/bin or /bin; the command's own PATH is left as it is for the exec below.
	'PATH=/usr/sbin:/usr/bin:/sbin:/bin mount -t tmpfs -o "size=$size,mode=0700" agent-evals "$scratch"',
	// One mkdir for every overlay's folders: each process here is paid for on every command.
	'i=0 dirs=""',
	'while [ "$i" -lt "$count" ]; do dirs="$dirs u$i w$i m$i"; i=$((i + 1)); done',
	// Unquoted on purpose: the names are ours (u0 w0 m0 …), relative to the scratch folder.
	'cd "$scratch" && mkdir $dirs && cd /',
	"i=0",
	'while [ "$i" -lt "$count" ]; do',
	'  PATH=/usr/sbin:/usr/bin:/sbin:/bin mount -t overlay agent-evals -o "lowerdir=$1,upperdir=$scratch/u$i,workdir=$scratch/w$i$extra" "$scratch/m$i"',
	"  shift",
	"  i=$((i + 1))",
	"done",
	'exec "$@"',
].join("\n");

// Puts the shell, and so everything it execs, into the command's pids cgroup before anything runs.
const CGROUP_SCRIPT = 'echo $$ > "$0" && exec "$@"';

/**
 * The argv that runs `request` in the profile's sandbox: [a pids cgroup] → [unshare + overlays] →
 * bwrap (read-only system, hidden $HOME, /tmp and platform folders, the workspace the only
 * writable host folder, no network, own PID namespace, no capabilities, no new user namespaces)
 * → prlimit (the limits) → /bin/sh -c command. Pure: the caller creates the resources.
 */
export function launchPlan(profile: SandboxProfile, request: ConfinedRequest, resources: LaunchResources): LaunchPlan {
	const overlays = profile.overlays.filter(usableAsOverlay);
	const readOnly = [...profile.readOnly, ...profile.overlays.filter((dir) => !usableAsOverlay(dir))];
	if (overlays.length > 0 && resources.scratch === undefined) throw new Error("overlays need a scratch folder");
	const { limits } = profile;
	const limit = (name: string, value: number) => `--${name}=${value}:${value}`;
	const inside = [
		profile.prlimit,
		limit("cpu", limits.cpuSeconds),
		limit("data", limits.memoryBytes),
		limit("nproc", limits.processes),
		limit("fsize", limits.fileSizeBytes),
		limit("nofile", limits.openFiles),
		"--core=0:0",
		"--",
		"/bin/sh",
		"-c",
		...(request.statusFd === undefined
			? [request.command]
			: [
					`printf started >&${request.statusFd}; exec ${request.statusFd}>&-; exec /bin/sh -c "$1"`,
					"agent-evals-sandbox",
					request.command,
				]),
	];

	const size = String(limits.tmpfsBytes);
	const bwrap: string[] = [
		profile.bwrap,
		"--die-with-parent",
		"--unshare-all",
		"--unshare-user",
		"--disable-userns",
		"--cap-drop",
		"ALL",
		"--ro-bind",
		"/",
		"/",
		"--dev",
		"/dev",
		"--proc",
		"/proc",
		"--size",
		size,
		"--tmpfs",
		"/dev/shm",
	];
	// Parents before children: a tmpfs on a parent would cover a child mounted before it.
	const files = new Set(resources.hiddenFiles ?? []);
	const privateDirs = new Set(profile.private.map((dir) => path.resolve(dir)));
	for (const target of byDepth([...profile.private, ...profile.hidden])) {
		if (files.has(target)) bwrap.push("--ro-bind", "/dev/null", target);
		else bwrap.push("--size", privateDirs.has(target) ? size : String(HIDDEN_TMPFS_BYTES), "--tmpfs", target);
	}
	for (const dir of byDepth(readOnly)) bwrap.push("--ro-bind-try", dir, dir);
	overlays.forEach((dir, index) => {
		bwrap.push("--bind", path.join(resources.scratch ?? "", `m${index}`), dir);
	});
	for (const dir of byDepth(request.readOnly ?? [])) bwrap.push("--ro-bind-try", dir, dir);
	bwrap.push("--bind", request.workspace, request.workspace);
	for (const dir of byDepth(request.writable ?? [])) bwrap.push("--bind", dir, dir);
	bwrap.push("--chdir", request.cwd, "--", ...inside);

	let argv = bwrap;
	if (overlays.length > 0) {
		argv = [
			profile.unshare,
			"--mount",
			"--propagation",
			"private",
			// Without root, mounting needs a user namespace of our own, and overlayfs there keeps
			// its bookkeeping in user.* attributes.
			...(resources.asRoot ? [] : ["--user", "--map-root-user"]),
			"--",
			"/bin/sh",
			"-c",
			OVERLAY_SCRIPT,
			"agent-evals-overlays",
			resources.scratch ?? "",
			size,
			resources.asRoot ? "" : ",userxattr",
			String(overlays.length),
			...overlays,
			...argv,
		];
	}
	if (resources.cgroupProcs !== undefined) argv = ["/bin/sh", "-c", CGROUP_SCRIPT, resources.cgroupProcs, ...argv];
	const [file, ...args] = argv;
	return { file: file ?? profile.bwrap, args, env: { ...profile.env, ...request.env } };
}

/** overlayfs separates lower folders with ':' and options with ','; such paths are shown read-only instead. */
export function usableAsOverlay(dir: string): boolean {
	return !/[:,\\]/.test(dir);
}

function byDepth(dirs: readonly string[]): string[] {
	return [...new Set(dirs.map((dir) => path.resolve(dir)))].sort(
		(a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b),
	);
}
