import { exportQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { runJson, runText } from "../../cli/report.js";
import type { ServerDeps } from "../deps.js";
import { notFound } from "../errors.js";
import { failedLogsZip, tasksCsv, tasksJunit } from "../exports.js";
import { finalMessages, getRunSummary, listTaskSummaries } from "../queries.js";
import { idParamSchema, valid } from "../validation.js";

const attachment = (name: string) => `attachment; filename="${name}"`;

export function exportRoutes(deps: ServerDeps) {
	const { store } = deps;
	return new Hono()
		.get("/:id/export", valid("param", idParamSchema), valid("query", exportQuerySchema), async (c) => {
			const { id } = c.req.valid("param");
			const { format } = c.req.valid("query");
			const run = await store.getRun(id);
			if (!run) throw notFound(`There is no run ${id}.`);
			switch (format) {
				case "json":
					c.header("Content-Disposition", attachment(`run-${id}.json`));
					return c.json(await runJson(store, run));
				case "text":
					return c.text(await runText(store, run));
				case "csv": {
					const { tasks } = await listTaskSummaries(store.db, id);
					return c.body(tasksCsv(tasks), 200, {
						"Content-Type": "text/csv; charset=utf-8",
						"Content-Disposition": attachment(`run-${id}.csv`),
					});
				}
				case "junit": {
					const [summary, { tasks }] = await Promise.all([
						getRunSummary(store.db, id),
						listTaskSummaries(store.db, id),
					]);
					if (!summary) throw notFound(`There is no run ${id}.`);
					return c.body(tasksJunit(summary, tasks), 200, {
						"Content-Type": "application/xml; charset=utf-8",
						"Content-Disposition": attachment(`run-${id}-junit.xml`),
					});
				}
			}
		})
		.get("/:id/logs/failed", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			if (!(await store.getRun(id))) throw notFound(`There is no run ${id}.`);
			const { tasks } = await listTaskSummaries(store.db, id, { status: ["failed"] });
			const entries = await Promise.all(
				tasks.map(async (task) => {
					const row = await store.getTask(task.id);
					return {
						task,
						messages: await finalMessages(store.db, task.id),
						testOutput: row?.testOutput ?? null,
						workspaceDiff: row?.workspaceDiff ?? null,
					};
				}),
			);
			const zip = failedLogsZip(entries);
			return c.body(zip.slice().buffer, 200, {
				"Content-Type": "application/zip",
				"Content-Disposition": attachment(`run-${id}-failed-logs.zip`),
			});
		});
}
