import { taskListQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { RunBusyError, RunStateError } from "../../run/errors.js";
import type { ServerDeps } from "../deps.js";
import { conflict, notFound } from "../errors.js";
import { idParamSchema, valid } from "../validation.js";

/** `GET /api/runs/:id/tasks`, mounted under /api/runs. */
export function runTaskRoutes(deps: ServerDeps) {
	const { store } = deps;
	return new Hono().get("/:id/tasks", valid("param", idParamSchema), valid("query", taskListQuerySchema), async (c) => {
		const { id } = c.req.valid("param");
		if (!(await store.runs.get(id))) throw notFound(`There is no run ${id}.`);
		return c.json(await store.tasks.summaries(id, c.req.valid("query")));
	});
}

/** `/api/tasks/:id...`. */
export function taskRoutes(deps: ServerDeps) {
	const { store, controller, executor } = deps;
	const mustExist = async (id: number) => {
		const task = await store.tasks.get(id);
		if (!task) throw notFound(`There is no task ${id}.`);
		return task;
	};
	const asConflict = (error: unknown): never => {
		if (error instanceof RunStateError || error instanceof RunBusyError) throw conflict(error.message);
		throw error;
	};

	return new Hono()
		.get("/:id", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			const detail = await store.tasks.detail(id);
			if (!detail) throw notFound(`There is no task ${id}.`);
			return c.json(detail);
		})
		.post("/:id/cancel", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			await mustExist(id);
			const task = await controller.cancelTask(id).catch(asConflict);
			return c.json({ id: task.id, status: task.status }, 202);
		})
		.post("/:id/requeue", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			const before = await mustExist(id);
			const run = await store.runs.get(before.runId);
			if (run?.status === "running" && !executor.isExecuting(before.runId)) {
				// That process's queue was filled when it started: it would never pick the task up.
				throw conflict(
					`Run ${before.runId} is executing in another process; requeue the task once that run has finished.`,
				);
			}
			const task = await controller.requeueTask(id).catch(asConflict);
			await executor.start(task.runId);
			return c.json({ id: task.id, status: task.status }, 202);
		});
}
