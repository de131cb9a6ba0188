import { observerLevels } from "@agent-evals/types";
import type { Command } from "commander";
import { loadObserverReport, writeObserverReport } from "../../observer/export.js";
import { observeRun } from "../../observer/observe.js";
import { observerReportJson, observerReportText } from "../../observer/report.js";
import { SummaryError, writeSummary } from "../../observer/summary.js";
import { RunStateError } from "../../run/errors.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { observerConfigFromFile, positiveNumber, runId } from "../options.js";

/**
 * `evals observe <id>`: the observer's report of a run. A run that was not observed is looked at
 * now (the detectors over what the store holds); `--rerun` looks again at an observed one, with
 * new thresholds or a budget if given. `--summary` asks the model for the narrative summary,
 * `--export` writes observer.json and observer.md next to the run.
 */
export function registerObserve(program: Command): void {
	program
		.command("observe <id>")
		.description(
			"The observer's findings for a run, with evidence and recommendations; runs the detectors over a run that was not observed",
		)
		.option(
			"--rerun",
			"run the detectors again over what the store holds (findings already stored are updated, not repeated)",
		)
		.option("--level <level>", `detectors to run: ${observerLevels.join(", ")} (default: the session's, else full)`)
		.option("--observer-config <file>", "thresholds to use (stored with the run's session)")
		.option("--budget <usd>", "judge the run against this budget", positiveNumber(1_000_000))
		.option("--summary", "ask the model for a narrative summary of the stored findings and totals")
		.option("--observer-model <provider:model>", "the model for --summary (default: the run's --observer-model)")
		.option("--export", "write observer.json and observer.md under $EVALS_HOME/runs/<id>/")
		.option("--json", "print JSON")
		.action(async (id: string, flags: Record<string, unknown>) => {
			const level = flags.level as string | undefined;
			if (level !== undefined && !(observerLevels as readonly string[]).includes(level)) {
				throw new UsageError(`--level must be one of ${observerLevels.join(", ")}, not "${level}".`);
			}
			const config =
				flags.observerConfig === undefined ? undefined : observerConfigFromFile(flags.observerConfig as string);
			const ctx = await openContext();
			try {
				const run = runId(id);
				if (!(await ctx.store.runs.get(run)))
					throw new UsageError(`There is no run ${run}. List runs with: npx evals runs`);
				const observed = await ctx.store.observer.session(run);
				if (!observed || flags.rerun || level || config || flags.budget !== undefined) {
					await observeRun(ctx.store, run, {
						level: level as (typeof observerLevels)[number] | undefined,
						config,
						budgetUsd: flags.budget as number | undefined,
					}).catch((error: unknown) => {
						throw error instanceof RunStateError ? new UsageError(error.message) : error;
					});
				}
				if (flags.summary) {
					await writeSummary(ctx.store, run, {
						model: flags.observerModel as string | undefined,
						settings: config?.summarySettings,
					}).catch((error: unknown) => {
						if (error instanceof SummaryError) throw new UsageError(error.message);
						throw error;
					});
				}
				const report = await loadObserverReport(ctx.store, run);
				if (!report) throw new UsageError(`There is no run ${run}.`);
				if (flags.export) {
					const written = await writeObserverReport(ctx.store, ctx.home, run);
					if (written) process.stderr.write(`Wrote ${written.json} and ${written.markdown}\n`);
				}
				process.stdout.write(
					flags.json ? `${JSON.stringify(observerReportJson(report), null, 2)}\n` : `${observerReportText(report)}\n`,
				);
			} finally {
				await ctx.close();
			}
		});
}
