#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { DatabaseOpenError } from "../db/client.js";
import { registerAgents } from "./commands/agents.js";
import { registerCompare } from "./commands/compare.js";
import { registerExercises } from "./commands/exercises.js";
import { registerFlaky } from "./commands/flaky.js";
import { registerManage } from "./commands/manage.js";
import { registerObserve } from "./commands/observe.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerWorker } from "./commands/worker.js";
import { EXIT_USAGE, UsageError } from "./errors.js";

const program = new Command()
	.name("evals")
	.description("agent-evals: evaluate AI coding agents and models on programming exercises")
	.showHelpAfterError("(add --help for usage)")
	.exitOverride()
	.configureOutput({ outputError: (text, write) => write(text) });

registerRun(program);
registerManage(program);
registerObserve(program);
registerCompare(program);
registerFlaky(program);
registerExercises(program);
registerServe(program);
registerAgents(program);
registerWorker(program);
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
