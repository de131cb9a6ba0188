import { z } from "zod";

/**
 * Limits a confining sandbox puts on every process of a command (setrlimit, so per process, not
 * per command), and on the memory-backed folders it gives the command.
 */
export const sandboxLimitsSchema = z
	.object({
		/** RLIMIT_CPU: CPU seconds each process may use before the kernel kills it. */
		cpuSeconds: z.number().int().positive(),
		/** RLIMIT_DATA: bytes of heap and private writable mappings per process. */
		memoryBytes: z.number().int().positive(),
		/** RLIMIT_NPROC (and a pids cgroup where the kernel ignores that limit, for root): processes and threads. */
		processes: z.number().int().positive(),
		/** RLIMIT_FSIZE: the largest file a process may write. */
		fileSizeBytes: z.number().int().positive(),
		/** RLIMIT_NOFILE: open file descriptors per process. */
		openFiles: z.number().int().positive(),
		/** Size of each private tmpfs: /tmp, $HOME, /dev/shm, and the one holding the writable overlays. */
		tmpfsBytes: z.number().int().positive(),
		/** The command is stopped when the workspace's file system has less than this free. */
		minFreeDiskBytes: z.number().int().nonnegative(),
	})
	.strict();
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

/**
 * How a process that runs commands itself (the agent's `execute_command`) confines them the way
 * the run's `bwrap` sandbox confines grading: the runner resolves every path and variable, the
 * agent only follows it. Travels as JSON in the agent's environment (`AGENT_EVALS_SANDBOX`), so a
 * project settings file in the workspace cannot switch it off. Holds no secrets by construction:
 * `env` is an allow-list.
 */
export const sandboxProfileSchema = z
	.object({
		kind: z.literal("bwrap"),
		/** Absolute path of the bwrap binary. */
		bwrap: z.string().min(1),
		/** Absolute path of util-linux `unshare` (mounts the overlays in a private mount namespace). */
		unshare: z.string().min(1),
		/** Absolute path of util-linux `prlimit` (sets the limits inside the sandbox). */
		prlimit: z.string().min(1),
		/** Folders shown read-only again inside a hidden one (toolchains under $HOME). */
		readOnly: z.array(z.string().min(1)),
		/** Folders the tools insist on writing (build caches): read-only below, writes go to a per-command tmpfs. */
		overlays: z.array(z.string().min(1)),
		/** Folders replaced by an empty, writable private tmpfs of `limits.tmpfsBytes`: $HOME, /tmp. */
		private: z.array(z.string().min(1)),
		/** Paths the command must not see: folders become an empty tiny tmpfs, files /dev/null (/run, the platform's data). */
		hidden: z.array(z.string().min(1)),
		/** The whole environment of a command, before the caller's own variables. */
		env: z.record(z.string(), z.string()),
		limits: sandboxLimitsSchema,
		/** A pids cgroup to create each command's cgroup under, when RLIMIT_NPROC does not bind (root). */
		pidsCgroup: z.string().min(1).optional(),
	})
	.strict();
export type SandboxProfile = z.infer<typeof sandboxProfileSchema>;

/** The variable that carries a `SandboxProfile` to the agent. */
export const SANDBOX_PROFILE_ENV = "AGENT_EVALS_SANDBOX";

/*
 * Variables that look like credentials by name (keys, tokens, passwords; AUTH but not AUTHOR,
 * which git needs), the platform's own connection strings, and any value that carries a password
 * in a URL (a proxy such as http://user:secret@host). Code under test never gets them.
 */
const SECRET_ENV_NAME =
	/(API_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|AUTH(?!OR))|^(DATABASE_URL|REDIS_URL)$/i;
const PASSWORD_IN_URL = /:\/\/[^/\s:@]+:[^/\s@]+@/;

export function isSecretEnvVariable(name: string, value: string): boolean {
	return SECRET_ENV_NAME.test(name) || PASSWORD_IN_URL.test(value);
}

/** `source` without the variables `isSecretEnvVariable` refuses (and without unset ones). */
export function withoutSecrets(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(source)) {
		if (value !== undefined && !isSecretEnvVariable(name, value)) env[name] = value;
	}
	return env;
}
