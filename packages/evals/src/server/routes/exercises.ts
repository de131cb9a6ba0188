import path from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import { loadSuite } from "../../exercises/load.js";
import { SuiteLoadError } from "../../exercises/types.js";
import type { ServerDeps } from "../deps.js";
import { badRequest } from "../errors.js";
import { allowedSuitePath } from "../suite-roots.js";
import { valid } from "../validation.js";

const querySchema = z.object({ suite: z.string().trim().min(1).optional() });

export function exerciseRoutes(deps: ServerDeps) {
	return new Hono().get("/", valid("query", querySchema), async (c) => {
		const { suite: requested } = c.req.valid("query");
		const root = requested === undefined ? deps.defaultSuite : await allowedSuitePath(requested, deps.suiteRoots);
		const suite = await loadSuite(path.resolve(root)).catch((error: unknown) => {
			if (error instanceof SuiteLoadError) throw badRequest(error.message);
			throw error;
		});
		return c.json({
			suite: suite.root,
			layout: suite.layout,
			exercises: suite.exercises.map((exercise) => ({
				language: exercise.language,
				exercise: exercise.name,
				difficulty: exercise.difficulty ?? null,
				reference: exercise.reference.length > 0,
			})),
			warnings: suite.warnings,
		});
	});
}
