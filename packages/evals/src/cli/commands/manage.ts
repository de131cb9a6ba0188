import type { Command } from "commander";
import { runLine, table } from "../../report/format.js";
import { loadRunReport, runReportJson, runReportText } from "../../report/run-report.js";
import { RunBusyError, RunStateError } from "../../run/errors.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { integer, runId } from "../options.js";
import { printReport } from "../run-output.js";
import { executeWithProgress } from "./execute.js";

const asUsage = (error: unknown) => {
	if (error instanceof RunStateError || error instanceof RunBusyError) throw new UsageError(error.message);
	throw error;
};

export function registerManage(program: Command): void {
	program
		.command("runs")
		.description("List runs, newest first")
		.option("-l, --limit <n>", "how many", integer(1, 1000), 20)
		.option("--json", "print JSON (the API's run summaries)")
		.action(async (flags: { limit: number; json?: boolean }) => {
			const ctx = await openContext();
			try {
				const { runs } = await ctx.store.runs.summaries({ limit: flags.limit });
				if (flags.json) {
					process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
				} else if (runs.length === 0) {
					process.stdout.write("No runs yet. Start one with: npm run evals -- run\n");
				} else {
					process.stdout.write(
						`${table(["id", "model", "agent", "status", "created", "passed", "failed", "%", "time"], runs.map(runLine))}\n`,
					);
				}
			} finally {
				await ctx.close();
			}
		});

	program
		.command("show <id>")
		.description("Show a run: every task's verdict, time, tokens and cost; --details adds failed tasks' test output")
		.option("--details", "include the error and the end of the test output of failed tasks")
		.option("--json", "print JSON")
		.action(async (id: string, flags: { details?: boolean; json?: boolean }) => {
			const ctx = await openContext();
			try {
				const report = await loadRunReport(ctx.store, runId(id), { details: flags.details });
				if (!report) throw new UsageError(`There is no run ${id}. List runs with: npm run evals -- runs`);
				process.stdout.write(
					flags.json
						? `${JSON.stringify({ ...runReportJson(report), run: report.run }, null, 2)}\n`
						: `${runReportText(report)}\n`,
				);
			} finally {
				await ctx.close();
			}
		});

	program
		.command("resume <id>")
		.description(
			"Finish a run that was interrupted (a killed controller): unfinished tasks run, finished ones never again",
		)
		.option("--json", "print the result as JSON")
		.action(async (id: string, flags: { json?: boolean }) => {
			const ctx = await openContext();
			try {
				const run = await ctx.store.runs.get(runId(id));
				if (!run) throw new UsageError(`There is no run ${id}.`);
				const unfinished = await ctx.store.tasks.unfinished(run.id);
				if (unfinished.length === 0 && !flags.json) process.stderr.write(`Run ${run.id} has no unfinished tasks.\n`);
				const finished = await executeWithProgress(ctx, run.id, {
					total: unfinished.length,
					quiet: Boolean(flags.json),
				}).catch(asUsage);
				const report = await loadRunReport(ctx.store, finished.id);
				if (!report) throw new Error(`Run ${finished.id} vanished before its report was read.`);
				if (flags.json) printReport({ json: runReportJson(report) });
				else process.stdout.write(`${runReportText(report)}\n`);
			} finally {
				await ctx.close();
			}
		});

	program
		.command("cancel <id>")
		.description("Cancel a run, also one executing in another process")
		.action(async (id: string) => {
			const ctx = await openContext();
			try {
				await ctx.controller.cancel(runId(id)).catch(asUsage);
				process.stdout.write(`Run ${id}: cancel requested.\n`);
			} finally {
				await ctx.close();
			}
		});

	program
		.command("db")
		.description("Database maintenance")
		.command("migrate")
		.description("Apply pending migrations (they are also applied automatically on every start)")
		.action(async () => {
			const ctx = await openContext();
			try {
				await ctx.database.migrate();
				process.stdout.write(`Migrations applied to ${ctx.database.location}.\n`);
			} finally {
				await ctx.close();
			}
		});
}
