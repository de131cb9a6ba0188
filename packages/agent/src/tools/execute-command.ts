import { type ChildProcess, spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { withoutSecrets } from "@agent-evals/types";
import { z } from "zod";
import { prepareLaunch } from "../sandbox/confine.js";
import { formatBytes, watchDiskSpace } from "../sandbox/disk-guard.js";
import { errorMessage, isNotFoundError } from "./fs-utils.js";
import { optionalString } from "./params.js";
import { displayPath, resolveInWorkspace } from "./paths.js";
import { killProcessTree } from "./process-tree.js";
import { cleanTerminalOutput, HeadTailBuffer } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

const isWindows = process.platform === "win32";
// After the shell exits, how long to wait for its output pipes to close. Longer only when
// something it started in the background keeps them open, which must not block the agent.
const PIPE_CLOSE_GRACE_MS = 300;
// Room kept for the status lines after the output.
const FOOTER_RESERVE = 300;

const inputSchema = z.object({
	command: z.string().describe("Shell command line to run."),
	cwd: optionalString("Working directory, relative to the workspace root. Default: the workspace root."),
});

export type ExecuteCommandInput = z.infer<typeof inputSchema>;

/*
 * Variables that make tools behave as they should without a terminal or a person: CI=1 is the
 * common signal for "non-interactive" (no watch modes, no prompts, no spinners; e.g. vitest,
 * create-* scaffolders, npx install prompts), NO_COLOR=1 keeps ANSI colours out of the output the
 * model reads, and GIT_TERMINAL_PROMPT=0 makes git fail instead of waiting for credentials.
 */
const COMMAND_VARIABLES = { CI: "1", NO_COLOR: "1", GIT_TERMINAL_PROMPT: "0" };

/*
 * Unconfined, a command gets the agent's environment without anything that looks like a secret:
 * the agent holds the provider keys for its model calls, and the code it runs must not read them.
 * FORCE_COLOR is removed: it would override NO_COLOR, and Node prints a warning into every output
 * when both are set.
 */
function commandEnvironment(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...withoutSecrets(process.env), ...COMMAND_VARIABLES };
	delete env.FORCE_COLOR;
	return env;
}

/** How the command is started: a plain shell, or the launch of the runner's sandbox. */
interface Start {
	file: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	/** Removes what the sandbox made on the host for this command, once it is gone. */
	release?: () => Promise<void>;
	/** Stop the command when this file system gets fuller than the sandbox allows. */
	diskGuard?: { minFreeBytes: number };
}

async function startFor(command: string, cwd: string, context: ToolContext): Promise<Start | string> {
	const sandbox = context.sandbox;
	if (sandbox === undefined) return { file: "/bin/sh", args: ["-c", command], env: commandEnvironment() };
	if ("error" in sandbox) return `Command not run: the sandbox this task must use is unavailable: ${sandbox.error}`;
	try {
		const launch = await prepareLaunch(sandbox.profile, {
			command,
			cwd,
			workspace: context.workspace,
			env: COMMAND_VARIABLES,
		});
		return {
			file: launch.file,
			args: launch.args,
			env: launch.env,
			release: launch.release,
			diskGuard: { minFreeBytes: sandbox.profile.limits.minFreeDiskBytes },
		};
	} catch (error) {
		return `Command not run: the sandbox could not be prepared: ${errorMessage(error)}`;
	}
}

function spawnShell(command: string, cwd: string, start: Start): ChildProcess {
	if (isWindows) {
		// No detached here: on Windows it opens a new console window. taskkill /T ends the tree instead.
		return spawn(process.env.ComSpec ?? "cmd.exe", ["/d", "/s", "/c", `"${command}"`], {
			cwd,
			env: start.env,
			stdio: ["ignore", "pipe", "pipe"],
			windowsHide: true,
			windowsVerbatimArguments: true,
		});
	}
	// detached makes the shell (or the sandbox's launcher) lead a new process group, so the whole
	// tree can be signalled at once.
	return spawn(start.file, start.args, {
		cwd,
		env: start.env,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
}

function describeAbortReason(reason: unknown): string {
	if (typeof reason === "string" && reason !== "") return reason;
	if (reason instanceof Error && reason.message !== "") return reason.message;
	return "the task was cancelled";
}

function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return Number.isInteger(seconds) ? `${seconds}` : seconds.toFixed(1);
}

type Stop = { kind: "timeout" } | { kind: "abort"; reason: string } | { kind: "disk"; free: number };
type Outcome =
	| { kind: "exit"; code: number | null; signal: NodeJS.Signals | null }
	| { kind: "spawn-error"; error: Error }
	| { kind: "stop"; stop: Stop };

async function executeCommand(input: ExecuteCommandInput, context: ToolContext): Promise<ToolResult> {
	const command = input.command.trim();
	if (command === "") return { ok: false, output: "The command is empty. Give a shell command line to run." };
	if (context.signal.aborted) {
		return { ok: false, output: `Command not run: ${describeAbortReason(context.signal.reason)}.` };
	}

	const requestedCwd = input.cwd?.trim() ? input.cwd : ".";
	const shownCwd = displayPath(context.workspace, requestedCwd);
	const cwd = await resolveInWorkspace(context.workspace, requestedCwd);
	try {
		if (!(await stat(cwd)).isDirectory()) return { ok: false, output: `cwd "${shownCwd}" is not a directory.` };
	} catch (error) {
		if (isNotFoundError(error)) return { ok: false, output: `cwd "${shownCwd}" does not exist.` };
		return { ok: false, output: `cwd "${shownCwd}" cannot be used: ${errorMessage(error)}` };
	}

	const start = await startFor(command, cwd, context);
	if (typeof start === "string") {
		context.log.log("warn", `execute_command refused: ${start}`);
		return { ok: false, output: start };
	}
	try {
		return await runShell(command, cwd, shownCwd, start, context);
	} finally {
		await start.release?.();
	}
}

async function runShell(
	command: string,
	cwd: string,
	shownCwd: string,
	start: Start,
	context: ToolContext,
): Promise<ToolResult> {
	context.log.log("info", `execute_command in ${shownCwd}${start.release ? " (sandboxed)" : ""}: ${command}`);
	const startedAt = Date.now();
	const output = new HeadTailBuffer(Math.max(context.maxOutputChars - FOOTER_RESERVE, 200));
	// A sandboxed command's own cwd is set inside the sandbox; the launcher starts in the workspace.
	const child = spawnShell(command, start.release ? context.workspace : cwd, start);

	// stdout and stderr go into one buffer in arrival order, as a terminal would show them.
	const decoders = new Map<NodeJS.ReadableStream, StringDecoder>();
	const receive = (text: string) => {
		if (text === "") return;
		output.append(text);
		try {
			context.onProgress?.(text);
		} catch {
			// A failing progress listener must not break the command.
		}
	};
	for (const stream of [child.stdout, child.stderr]) {
		if (!stream) continue;
		const decoder = new StringDecoder("utf8");
		decoders.set(stream, decoder);
		stream.on("data", (chunk: Buffer) => receive(decoder.write(chunk)));
	}

	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	let stopWatchingDisk = () => {};
	const stopped = new Promise<Stop>((resolve) => {
		if (start.diskGuard) {
			stopWatchingDisk = watchDiskSpace(context.workspace, start.diskGuard.minFreeBytes, (free) =>
				resolve({ kind: "disk", free }),
			);
		}
		const limit = context.commandTimeoutMs;
		// 0 (or less) means no limit, as Roo Code's commandExecutionTimeout; setTimeout cannot wait
		// longer than about 24.8 days and would fire at once instead.
		if (Number.isFinite(limit) && limit > 0) {
			timer = setTimeout(() => resolve({ kind: "timeout" }), Math.min(limit, 2_147_483_647));
		}
		onAbort = () => resolve({ kind: "abort", reason: describeAbortReason(context.signal.reason) });
		context.signal.addEventListener("abort", onAbort, { once: true });
	});
	const exited = new Promise<Outcome>((resolve) => {
		child.once("exit", (code, signal) => resolve({ kind: "exit", code, signal }));
	});
	const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
	const spawnFailed = new Promise<Outcome>((resolve) => {
		child.once("error", (error) => resolve({ kind: "spawn-error", error }));
	});

	let outcome: Outcome;
	try {
		outcome = await Promise.race([exited, spawnFailed, stopped.then((stop): Outcome => ({ kind: "stop", stop }))]);
		if (outcome.kind === "stop" && child.pid !== undefined) {
			await killProcessTree(child.pid);
		}
	} finally {
		clearTimeout(timer);
		stopWatchingDisk();
		if (onAbort) context.signal.removeEventListener("abort", onAbort);
	}

	const pipesClosed = await Promise.race([closed.then(() => true), delay(PIPE_CLOSE_GRACE_MS).then(() => false)]);
	if (!pipesClosed) {
		child.stdout?.destroy();
		child.stderr?.destroy();
	}
	for (const decoder of decoders.values()) receive(decoder.end());
	const text = cleanTerminalOutput(output.toString()).trimEnd();
	const body = text === "" ? "(no output)" : text;
	const seconds = formatSeconds(Date.now() - startedAt);

	if (outcome.kind === "spawn-error") {
		context.log.log("warn", `execute_command could not start: ${outcome.error.message}`);
		return { ok: false, output: `Could not start the command: ${outcome.error.message}` };
	}
	if (outcome.kind === "stop") {
		const headline =
			outcome.stop.kind === "timeout"
				? `Command timed out after ${formatSeconds(context.commandTimeoutMs)} s and was stopped, with every process it started. If it is a server or a watch mode, run a command that finishes instead (a single test run, a build).`
				: outcome.stop.kind === "disk"
					? `Command stopped, with every process it started: the disk has only ${formatBytes(outcome.stop.free)} free, less than the sandbox leaves free. Delete what the command wrote and write less.`
					: `Command cancelled: ${outcome.stop.reason}. It was stopped, with every process it started.`;
		context.log.log("warn", `execute_command stopped (${outcome.stop.kind}) after ${seconds} s: ${command}`);
		return { ok: false, output: `${headline}\nOutput so far:\n${body}` };
	}

	const status =
		outcome.code !== null
			? `Exit code: ${outcome.code}`
			: `Terminated by signal ${outcome.signal ?? "unknown"} (no exit code)`;
	context.log.log("info", `execute_command finished in ${seconds} s: ${status}`);
	const notes = pipesClosed
		? []
		: [
				"[The command exited, but processes it started in the background still hold its output open. They keep running; their later output is not shown.]",
			];
	return { ok: true, output: [body, "", status, ...notes].join("\n") };
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export const executeCommandTool: ToolDefinition<ExecuteCommandInput> = {
	name: "execute_command",
	description: [
		`Run a shell command (${isWindows ? "cmd.exe" : "/bin/sh -c"}) in the workspace and return its combined stdout and stderr, then its exit code.`,
		"Parameters: command (the command line), cwd (optional directory relative to the workspace root; default the root).",
		"There is no terminal and no user: stdin is closed, so interactive programs cannot get input; use non-interactive flags (e.g. --yes). CI=1 and NO_COLOR=1 are set.",
		"Commands are stopped, with all processes they started, when they exceed the time limit; do not start servers or watch modes in the foreground.",
		"Commands may run in a sandbox: no network, only the workspace writable, a private empty $HOME and /tmp; then nothing can be downloaded or installed.",
		"Long output is shortened to its beginning and end. A non-zero exit code is reported, not treated as a tool failure.",
	].join("\n"),
	inputSchema,
	execute: executeCommand,
};
