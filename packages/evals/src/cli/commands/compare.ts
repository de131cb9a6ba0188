import type { Command } from "commander";
import { anyWorse, CompareInputError, compareRuns, compareText, groupToCompare } from "../../report/compare.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { runId } from "../options.js";

export function registerCompare(program: Command): void {
	program
		.command("compare <runs...>")
		.description(
			"Compare runs with the first one, paired over the exercises both ran: pass rate with a 95% interval, McNemar's test on the flips, cost, time, tokens, turns and MCP calls; one run of an MCP A/B compares its two arms",
		)
		.option("--json", "print the comparison as JSON (the API's GET /api/compare)")
		.option("--fail-if-worse", "exit 1 when a later run is significantly worse than the first (for regression gates)")
		.addHelpText(
			"after",
			"\nThe pass-rate interval comes from a seeded paired bootstrap over exercises (the same runs give the same numbers);\na difference is called only when the interval excludes zero and McNemar's exact test gives p < 0.05.",
		)
		.action(async (ids: string[], flags: { json?: boolean; failIfWorse?: boolean }) => {
			const parsed = ids.map(runId);
			const ctx = await openContext();
			try {
				const runIds = parsed.length === 1 ? await groupToCompare(ctx.store, parsed[0] as number) : parsed;
				if (!runIds) {
					throw new UsageError(
						`Run ${parsed[0]} was not made with another run (an MCP A/B): name at least two runs, e.g. evals compare ${parsed[0]} <other run>.`,
					);
				}
				const response = await compareRuns(ctx.store, runIds).catch((error) => {
					throw error instanceof CompareInputError ? new UsageError(error.message) : error;
				});
				process.stdout.write(flags.json ? `${JSON.stringify(response, null, 2)}\n` : `${compareText(response)}\n`);
				if (flags.failIfWorse && anyWorse(response)) process.exitCode = 1;
			} finally {
				await ctx.close();
			}
		});
}
