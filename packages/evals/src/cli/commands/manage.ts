import type { Command } from "commander";
import { runLine, table } from "../../report/format.js";
import { mcpReportText } from "../../report/mcp-report.js";
import {
	environmentText,
	loadRunReport,
	loadRunReports,
	runReportJson,
	runReportText,
} from "../../report/run-report.js";
import { RunBusyError, RunConfigError, RunStateError } from "../../run/errors.js";
import { openContext } from "../context.js";
import { wantsDistributed } from "../distributed.js";
import { UsageError } from "../errors.js";
import { printObserverNotes } from "../observer-output.js";
import { integer, positiveNumber, runId } from "../options.js";
import { printReport } from "../run-output.js";
import { executeWithProgress } from "./execute.js";

const asUsage = (error: unknown) => {
	if (error instanceof RunStateError || error instanceof RunBusyError || error instanceof RunConfigError) {
		throw new UsageError(error.message);
	}
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
		.option(
			"--mcp",
			"also show how the run used its MCP servers: calls, latency, errors, sizes per server and per task",
		)
		.option("--env", "also show what the run was made with: agent-evals version, exercises' hash, toolchains, machine")
		.option("--json", "print JSON")
		.action(async (id: string, flags: { details?: boolean; mcp?: boolean; env?: boolean; json?: boolean }) => {
			const ctx = await openContext();
			try {
				const report = await loadRunReport(ctx.store, runId(id), { details: flags.details });
				if (!report) throw new UsageError(`There is no run ${id}. List runs with: npm run evals -- runs`);
				const mcp = flags.mcp ? await ctx.store.mcp.runView(report.run.id) : undefined;
				process.stdout.write(
					flags.json
						? `${JSON.stringify({ ...runReportJson(report, { stats: true }), run: report.run, ...(mcp ? { mcp } : {}) }, null, 2)}\n`
						: [
								`${runReportText(report)}\n`,
								mcp ? `\n${mcpReportText(mcp)}\n` : "",
								flags.env ? `\nEnvironment\n\n${environmentText(report.run)}\n` : "",
							].join(""),
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
		.option(
			"--budget <usd>",
			"a new budget for an observed run (one paused at its budget continues with it)",
			positiveNumber(1_000_000),
		)
		.option("--json", "print the result as JSON")
		.option("--distributed", "enqueue what is missing for `evals worker` processes (also EVALS_DISTRIBUTED=1)")
		.action(async (id: string, flags: { json?: boolean; budget?: number; distributed?: boolean }) => {
			const distributed = wantsDistributed(flags.distributed);
			const ctx = await openContext({ distributed, runsTasks: !distributed });
			try {
				// A run made with others (an MCP A/B) resumes with them, interleaved as before.
				const group = await ctx.store.runs.group(runId(id));
				if (group.length === 0) throw new UsageError(`There is no run ${id}.`);
				if (flags.budget !== undefined) {
					const sessions = await Promise.all(group.map((run) => ctx.store.observer.session(run.id)));
					if (sessions.every((session) => !session)) {
						throw new UsageError(`Run ${id} is not observed: --budget applies to runs made with --observer.`);
					}
					for (const run of group) {
						if (await ctx.store.observer.session(run.id)) {
							await ctx.store.observer.updateSession(run.id, { budgetUsd: flags.budget });
						}
					}
				}
				let unfinished = 0;
				for (const run of group) unfinished += (await ctx.store.tasks.unfinished(run.id)).length;
				if (unfinished === 0 && !flags.json) process.stderr.write(`Run ${id} has no unfinished tasks.\n`);
				const finished = await executeWithProgress(
					ctx,
					group.map((run) => run.id),
					{ total: unfinished, quiet: Boolean(flags.json) },
				).catch(asUsage);
				const reports = await loadRunReports(ctx.store, finished);
				if (flags.json) {
					const [only] = reports;
					printReport({
						json:
							reports.length === 1 && only
								? runReportJson(only)
								: { runs: reports.map((report) => runReportJson(report)) },
					});
				} else {
					for (const report of reports) process.stdout.write(`${runReportText(report)}\n`);
				}
				await printObserverNotes(ctx.store, finished, { home: ctx.home, json: Boolean(flags.json) });
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
