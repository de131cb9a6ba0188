import type { ApiErrorBody, ApiErrorCode, ApiIssue } from "@agent-evals/types";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const statusOf: Record<ApiErrorCode, ContentfulStatusCode> = {
	bad_request: 400,
	unauthorized: 401,
	not_found: 404,
	conflict: 409,
	internal: 500,
};

/** Thrown anywhere in a handler; `app.onError` turns it into the one error shape. */
export class HttpError extends Error {
	override readonly name = "HttpError";
	constructor(
		readonly code: ApiErrorCode,
		message: string,
		readonly issues?: ApiIssue[],
	) {
		super(message);
	}

	get status(): ContentfulStatusCode {
		return statusOf[this.code];
	}
}

export const badRequest = (message: string, issues?: ApiIssue[]) => new HttpError("bad_request", message, issues);
export const notFound = (message: string) => new HttpError("not_found", message);
export const conflict = (message: string) => new HttpError("conflict", message);

export function errorBody(code: ApiErrorCode, message: string, issues?: ApiIssue[]): ApiErrorBody {
	return { error: issues && issues.length > 0 ? { code, message, issues } : { code, message } };
}

export function errorResponse(c: Context, error: HttpError): Response {
	const headers: Record<string, string> =
		error.code === "unauthorized" ? { "WWW-Authenticate": 'Bearer realm="evals"' } : {};
	return c.json(errorBody(error.code, error.message, error.issues), error.status, headers);
}

/** For `app.onError`: our errors as they are, Hono's by their status, anything else as a 500. */
export function toHttpError(error: unknown, log: (message: string) => void): HttpError {
	if (error instanceof HttpError) return error;
	if (error instanceof HTTPException) {
		const code: ApiErrorCode =
			error.status === 401
				? "unauthorized"
				: error.status === 404
					? "not_found"
					: error.status < 500
						? "bad_request"
						: "internal";
		return new HttpError(code, error.message || "request refused");
	}
	log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	// A failed query's message is the whole SQL text; its cause says what went wrong.
	const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	const reason = root instanceof Error ? root.message : String(root);
	return new HttpError("internal", `Internal error: ${reason.slice(0, 300)} (details in the server's log).`);
}

/** What zod's classic and core errors share. */
export interface ZodIssues {
	issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

export function issuesOf(error: ZodIssues): ApiIssue[] {
	return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}
