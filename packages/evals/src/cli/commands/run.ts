import { resolve } from "node:path";
import { insightsModes, observerLevels, otelModes, runDefaults, runLimits, steeringModes } from "@agent-evals/types";
import type { Command } from "commander";
import { agentNames } from "../../run/agents/registry.js";
import { evalsHome } from "../../run/defaults.js";
import { checkRunConfig } from "../../run/plan.js";
import { sandboxNames } from "../../sandbox/registry.js";
import { distributedServices, wantsDistributed } from "../distributed.js";
import { UsageError } from "../errors.js";
import { collect, integer, language, positiveNumber, runConfigFrom, setting } from "../options.js";
import { findServer, runOnServer } from "../remote.js";

export function registerRun(program: Command): void {
	const { concurrency, iterations, commandTimeoutSeconds, timeoutMinutes } = runLimits;
	program
		.command("run")
		.description(
			"Evaluate an agent and model on exercises; with no selection, the smoke suite (one easy exercise per language)",
		)
		.option(
			"-m, --model <provider:model>",
			'model to evaluate, e.g. anthropic:claude-sonnet-4-5, or "oracle" (offline)',
			runDefaults.model,
		)
		.option("-a, --agent <name>", `agent adapter: ${agentNames().join(", ")}`, runDefaults.agent)
		.option(
			"--sandbox <name>",
			`where the agent's commands and the tests run: auto (bwrap where it works here, else local), ${sandboxNames().join(", ")}`,
			runDefaults.sandbox,
		)
		.option(
			"--fresh-agent",
			"start a new agent process for every task (default: one warm agent per slot, reused; third-party agents always start fresh)",
		)
		.option("-s, --suite <path>", "exercise suite folder (default: the bundled exercises/)")
		.option("-i, --include <language>", "only these languages (repeatable or comma-separated)", language)
		.option("-e, --exclude <language>", "leave out these languages (repeatable or comma-separated)", language)
		.option("-x, --exercise <name>", "exercise name or language/name (repeatable or comma-separated)", collect)
		.option("--all", "every exercise of the suite instead of the smoke selection")
		.option(
			"-c, --concurrency <n>",
			`tasks at a time, ${concurrency.min}-${concurrency.max}`,
			integer(concurrency.min, concurrency.max),
			runDefaults.concurrency,
		)
		.option(
			"-t, --timeout <minutes>",
			"time limit of each task, minutes",
			positiveNumber(timeoutMinutes.max),
			runDefaults.timeoutMinutes,
		)
		.option(
			"-n, --iterations <n>",
			"times each exercise runs",
			integer(iterations.min, iterations.max),
			runDefaults.iterations,
		)
		.option(
			"--command-timeout <seconds>",
			"time limit of each grading command, seconds",
			integer(commandTimeoutSeconds.min, commandTimeoutSeconds.max),
			runDefaults.commandTimeoutSeconds,
		)
		.option("--settings <file>", "agent settings: a JSON object with Roo Code's key names (no API keys)")
		.option("--set <key=value>", "one agent setting, above --settings; the value is JSON or text (repeatable)", setting)
		.option(
			"--system-prompt <file>",
			"extra instructions appended to the agent's system prompt (Roo Code: custom instructions)",
		)
		.option("--prompts <dir>", "task prompts by language, <dir>/<language>.md, replacing the suite's prompts/")
		.option(
			"--tries <n>",
			`tries per task, ${runLimits.tries.min}-${runLimits.tries.max}: a failed try is followed by one with the failing test output`,
			integer(runLimits.tries.min, runLimits.tries.max),
			runDefaults.tries,
		)
		.option(
			"--fallback-model <provider:model>",
			"the model the agent continues with when the model fails for good (retries exhausted, errors that are not retried)",
		)
		.option("--mcp-config <file>", "MCP servers for the agent: an mcp.json (Roo Code's format)")
		.option("--mcp-server <name>", "use only these servers of --mcp-config (repeatable or comma-separated)", collect)
		.option("--user-intent <text>", "what the MCP servers should help with (stored, and told to the agent)")
		.option("--mcp-ab", "also run the same tasks without any MCP server, interleaved, for `evals compare`")
		.option(
			"--otel <mode>",
			`OpenTelemetry traces: ${otelModes.join(", ")} (default: $EVALS_OTEL, else off); otlp sends to $OTEL_EXPORTER_OTLP_ENDPOINT, jaeger to http://127.0.0.1:4318`,
		)
		.option(
			"--observer <level>",
			`watch the run for problems: ${observerLevels.join(", ")} (basic: budget, infra, stalls; full: every detector; autonomous: full with auto steering); off by default`,
		)
		.option(
			"--steering <mode>",
			`what the observer does about a problem: ${steeringModes.join(", ")} (default: auto for autonomous, else monitor-only)`,
		)
		.option(
			"--insights <mode>",
			`${insightsModes.join(", ")}: export writes observer.json and observer.md under $EVALS_HOME/runs/<id>/ at the end, realtime keeps them current and appends observer.jsonl (default store)`,
		)
		.option(
			"--budget <usd>",
			"the run's budget in USD: warned at 80%, breached at 100% (auto steering pauses the run)",
			positiveNumber(1_000_000),
		)
		.option("--observer-config <file>", "the observer's thresholds: a JSON file (see the README's Observer section)")
		.option("--observer-model <provider:model>", "a model that writes a short summary of the findings at the end")
		.option("-d, --description <text>", "free text stored with the run")
		.option("--name <text>", "a short name for the run")
		.option("--json", "print the result as JSON (no progress display)")
		.option(
			"--distributed",
			"enqueue the tasks for `evals worker` processes (on any host) instead of running them here; needs DATABASE_URL and REDIS_URL (also EVALS_DISTRIBUTED=1)",
		)
		.option("--keep-workspaces", "keep each task's workspace under $EVALS_HOME/work for inspection")
		.addHelpText(
			"after",
			"\nProvider keys come from the environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, ...), never from flags.\nThe store is $DATABASE_URL (PostgreSQL) or an embedded database under $EVALS_HOME (default ./.evals).",
		)
		.action(async (flags: Record<string, unknown>) => {
			const config = runConfigFrom(flags);
			if (config.suite) config.suite = resolve(config.suite);
			const json = Boolean(flags.json);
			// A bad model, agent or sandbox is a usage mistake, reported before the database opens.
			try {
				checkRunConfig(config);
			} catch (error) {
				throw new UsageError((error as Error).message);
			}
			const distributed = wantsDistributed(flags.distributed);
			if (distributed) distributedServices();
			// The embedded database allows one process: if `evals serve` holds it, the run goes there.
			const server = distributed ? undefined : await findServer(evalsHome());
			if (server) {
				if (flags.keepWorkspaces)
					process.stderr.write("--keep-workspaces has no effect on a run executed by evals serve.\n");
				await runOnServer(server, config, { json });
				return;
			}
			if (!json) {
				// Said before the store and the runner load (a second or two on a busy machine).
				process.stderr.write(
					`Starting: ${config.model} (${config.agent} agent), ${distributed ? "on the workers of the queue" : `concurrency ${config.concurrency}`}…\n`,
				);
			}
			const { executeRun } = await import("./run-action.js");
			await executeRun(config, {
				json,
				distributed,
				keepWorkspaces: Boolean(flags.keepWorkspaces),
			});
		});
}
