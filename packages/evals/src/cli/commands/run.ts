import { resolve } from "node:path";
import type { Command } from "commander";
import { SuiteLoadError, UnknownExerciseError } from "../../exercises/types.js";
import { getAgentAdapter } from "../../run/agents/registry.js";
import { RunStateError } from "../../run/controller.js";
import { evalsHome } from "../../run/defaults.js";
import { parseModelSpec } from "../../run/model-spec.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { collect, integer, language, positiveNumber, runConfigFrom } from "../options.js";
import { ProgressDisplay } from "../progress.js";
import { findServer, runOnServer } from "../remote.js";
import { runJson, runText } from "../report.js";
import { executeWithProgress } from "./execute.js";

export function registerRun(program: Command): void {
	program
		.command("run")
		.description(
			"Evaluate an agent and model on exercises; with no selection, the smoke suite (one easy exercise per language)",
		)
		.option(
			"-m, --model <provider:model>",
			'model to evaluate, e.g. anthropic:claude-sonnet-4-5, or "oracle" (offline)',
			"oracle",
		)
		.option("-a, --agent <name>", "agent adapter: builtin (evals-agent) or roo-code", "builtin")
		.option("-s, --suite <path>", "exercise suite folder (default: the bundled exercises/)")
		.option("-i, --include <language>", "only these languages (repeatable or comma-separated)", language)
		.option("-e, --exclude <language>", "leave out these languages (repeatable or comma-separated)", language)
		.option("-x, --exercise <name>", "exercise name or language/name (repeatable or comma-separated)", collect)
		.option("--all", "every exercise of the suite instead of the smoke selection")
		.option("-c, --concurrency <n>", "tasks at a time, 1-25", integer(1, 25), 2)
		.option("-t, --timeout <minutes>", "time limit of each task, minutes", positiveNumber(24 * 60), 5)
		.option("-n, --iterations <n>", "times each exercise runs", integer(1, 100), 1)
		.option("--command-timeout <seconds>", "time limit of each grading command, seconds", integer(1, 3600), 120)
		.option("-d, --description <text>", "free text stored with the run")
		.option("--name <text>", "a short name for the run")
		.option("--json", "print the result as JSON (no progress display)")
		.option("--keep-workspaces", "keep each task's workspace under $EVALS_HOME/work for inspection")
		.addHelpText(
			"after",
			"\nProvider keys come from the environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, ...), never from flags.\nThe store is $DATABASE_URL (PostgreSQL) or an embedded database under $EVALS_HOME (default ./.evals).",
		)
		.action(async (flags: Record<string, unknown>) => {
			const config = runConfigFrom(flags);
			if (config.suite) config.suite = resolve(config.suite);
			try {
				// A bad model or agent is a usage mistake, reported before the database opens.
				parseModelSpec(config.model);
				getAgentAdapter(config.agent);
			} catch (error) {
				throw new UsageError(error instanceof Error ? error.message : String(error));
			}
			// The embedded database allows one process: if `evals serve` holds it, the run goes there.
			const server = await findServer(evalsHome());
			if (server) {
				if (flags.keepWorkspaces)
					process.stderr.write("--keep-workspaces has no effect on a run executed by evals serve.\n");
				await runOnServer(server, config, { json: Boolean(flags.json) });
				return;
			}
			const ctx = await openContext({
				log: (message) => process.env.EVALS_DEBUG && process.stderr.write(`${message}\n`),
				keepWorkspaces: Boolean(flags.keepWorkspaces),
			});
			try {
				const created = await ctx.controller.createRun(config).catch((error) => {
					if (
						error instanceof UnknownExerciseError ||
						error instanceof RunStateError ||
						error instanceof SuiteLoadError
					)
						throw new UsageError(error.message);
					throw error;
				});
				const json = Boolean(flags.json);
				if (!json) {
					process.stderr.write(
						`Run ${created.run.id}: ${created.tasks.length} task${created.tasks.length === 1 ? "" : "s"} with ${config.model} (${config.agent} agent), concurrency ${config.concurrency}\n`,
					);
				}
				const progress = json ? undefined : new ProgressDisplay(ctx.store, created.run.id);
				const run = await executeWithProgress(ctx, created.run.id, progress, created.tasks.length);
				if (json) {
					process.stdout.write(`${JSON.stringify(await runJson(ctx.store, run), null, 2)}\n`);
				} else {
					process.stdout.write(`${await runText(ctx.store, run)}\n\n`);
					process.stdout.write(`Details: npm run evals -- show ${run.id}   ·   all runs: npm run evals -- runs\n`);
					process.stdout.write("Dashboard: npm run evals -- serve, then open http://127.0.0.1:3446\n");
				}
				process.exitCode = run.status === "completed" ? 0 : 1;
			} finally {
				await ctx.close();
			}
		});
}

export { ProgressDisplay };
