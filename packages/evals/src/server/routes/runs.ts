import { runConfigSchema, runListQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { z } from "zod";
import { runStatsOf } from "../../report/run-stats.js";
import { RunConfigError } from "../../run/errors.js";
import { createRun, isRunConfigMistake } from "../../run/plan.js";
import type { ServerDeps } from "../deps.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { allowedSuitePath } from "../suite-roots.js";

/** How long deleting a finished run waits for its execution here to wind down. */
const SETTLE_BEFORE_DELETE_MS = 10_000;

import { idParamSchema, jsonBody, valid } from "../validation.js";

export function runRoutes(deps: ServerDeps) {
	const { store, controller, executor } = deps;
	const mustExist = async (id: number) => {
		const run = await store.runs.get(id);
		if (!run) throw notFound(`There is no run ${id}.`);
		return run;
	};

	return new Hono()
		.get("/", valid("query", runListQuerySchema), async (c) => {
			return c.json(await store.runs.summaries(c.req.valid("query")));
		})
		.post("/", jsonBody(runConfigSchema), async (c) => {
			const config = c.req.valid("json");
			const suite =
				config.suite === undefined ? deps.defaultSuite : await allowedSuitePath(config.suite, deps.suiteRoots);
			const created = await createRun(store, { ...config, suite }).catch((error: unknown) => {
				if (isRunConfigMistake(error)) {
					const field = error instanceof RunConfigError ? error.field : undefined;
					throw badRequest(error.message, field ? [{ path: field, message: error.message }] : undefined);
				}
				throw error;
			});
			await executor.start(created.run.id);
			return c.json(
				{
					id: created.run.id,
					total: created.tasks.length,
					...(created.baseline ? { baselineId: created.baseline.run.id } : {}),
				},
				201,
			);
		})
		.get("/:id", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			const detail = await store.runs.detail(id);
			if (!detail) throw notFound(`There is no run ${id}.`);
			const { tasks } = await store.tasks.summaries(id);
			return c.json({ ...detail, stats: runStatsOf(tasks) });
		})
		.get("/:id/mcp", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			await mustExist(id);
			return c.json(await store.mcp.runView(id));
		})
		.delete("/:id", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			const run = await mustExist(id);
			// A run that is over may still be winding down here (its agents stopping): a short wait,
			// rather than telling someone who just cancelled it to cancel it first.
			const executing = run.status === "running" || !(await executor.settle(id, SETTLE_BEFORE_DELETE_MS));
			if (executing) throw conflict(`Run ${id} is running; cancel it first (POST /api/runs/${id}/cancel).`);
			await store.runs.delete(id);
			return c.body(null, 204);
		})
		.post(
			"/:id/resume",
			valid("param", idParamSchema),
			jsonBody(
				z.strictObject({
					budgetUsd: z.number().gt(0, "must be more than 0").max(1_000_000, "must be at most 1000000").optional(),
				}),
			),
			async (c) => {
				const { id } = c.req.valid("param");
				const { budgetUsd } = c.req.valid("json");
				const run = await mustExist(id);
				if (run.status === "cancelled" || run.status === "completed") {
					if ((await store.tasks.unfinished(id)).length === 0)
						throw conflict(`Run ${id} is ${run.status}: nothing to resume.`);
				}
				if (run.status === "running" && !executor.isExecuting(id)) {
					throw conflict(`Run ${id} is executing in another process.`);
				}
				if (budgetUsd !== undefined) {
					if (!(await store.observer.session(id)))
						throw badRequest(`Run ${id} is not observed: it has no budget to change.`);
					await store.observer.updateSession(id, { budgetUsd });
				}
				await executor.start(id);
				return c.json({ status: (await mustExist(id)).status }, 202);
			},
		)
		.post("/:id/cancel", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			await mustExist(id);
			await controller.cancel(id);
			const run = await mustExist(id);
			return c.json({ status: run.status }, 202);
		});
}
