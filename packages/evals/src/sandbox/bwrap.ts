import { constants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { KILL_GRACE_MS } from "@agent-evals/agent/process-tree";
import { findPidsCgroupParent, formatBytes, prepareLaunch, watchDiskSpace } from "@agent-evals/agent/sandbox";
import type { Language, SandboxLimits, SandboxProfile } from "@agent-evals/types";
import { evalsHome } from "../run/defaults.js";
import { allowedEnvironment } from "./environment.js";
import { checkDirectory, notStarted } from "./local.js";
import { runProcessTree } from "./process.js";
import { type ExecOptions, type ExecResult, type Sandbox, SandboxUnavailableError } from "./sandbox.js";
import { type ToolchainLayout, toolchainLayout } from "./toolchains.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Per process (setrlimit): generous for a build or a test run, fatal for a runaway one. The
 * command's own time limit (the grading or agent timeout) stays the main bound; these catch what
 * a wall clock cannot: memory, files, processes.
 */
export const DEFAULT_BWRAP_LIMITS: SandboxLimits = {
	cpuSeconds: 900,
	/*
	 * RLIMIT_DATA counts reserved writable memory, not what is used: a test starting a thousand
	 * threads reserves 8 GiB of stacks it barely touches. Half the machine, within 4–16 GiB,
	 * admits that and still stops an allocation that runs away.
	 */
	memoryBytes: Math.min(16 * GiB, Math.max(4 * GiB, Math.floor(os.totalmem() / 2))),
	// Threads count: a test may start a thousand at once (Exercism's C++ bank-account does).
	processes: 4096,
	fileSizeBytes: 1 * GiB,
	openFiles: 8192,
	tmpfsBytes: 512 * MiB,
	minFreeDiskBytes: 1 * GiB,
};

// The fd the sandboxed shell reports it started on (0-2 are the command's stdio).
const STATUS_FD = 3;

export interface BwrapSandboxOptions {
	limits?: Partial<SandboxLimits>;
	/** The environment toolchains and allowed variables are taken from. Default: this process's. */
	env?: NodeJS.ProcessEnv;
	/** More paths commands must not see (the suite with its reference solutions). */
	hidden?: readonly string[];
	/** SIGTERM → SIGKILL grace when stopping a command. */
	killGraceMs?: number;
}

/**
 * Every command in a bubblewrap sandbox (see `launchPlan` in @agent-evals/agent/sandbox): the
 * system read-only, the workspace the only writable host folder, $HOME and /tmp private and
 * empty but for the toolchains, no network, its own PID namespace (nothing outlives it), no
 * capabilities, and rlimits; toolchain caches that tools insist on writing come through
 * per-command overlays. Linux only; needs bwrap, and util-linux's unshare and prlimit.
 */
export class BwrapSandbox implements Sandbox {
	readonly name = "bwrap";
	readonly offline = true;
	// The host is mounted read-only and every cache is an overlay whose writes are thrown away.
	readonly confinesWrites = true;
	private profileReady: Promise<SandboxProfile> | undefined;
	private layoutReady: Promise<ToolchainLayout> | undefined;
	private availability: Promise<string | undefined> | undefined;

	constructor(private readonly options: BwrapSandboxOptions = {}) {}

	/** Resolved once: paths of the tools, the toolchain folders, the allowed environment, the limits. */
	profile(): Promise<SandboxProfile> {
		this.layoutReady ??= toolchainLayout(this.options.env ?? process.env);
		this.profileReady ??= buildProfile(this.options, this.layoutReady);
		return this.profileReady;
	}

	agentProfile(): Promise<SandboxProfile> {
		return this.profile();
	}

	/** The profile for one command: with only its language's toolchain overlays when it names one. */
	private async commandProfile(language: Language | undefined): Promise<SandboxProfile> {
		const profile = await this.profile();
		if (language === undefined) return profile;
		const layout = await this.layoutReady;
		const own = new Set(layout?.overlaysByLanguage[language] ?? profile.overlays);
		return { ...profile, overlays: profile.overlays.filter((dir) => own.has(dir)) };
	}

	/** Runs `true` through the whole sandbox once: whatever stops it is the reason. */
	unavailableReason(): Promise<string | undefined> {
		this.availability ??= (async () => {
			if (process.platform !== "linux") return "bubblewrap needs Linux";
			const dir = await mkdtemp(path.join(os.tmpdir(), "agent-evals-bwrap-probe-"));
			try {
				const result = await this.exec("true", { cwd: dir, timeoutMs: 30_000 });
				if (result.exitCode === 0) return undefined;
				return `a test command failed in the sandbox (${result.exitCode ?? result.signal}): ${lastLine(result.output)}`;
			} catch (error) {
				return error instanceof SandboxUnavailableError
					? error.message.replace(/^sandbox "bwrap" unavailable: /, "")
					: String(error);
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		})();
		return this.availability;
	}

	async exec(command: string, options: ExecOptions): Promise<ExecResult> {
		const workspace = options.workspace ?? options.cwd;
		await checkDirectory(this.name, options.cwd);
		if (workspace !== options.cwd) await checkDirectory(this.name, workspace);
		if (options.signal?.aborted) return notStarted();
		const profile = await this.commandProfile(options.language);
		let launch: Awaited<ReturnType<typeof prepareLaunch>>;
		try {
			launch = await prepareLaunch(profile, {
				command,
				cwd: options.cwd,
				workspace,
				env: options.env,
				writable: options.writablePaths,
				readOnly: options.readablePaths,
				statusFd: STATUS_FD,
			});
		} catch (error) {
			throw new SandboxUnavailableError(this.name, `cannot prepare the sandbox: ${(error as Error).message}`, {
				cause: error,
			});
		}
		try {
			const { result, status } = await runProcessTree(
				this.name,
				{ file: launch.file, args: launch.args, cwd: workspace, env: launch.env, statusPipe: true },
				{
					...options,
					killGraceMs: this.options.killGraceMs ?? KILL_GRACE_MS,
					watch: (stop) =>
						watchDiskSpace(workspace, profile.limits.minFreeDiskBytes, (free) =>
							stop(
								`the workspace's disk has ${formatBytes(free)} free, less than the ${formatBytes(profile.limits.minFreeDiskBytes)} the sandbox keeps free`,
							),
						),
				},
			);
			// The shell inside says "started" once everything is mounted and the limits are set; without
			// it the sandbox never stood, and the output is bwrap's (or mount's) complaint, not the command's.
			const stood = status.includes("started");
			if (!stood && !result.timedOut && !result.cancelled && result.stoppedBecause === undefined) {
				throw new SandboxUnavailableError(this.name, `the sandbox did not start: ${lastLine(result.output)}`);
			}
			return result;
		} finally {
			await launch.release();
		}
	}
}

async function buildProfile(
	options: BwrapSandboxOptions,
	layoutReady: Promise<ToolchainLayout>,
): Promise<SandboxProfile> {
	const source = options.env ?? process.env;
	const [bwrap, unshare, prlimit] = await Promise.all(
		["bwrap", "unshare", "prlimit"].map((tool) => findOnPath(tool, source.PATH)),
	);
	if (bwrap === undefined) {
		throw new SandboxUnavailableError(
			"bwrap",
			"bwrap is not on PATH (install bubblewrap, e.g. apt-get install bubblewrap)",
		);
	}
	for (const [tool, found] of [
		["unshare", unshare],
		["prlimit", prlimit],
	] as const) {
		if (found === undefined) throw new SandboxUnavailableError("bwrap", `${tool} is not on PATH (install util-linux)`);
	}
	const home = source.HOME || os.homedir();
	const layout = await layoutReady;
	const limits = { ...DEFAULT_BWRAP_LIMITS, ...options.limits };
	// The kernel exempts root from RLIMIT_NPROC; a pids cgroup bounds a fork bomb instead.
	const pidsCgroup = process.geteuid?.() === 0 ? await findPidsCgroupParent() : undefined;
	return {
		kind: "bwrap",
		bwrap,
		unshare: unshare ?? "unshare",
		prlimit: prlimit ?? "prlimit",
		readOnly: layout.readOnly,
		overlays: layout.overlays,
		private: [...new Set([home, "/tmp", os.tmpdir(), source.TMPDIR].filter(isSet))],
		hidden: [
			...new Set(
				[
					// Other users' homes, sockets of the machine's services (PostgreSQL, Redis, D-Bus,
					// Docker), the platform's database and work folders, the services' data.
					"/home",
					"/root",
					"/var/tmp",
					"/run",
					source.XDG_RUNTIME_DIR,
					evalsHome(source),
					"/var/lib/postgresql",
					"/var/lib/redis",
					"/var/lib/mysql",
					"/etc/ssh",
					"/etc/shadow",
					"/etc/gshadow",
					...(options.hidden ?? []),
				]
					.filter(isSet)
					.map((dir) => path.resolve(dir)),
			),
		],
		env: { ...allowedEnvironment(source), ...layout.env, HOME: home, TMPDIR: "/tmp" },
		limits,
		...(pidsCgroup !== undefined ? { pidsCgroup } : {}),
	};
}

function isSet(value: string | undefined): value is string {
	return value !== undefined && value !== "";
}

async function findOnPath(tool: string, searchPath: string | undefined): Promise<string | undefined> {
	for (const dir of (searchPath ?? "").split(path.delimiter)) {
		if (dir === "") continue;
		const candidate = path.join(dir, tool);
		if (
			await access(candidate, constants.X_OK).then(
				() => true,
				() => false,
			)
		)
			return candidate;
	}
	return undefined;
}

function lastLine(output: string): string {
	return (
		output
			.split("\n")
			.map((line) => line.trim())
			.filter(Boolean)
			.at(-1) ?? "(no output)"
	);
}
