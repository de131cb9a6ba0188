import { z } from "zod";

/*
 * The frames between a controller and its spawner helper (see client.ts), over Node's IPC channel.
 * Both ends are ours, but a frame is still checked where it arrives: a helper from another build
 * must fail with a message, not with an undefined field deep in a sandbox.
 */

const env = z.record(z.string(), z.string());

const launch = z.object({
	file: z.string().min(1),
	args: z.array(z.string()),
	cwd: z.string().min(1),
	env,
	statusPipe: z.boolean().optional(),
});

/** Runs a launched command as a process tree (`runProcessTreeHere`). */
const runTree = z.object({
	type: z.literal("run-tree"),
	id: z.number().int(),
	sandbox: z.string(),
	launch,
	timeoutMs: z.number(),
	killGraceMs: z.number(),
	maxOutputBytes: z.number().optional(),
});

/** Ends a running tree early: a cancellation, or a limit the controller saw it break. */
const stopTree = z.object({
	type: z.literal("stop"),
	id: z.number().int(),
	why: z.discriminatedUnion("kind", [
		z.object({ kind: z.literal("abort") }),
		z.object({ kind: z.literal("limit"), reason: z.string() }),
	]),
});

/** Runs a short command to its end and answers with what it printed (`runCommandHere`). */
const runCommand = z.object({
	type: z.literal("run-command"),
	id: z.number().int(),
	file: z.string().min(1),
	args: z.array(z.string()),
	cwd: z.string().optional(),
	env: env.optional(),
	maxBuffer: z.number().int().positive(),
});

export const spawnerRequest = z.discriminatedUnion("type", [runTree, stopTree, runCommand]);
export type SpawnerRequest = z.infer<typeof spawnerRequest>;
export type RunTreeRequest = z.infer<typeof runTree>;
export type RunCommandRequest = z.infer<typeof runCommand>;

const execResult = z.object({
	exitCode: z.number().nullable(),
	signal: z.string().nullable(),
	timedOut: z.boolean(),
	cancelled: z.boolean(),
	output: z.string(),
	durationMs: z.number(),
	stoppedBecause: z.string().optional(),
});

export const spawnerReply = z.discriminatedUnion("type", [
	/** The tree's leader started: its process group, for the controller to stop if the helper dies. */
	z.object({ type: z.literal("started"), id: z.number().int(), pgid: z.number().int().positive() }),
	z.object({ type: z.literal("tree-ended"), id: z.number().int(), result: execResult, status: z.string() }),
	z.object({ type: z.literal("command-ended"), id: z.number().int(), stdout: z.string(), stderr: z.string() }),
	z.object({
		type: z.literal("failed"),
		id: z.number().int(),
		message: z.string(),
		/** Set when the sandbox could not run the command: the controller rethrows it as unavailable. */
		sandbox: z.string().optional(),
		/** A command's exit code or errno code (ENOENT), as `execFile` reports it. */
		code: z.union([z.number(), z.string()]).nullable().optional(),
		stderr: z.string().optional(),
	}),
]);
export type SpawnerReply = z.infer<typeof spawnerReply>;
