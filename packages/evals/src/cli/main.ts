#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { DatabaseOpenError } from "../db/open-error.js";
import { EXIT_USAGE, UsageError } from "./errors.js";

type Register = (program: Command) => void;

// A reader that stops early (`evals runs | head`, `evals run --help | less` quit) is not an error:
// the output has nowhere to go, so the command ends quietly instead of with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
	if (error.code === "EPIPE") process.exit(0);
	throw error;
});

/*
 * Only the module of the command the command line names is loaded: `evals run` does not pay for
 * the server, the worker or the observer before its first line (and `run` itself loads the
 * runner only once its flags are checked). Help, and a name that is not a command, load them all.
 */
const modules: Array<{ commands: string[]; load: () => Promise<Register> }> = [
	{ commands: ["run"], load: async () => (await import("./commands/run.js")).registerRun },
	{
		commands: ["runs", "show", "resume", "cancel", "db"],
		load: async () => (await import("./commands/manage.js")).registerManage,
	},
	{ commands: ["observe"], load: async () => (await import("./commands/observe.js")).registerObserve },
	{ commands: ["compare"], load: async () => (await import("./commands/compare.js")).registerCompare },
	{ commands: ["flaky"], load: async () => (await import("./commands/flaky.js")).registerFlaky },
	{
		commands: ["exercises", "validate"],
		load: async () => (await import("./commands/exercises.js")).registerExercises,
	},
	{ commands: ["serve"], load: async () => (await import("./commands/serve.js")).registerServe },
	{ commands: ["agents"], load: async () => (await import("./commands/agents.js")).registerAgents },
	{ commands: ["worker"], load: async () => (await import("./commands/worker.js")).registerWorker },
];

const program = new Command()
	.name("evals")
	.description("agent-evals: evaluate AI coding agents and models on programming exercises")
	.showHelpAfterError("(add --help for usage)")
	.exitOverride()
	.configureOutput({ outputError: (text, write) => write(text) });

const named = process.argv[2];
const only = modules.find((module) => named !== undefined && module.commands.includes(named));
for (const register of await Promise.all((only ? [only] : modules).map((module) => module.load()))) {
	register(program);
}
for (const command of program.commands) {
	command.exitOverride().showHelpAfterError("(add --help for usage)");
	for (const sub of command.commands) sub.exitOverride();
}

try {
	await program.parseAsync();
} catch (error) {
	process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
	// Commander prints (and re-wraps) what its own parsers reject; one thrown by an action, such as
	// a bad run id (`evals show abc`), arrives here unprinted.
	if (error instanceof InvalidArgumentError) {
		process.stderr.write(`evals: ${error.message}\n`);
		return EXIT_USAGE;
	}
	if (error instanceof CommanderError) {
		// Help and version are not errors; everything else commander rejects is a usage mistake.
		return error.exitCode === 0 ? 0 : EXIT_USAGE;
	}
	if (error instanceof UsageError) {
		process.stderr.write(`evals: ${error.message}\n`);
		return EXIT_USAGE;
	}
	if (error instanceof DatabaseOpenError || (error instanceof Error && /Redis|REDIS_URL/.test(error.message))) {
		process.stderr.write(`evals: ${error.message}\n`);
		return 1;
	}
	process.stderr.write(
		`evals: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	return 1;
}
