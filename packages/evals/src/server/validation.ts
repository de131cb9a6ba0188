import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import { z } from "zod";
import { badRequest, type HttpError, issuesOf, type ZodIssues } from "./errors.js";

function invalid(where: string, error: ZodIssues): HttpError {
	const issues = issuesOf(error);
	const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
	return badRequest(`Invalid ${where}: ${summary}`, issues);
}

const targetNames: Partial<Record<keyof ValidationTargets, string>> = {
	param: "path parameter",
	query: "query",
	json: "request body",
	header: "header",
};

/** zValidator whose failures become the API's 400 shape. */
export const valid = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
	zValidator(target, schema, (result) => {
		if (!result.success) throw invalid(targetNames[target] ?? target, result.error);
	});

/**
 * A JSON body checked against `schema`. Unlike Hono's json validator, an empty body is `{}` (so
 * `POST /api/runs` with nothing starts the smoke run), and a non-empty body must say it is JSON:
 * a cross-site form cannot send that without a CORS preflight, which this server never grants.
 */
export function jsonBody<T extends z.ZodType>(
	schema: T,
): MiddlewareHandler<object, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
	return async (c, next) => {
		const text = await c.req.text();
		let value: unknown = {};
		if (text.trim() !== "") {
			const type = c.req.header("content-type") ?? "";
			if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
				throw badRequest("Send the body as JSON, with Content-Type: application/json.");
			}
			try {
				value = JSON.parse(text);
			} catch (error) {
				throw badRequest(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		const parsed = schema.safeParse(value);
		if (!parsed.success) throw invalid("request body", parsed.error);
		c.req.addValidatedData("json", parsed.data as object);
		await next();
	};
}

/** Path parameter `:id`: a positive whole number that fits the int4 id columns. */
export const idParamSchema = z.object({
	id: z
		.string()
		.regex(/^\d+$/, "must be a positive whole number")
		.transform(Number)
		.pipe(z.number().int().min(1, "must be a positive whole number").max(2_147_483_647, "no such id")),
});
