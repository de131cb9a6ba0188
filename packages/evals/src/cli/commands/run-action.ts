import { languages, type RunConfig } from "@agent-evals/types";
import { loadRunReports, runReportJson, runReportText } from "../../report/run-report.js";
import { probeEnvironment } from "../../run/environment.js";
import { createRun, gatherRunInputs, isRunConfigMistake } from "../../run/plan.js";
import { openContext } from "../context.js";
import { UsageError } from "../errors.js";
import { printObserverNotes } from "../observer-output.js";
import { printReport, START_DASHBOARD } from "../run-output.js";
import { executeWithProgress } from "./execute.js";

/*
 * What `evals run` does once its flags are checked: open the store, plan the run, execute it with
 * progress and print the report. Loaded only when a run starts, so that `evals` answers at once.
 */
export async function executeRun(
	config: RunConfig,
	options: { json: boolean; distributed: boolean; keepWorkspaces: boolean },
): Promise<void> {
	const { json, distributed } = options;
	// The languages the run can have (its exercises are chosen once the suite is loaded).
	probeEnvironment((config.include ?? languages).filter((language) => !config.exclude?.includes(language)));
	// The suite, the sandbox and the environment record are made ready while the store opens.
	const inputs = gatherRunInputs(config);
	const ctx = await openContext({
		log: (message) => process.env.EVALS_DEBUG && process.stderr.write(`${message}\n`),
		keepWorkspaces: options.keepWorkspaces,
		distributed,
		runsTasks: !distributed,
	});
	try {
		const created = await createRun(ctx.store, config, inputs).catch((error) => {
			throw isRunConfigMistake(error) ? new UsageError(error.message) : error;
		});
		const planned = [created, ...(created.baseline ? [created.baseline] : [])];
		const total = planned.reduce((sum, part) => sum + part.tasks.length, 0);
		if (!json) {
			const what = `${config.model} (${config.agent} agent), ${distributed ? "on the workers of the queue" : `concurrency ${config.concurrency}`}`;
			process.stderr.write(
				created.baseline
					? `Runs ${created.run.id} (with MCP: ${created.run.mcpServer}) and ${created.baseline.run.id} (without MCP): ${total} tasks interleaved, with ${what}\n`
					: `Run ${created.run.id}: ${total} task${total === 1 ? "" : "s"} with ${what}\n`,
			);
			process.stderr.write(`Sandbox: ${created.sandbox.description.replace(/^sandbox /, "")}\n`);
			process.stderr.write(
				created.run.agentProcesses === "warm"
					? "Agents: warm, one process per slot serving task after task (--fresh-agent: one per task)\n"
					: "Agents: a new process for every task\n",
			);
		}
		const runs = await executeWithProgress(
			ctx,
			planned.map((part) => part.run.id),
			{ total, quiet: json },
		);
		const reports = await loadRunReports(ctx.store, runs);
		if (json) {
			const [only] = reports;
			printReport({
				json:
					reports.length === 1 && only ? runReportJson(only) : { runs: reports.map((report) => runReportJson(report)) },
			});
		} else {
			for (const report of reports) {
				printReport({ text: runReportText(report), runId: report.run.id, dashboard: START_DASHBOARD });
			}
		}
		await printObserverNotes(ctx.store, runs, { home: ctx.home, json });
		process.exitCode = runs.every((run) => run.status === "completed") ? 0 : 1;
	} finally {
		await ctx.close();
	}
}
