import { compareQuerySchema } from "@agent-evals/types";
import { Hono } from "hono";
import { CompareInputError, compareRuns } from "../../report/compare.js";
import type { ServerDeps } from "../deps.js";
import { notFound } from "../errors.js";
import { valid } from "../validation.js";

/** `GET /api/compare?runs=A,B,…`: every later run against the first, as `evals compare --json`. */
export function compareRoutes(deps: ServerDeps) {
	return new Hono().get("/", valid("query", compareQuerySchema), async (c) => {
		const { runs } = c.req.valid("query");
		const response = await compareRuns(deps.store, runs).catch((error: unknown) => {
			if (error instanceof CompareInputError) throw notFound(error.message);
			throw error;
		});
		return c.json(response);
	});
}
