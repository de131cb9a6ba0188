import { realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { agentEvalsHome } from "./config/settings.js";
import { AgentHost } from "./host/agent-host.js";
import { createFileLogger, type LogLevel } from "./log.js";
import { cliAgentNames, findCliAgent } from "./shim/clis/index.js";
import { ShimHost } from "./shim/shim-host.js";

const SOCKET_ENV = "ROO_CODE_IPC_SOCKET_PATH";
const PARENT_POLL_MS = 1_000;
/** The pid of the process the agent serves; when it is gone, the agent shuts down. */
export const PARENT_PID_ENV = "EVALS_AGENT_PARENT_PID";

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, owned by someone else.
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

function directory(value: string): string {
	const path = resolve(value);
	let isDirectory = false;
	try {
		isDirectory = statSync(path).isDirectory();
	} catch {
		throw new InvalidArgumentError(`${path} does not exist.`);
	}
	if (!isDirectory) throw new InvalidArgumentError(`${path} is not a directory.`);
	return realpathSync(path);
}

function logLevel(value: string): LogLevel {
	if (["debug", "info", "warn", "error"].includes(value)) return value as LogLevel;
	throw new InvalidArgumentError("use debug, info, warn or error.");
}

const program = new Command()
	.name("evals-agent")
	.description(
		"A headless coding agent that serves Roo Code's IPC protocol on a Unix socket.\n" +
			"An evals runner (or any Roo Code IPC client) connects, sends StartNewTask and receives the task's events.",
	)
	.option("-w, --workspace <dir>", "the folder the agent works in (default: the current directory)", directory)
	.option("-s, --socket <path>", `the socket to serve (default: $${SOCKET_ENV})`)
	.option("--storage <dir>", "where task histories and logs go (default: $AGENT_EVALS_HOME/storage)")
	.option("--log-level <level>", "debug, info, warn or error", logLevel, "info")
	.option(
		"--shim <agent>",
		`serve the protocol for a third-party CLI agent instead (${cliAgentNames().join(", ")}); it must be installed with \`evals agents install <agent>\``,
	)
	.addHelpText(
		"after",
		`\nSettings: defaults < ~/.agent-evals/settings.json < <workspace>/.roo/settings.json < environment < StartNewTask.configuration.\nExits on CloseTask, SIGTERM/SIGINT, or when its parent process dies.`,
	)
	.showHelpAfterError();

/** Runs the agent process; `parentPid` is read by the entry script before anything loads. */
export async function main(parentPid: number): Promise<void> {
	program.parse();
	const options = program.opts<{
		workspace?: string;
		socket?: string;
		storage?: string;
		logLevel: LogLevel;
		shim?: string;
	}>();
	const socketPath = options.socket ?? process.env[SOCKET_ENV];
	if (!socketPath) {
		program.error(`evals-agent: no socket path: pass --socket or set ${SOCKET_ENV}.`, { exitCode: 2 });
		return;
	}
	const shimSpec = options.shim === undefined ? undefined : findCliAgent(options.shim);
	if (options.shim !== undefined && !shimSpec) {
		program.error(`evals-agent: unknown --shim agent "${options.shim}"; use ${cliAgentNames().join(", ")}.`, {
			exitCode: 2,
		});
		return;
	}
	const workspace = options.workspace ?? directory(process.cwd());
	const storageRoot = resolve(options.storage ?? join(agentEvalsHome(), "storage"));
	const logFile = join(storageRoot, "logs", "evals-agent.log");
	const log = createFileLogger(logFile, options.logLevel);
	log.log(
		"info",
		`evals-agent ${process.pid} starting (node ${process.version})${shimSpec ? ` as a shim for ${shimSpec.name}` : ""}`,
	);

	const host = shimSpec
		? new ShimHost({ spec: shimSpec, socketPath, workspace, storageRoot, log })
		: new AgentHost({ socketPath, workspace, storageRoot, log });
	let exitCode = 0;
	host.on("close", () => process.exit(exitCode));

	const stop = (signal: NodeJS.Signals) => {
		exitCode = 0;
		void host.shutdown(signal);
	};
	process.on("SIGTERM", stop);
	process.on("SIGINT", stop);
	// Bugs must not take a task down with them: log, keep serving.
	process.on("uncaughtException", (error) => log.log("error", `uncaught: ${error.stack ?? error}`));
	process.on("unhandledRejection", (error) => log.log("error", `unhandled rejection: ${error}`));

	// When the runner that spawned us dies nobody is left to close us. A runner names itself in
	// PARENT_PID_ENV, which holds even when it died before this process could read its ppid (then
	// the ppid is already init's and would never change); without it the ppid is watched.
	const named = Number(process.env[PARENT_PID_ENV]);
	const parentGone = Number.isInteger(named) && named > 0 ? () => !isAlive(named) : () => process.ppid !== parentPid;
	const watchParent = () => {
		if (parentGone()) void host.shutdown(`parent process ${named || parentPid} exited`);
	};
	setInterval(watchParent, PARENT_POLL_MS).unref();

	try {
		await host.start();
	} catch (error) {
		log.log("error", `cannot serve ${socketPath}: ${(error as Error).message}`);
		process.stderr.write(`evals-agent: cannot serve ${socketPath}: ${(error as Error).message}\n`);
		process.exit(1);
	}
	process.stderr.write(`evals-agent: serving ${socketPath} (workspace ${workspace}, log ${logFile})\n`);
}
