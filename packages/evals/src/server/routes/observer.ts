import { recommendationParamSchema } from "@agent-evals/types";
import { Hono } from "hono";
import { toRecommendationView } from "../../db/queries/observer.js";
import { applyRecommendation, dismissRecommendation, RecommendationError } from "../../observer/steering.js";
import { RunBusyError, RunStateError } from "../../run/errors.js";
import type { ServerDeps } from "../deps.js";
import { conflict, notFound } from "../errors.js";
import { idParamSchema, valid } from "../validation.js";

/**
 * The observer of a run, mounted under /api/runs: `GET /:id/observer` (session, findings,
 * insights, recommendations) and a person's decision on a recommendation, `POST
 * /:id/observer/recommendations/:recommendationId/apply` (applied through this server's
 * controller, `applied_by = human`) or `/dismiss`. A recommendation that is no longer pending, or
 * that only the process executing the run could apply, is a 409 and stays as it was.
 */
export function observerRoutes(deps: ServerDeps) {
	const { store, controller } = deps;
	const recommendationOf = async (runId: number, recommendationId: number) => {
		if (!(await store.runs.get(runId))) throw notFound(`There is no run ${runId}.`);
		const recommendation = await store.observer.recommendation(recommendationId);
		if (!recommendation || recommendation.runId !== runId) {
			throw notFound(`Run ${runId} has no recommendation ${recommendationId}.`);
		}
		return recommendation;
	};
	const asConflict = (error: unknown): never => {
		if (error instanceof RecommendationError || error instanceof RunBusyError || error instanceof RunStateError) {
			throw conflict(error.message);
		}
		throw error;
	};

	return new Hono()
		.get("/:id/observer", valid("param", idParamSchema), async (c) => {
			const { id } = c.req.valid("param");
			if (!(await store.runs.get(id))) throw notFound(`There is no run ${id}.`);
			return c.json(await store.observer.view(id));
		})
		.post(
			"/:id/observer/recommendations/:recommendationId/apply",
			valid("param", recommendationParamSchema),
			async (c) => {
				const { id, recommendationId } = c.req.valid("param");
				const recommendation = await recommendationOf(id, recommendationId);
				const applied = await applyRecommendation(store, controller, recommendation, "human").catch(asConflict);
				// A paused or requeued run may need this server to execute it again.
				if (applied.status === "applied" && applied.type === "requeue_task") await deps.executor.start(id);
				return c.json(toRecommendationView(applied));
			},
		)
		.post(
			"/:id/observer/recommendations/:recommendationId/dismiss",
			valid("param", recommendationParamSchema),
			async (c) => {
				const { id, recommendationId } = c.req.valid("param");
				const recommendation = await recommendationOf(id, recommendationId);
				const dismissed = await dismissRecommendation(store, recommendation).catch(asConflict);
				return c.json(toRecommendationView(dismissed));
			},
		);
}
