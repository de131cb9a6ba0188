import { getToken } from "./token.js";
import type {
	ApiIssue,
	CreateRunResult,
	ExercisesResponse,
	ExportFormat,
	Health,
	NewRunRequest,
	RunList,
	RunListQuery,
	RunResponse,
	TaskDetail,
	TaskList,
	TaskStatus,
} from "./types.js";

/** A failed API call: the server's `{error: {code, message, issues}}`, or a network failure (status 0). */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: ApiIssue[] = [],
	) {
		super(message);
		this.name = "ApiError";
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof ApiError) return error.message;
	if (error instanceof Error) return error.message;
	return String(error);
}

/** zod reports paths as arrays; the server may pass them through or join them. */
function normalizeIssues(raw: unknown): ApiIssue[] {
	if (!Array.isArray(raw)) return [];
	return raw.flatMap((item): ApiIssue[] => {
		if (typeof item !== "object" || item === null) return [];
		const { path, message } = item as { path?: unknown; message?: unknown };
		const joined = Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "";
		return [{ path: joined, message: typeof message === "string" ? message : "invalid" }];
	});
}

function authHeaders(): Record<string, string> {
	const token = getToken();
	return token ? { Authorization: `Bearer ${token}` } : {};
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
	const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
	if (body !== undefined) headers["Content-Type"] = "application/json";
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch (error) {
		throw new ApiError(0, "network", `Cannot reach the server (${errorMessage(error)})`);
	}
	if (response.ok) return response;
	let code = `http_${response.status}`;
	let message = `${response.status} ${response.statusText || "error"}`;
	let issues: ApiIssue[] = [];
	try {
		const parsed = (await response.json()) as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
		if (parsed.error) {
			if (typeof parsed.error.code === "string") code = parsed.error.code;
			if (typeof parsed.error.message === "string") message = parsed.error.message;
			issues = normalizeIssues(parsed.error.issues);
		}
	} catch {
		// Not our JSON (a proxy's error page): the status line is all we have.
	}
	throw new ApiError(response.status, code, message, issues);
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
	const response = await send(method, path, body);
	if (response.status === 204) return undefined as T;
	return (await response.json()) as T;
}

export function toQueryString(params: Record<string, string | number | boolean | undefined | null>): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined || value === null || value === "") continue;
		search.set(key, String(value));
	}
	const text = search.toString();
	return text ? `?${text}` : "";
}

function filenameFrom(response: Response, fallback: string): string {
	const disposition = response.headers.get("Content-Disposition") ?? "";
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
	return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

/**
 * Downloads go through fetch rather than a plain link so the Authorization header is sent when
 * the server wants a token.
 */
async function download(path: string, fallbackName: string): Promise<void> {
	const response = await send("GET", path);
	const blob = await response.blob();
	const url = URL.createObjectURL(blob);
	const anchor = document.createElement("a");
	anchor.href = url;
	anchor.download = filenameFrom(response, fallbackName);
	document.body.append(anchor);
	anchor.click();
	anchor.remove();
	// Revoking at once can cancel the download in some browsers.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const exportExtension: Record<ExportFormat, string> = { csv: "csv", json: "json", junit: "xml" };

export const api = {
	health: () => json<Health>("GET", "/api/health"),
	listRuns: (query: RunListQuery = {}) => json<RunList>("GET", `/api/runs${toQueryString({ ...query })}`),
	getRun: (id: number) => json<RunResponse>("GET", `/api/runs/${id}`),
	createRun: (body: NewRunRequest) => json<CreateRunResult>("POST", "/api/runs", body),
	deleteRun: (id: number) => json<void>("DELETE", `/api/runs/${id}`),
	cancelRun: (id: number) => json<unknown>("POST", `/api/runs/${id}/cancel`),
	listTasks: (runId: number, query: { status?: TaskStatus; limit?: number; offset?: number } = {}) =>
		json<TaskList>("GET", `/api/runs/${runId}/tasks${toQueryString(query)}`),
	getTask: (id: number) => json<TaskDetail>("GET", `/api/tasks/${id}`),
	cancelTask: (id: number) => json<unknown>("POST", `/api/tasks/${id}/cancel`),
	requeueTask: (id: number) => json<unknown>("POST", `/api/tasks/${id}/requeue`),
	exercises: (suite?: string) => json<ExercisesResponse>("GET", `/api/exercises${toQueryString({ suite })}`),
	exportRun: (id: number, format: ExportFormat) =>
		download(`/api/runs/${id}/export?format=${format}`, `run-${id}.${exportExtension[format]}`),
	downloadFailedLogs: (id: number) => download(`/api/runs/${id}/logs/failed`, `run-${id}-failed-logs.zip`),
	streamUrl: (id: number) => {
		const token = getToken();
		return `/api/runs/${id}/stream${toQueryString({ token })}`;
	},
};

const PAGE = 500;

/** Every task of a run, paging through the API so large runs load completely. */
export async function listAllTasks(runId: number): Promise<TaskList> {
	const first = await api.listTasks(runId, { limit: PAGE, offset: 0 });
	const tasks = [...first.tasks];
	while (tasks.length < first.total) {
		const next = await api.listTasks(runId, { limit: PAGE, offset: tasks.length });
		if (next.tasks.length === 0) break;
		tasks.push(...next.tasks);
	}
	return { tasks, total: first.total };
}

/** Runs `work` over `items`, at most `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	async function worker(): Promise<void> {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index] as T);
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
