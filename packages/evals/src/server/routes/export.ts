import { exportQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { failedLogsZip, tasksCsv, tasksJunit } from "../../report/exports.js";
import { loadRunReport, runReportJson, runReportText } from "../../report/run-report.js";
import type { ServerDeps } from "../deps.js";
import { notFound } from "../errors.js";
import { idParamSchema, valid } from "../validation.js";

const attachment = (name: string) => `attachment; filename="${name}"`;

export function exportRoutes(deps: ServerDeps) {
	const { store } = deps;
	return new Hono()
		.get("/:id/export", valid("param", idParamSchema), valid("query", exportQuerySchema), async (c) => {
			const { id } = c.req.valid("param");
			const { format } = c.req.valid("query");
			const report = await loadRunReport(store, id);
			if (!report) throw notFound(`There is no run ${id}.`);
			switch (format) {
				case "json":
					c.header("Content-Disposition", attachment(`run-${id}.json`));
					return c.json(runReportJson(report, { stats: true }));
				case "text":
					return c.text(runReportText(report));
				case "csv":
					return c.body(tasksCsv(report.tasks), 200, {
						"Content-Type": "text/csv; charset=utf-8",
						"Content-Disposition": attachment(`run-${id}.csv`),
					});
				case "junit":
					return c.body(tasksJunit(report.run, report.tasks), 200, {
						"Content-Type": "application/xml; charset=utf-8",
						"Content-Disposition": attachment(`run-${id}-junit.xml`),
					});
			}
		})
		.get("/:id/logs/failed", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			if (!(await store.runs.get(id))) throw notFound(`There is no run ${id}.`);
			const { tasks } = await store.tasks.summaries(id, { status: ["failed"] });
			const details = await Promise.all(tasks.map((task) => store.tasks.detail(task.id)));
			const zip = failedLogsZip(details.filter((detail) => detail !== undefined));
			return c.body(zip.slice().buffer, 200, {
				"Content-Type": "application/zip",
				"Content-Disposition": attachment(`run-${id}-failed-logs.zip`),
			});
		});
}
