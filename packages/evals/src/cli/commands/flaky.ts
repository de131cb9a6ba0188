import type { Command } from "commander";
import { findFlaky, flakyText } from "../../report/flaky.js";
import { openContext } from "../context.js";
import { integer } from "../options.js";

export function registerFlaky(program: Command): void {
	program
		.command("flaky")
		.description(
			"List exercises whose verdict flips for the same model, across iterations and recent runs: a result from them needs repeating",
		)
		.option("-m, --model <provider:model>", "only this model (as given to evals run)")
		.option("--runs <n>", "finished runs to look at per model, newest first", integer(1, 100), 10)
		.option("--json", "print JSON")
		.action(async (flags: { model?: string; runs: number; json?: boolean }) => {
			const ctx = await openContext();
			try {
				const reports = await findFlaky(ctx.store, { model: flags.model, runsPerModel: flags.runs });
				process.stdout.write(flags.json ? `${JSON.stringify(reports, null, 2)}\n` : `${flakyText(reports)}\n`);
			} finally {
				await ctx.close();
			}
		});
}
