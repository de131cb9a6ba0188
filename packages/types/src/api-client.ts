// The one typed request core for the HTTP API of `evals serve`, shared by the dashboard and the
// CLI (when it hands a run to a server). No zod here, and only type imports: the dashboard
// bundles this module and must not pull in the schema library.
import type {
	ApiIssue,
	CompareResponse,
	CreateRunResponse,
	ExerciseListResponse,
	HealthResponse,
	RunCancelResponse,
	RunDetailResponse,
	RunListResponse,
	RunMcpResponse,
	RunReport,
	RunSortKey,
	TaskActionResponse,
	TaskDetail,
	TaskListResponse,
} from "./api.js";
import type { ObserverView, RecommendationView } from "./observer.js";
import type { RunConfigInput } from "./run.js";
import type { RunStatus, TaskStatus } from "./values.js";
import type { WorkerListResponse } from "./workers.js";

/** A failed API call: the server's `{error: {code, message, issues}}`, or no answer at all (status 0). */
export class ApiError extends Error {
	override readonly name = "ApiError";
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: ApiIssue[] = [],
	) {
		super(message);
	}
}

/** Query of `GET /api/runs` as a client sends it (the server parses the strings). */
export interface RunListParams {
	model?: string;
	provider?: string;
	status?: RunStatus;
	since?: string;
	sort?: RunSortKey;
	order?: "asc" | "desc";
	limit?: number;
	offset?: number;
}

export interface TaskListParams {
	status?: TaskStatus;
	limit?: number;
	offset?: number;
}

export interface ApiClientOptions {
	/** Origin of the server, e.g. "http://127.0.0.1:3446"; "" for same-origin requests (the dashboard). */
	baseUrl?: string;
	/** The API token, read at each request (it may change). */
	token?: () => string | undefined;
	/** Per-request time limit; none by default. */
	timeoutMs?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Largest page `GET /api/runs/:id/tasks` serves. */
export const TASK_PAGE = 500;

export function createApiClient(options: ApiClientOptions = {}) {
	const base = options.baseUrl ?? "";

	async function send(method: string, path: string, body?: unknown): Promise<Response> {
		const headers: Record<string, string> = { Accept: "application/json" };
		const token = options.token?.();
		if (token) headers.Authorization = `Bearer ${token}`;
		if (body !== undefined) headers["Content-Type"] = "application/json";
		let response: Response;
		try {
			response = await fetch(`${base}${path}`, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
			});
		} catch (error) {
			throw new ApiError(0, "network", `Cannot reach the server at ${base || "this origin"} (${messageOf(error)})`);
		}
		if (response.ok) return response;
		throw await errorFrom(response);
	}

	async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await send(method, path, body);
		if (response.status === 204) return undefined as T;
		return (await response.json()) as T;
	}

	const client = {
		send,
		health: () => json<HealthResponse>("GET", "/api/health"),
		/** The `evals worker` processes alive now (empty without Redis or workers). */
		workers: () => json<WorkerListResponse>("GET", "/api/workers"),
		listRuns: (query: RunListParams = {}) => json<RunListResponse>("GET", `/api/runs${toQueryString({ ...query })}`),
		getRun: (id: number) => json<RunDetailResponse>("GET", `/api/runs/${id}`),
		runMcp: (id: number) => json<RunMcpResponse>("GET", `/api/runs/${id}/mcp`),
		/** Every later run against the first, paired over the exercises both ran. */
		compare: (runIds: readonly number[]) => json<CompareResponse>("GET", `/api/compare?runs=${runIds.join(",")}`),
		createRun: (body: RunConfigInput) => json<CreateRunResponse>("POST", "/api/runs", body),
		deleteRun: (id: number) => json<void>("DELETE", `/api/runs/${id}`),
		cancelRun: (id: number) => json<RunCancelResponse>("POST", `/api/runs/${id}/cancel`),
		/** Continues a paused or interrupted run; `budgetUsd` replaces the observer's budget first. */
		resumeRun: (id: number, body: { budgetUsd?: number } = {}) =>
			json<RunCancelResponse>("POST", `/api/runs/${id}/resume`, body),
		/** The observer's session, findings, insights and recommendations for a run. */
		getObserver: (id: number) => json<ObserverView>("GET", `/api/runs/${id}/observer`),
		applyRecommendation: (runId: number, recommendationId: number) =>
			json<RecommendationView>("POST", `/api/runs/${runId}/observer/recommendations/${recommendationId}/apply`),
		dismissRecommendation: (runId: number, recommendationId: number) =>
			json<RecommendationView>("POST", `/api/runs/${runId}/observer/recommendations/${recommendationId}/dismiss`),
		listTasks: (runId: number, query: TaskListParams = {}) =>
			json<TaskListResponse>("GET", `/api/runs/${runId}/tasks${toQueryString({ ...query })}`),
		/** Every task of a run, paging through the API so large runs load completely. */
		async listAllTasks(runId: number): Promise<TaskListResponse> {
			const first = await client.listTasks(runId, { limit: TASK_PAGE, offset: 0 });
			const tasks = [...first.tasks];
			while (tasks.length < first.total) {
				const next = await client.listTasks(runId, { limit: TASK_PAGE, offset: tasks.length });
				if (next.tasks.length === 0) break;
				tasks.push(...next.tasks);
			}
			return { tasks, total: first.total };
		},
		getTask: (id: number) => json<TaskDetail>("GET", `/api/tasks/${id}`),
		cancelTask: (id: number) => json<TaskActionResponse>("POST", `/api/tasks/${id}/cancel`),
		requeueTask: (id: number) => json<TaskActionResponse>("POST", `/api/tasks/${id}/requeue`),
		exercises: (suite?: string) => json<ExerciseListResponse>("GET", `/api/exercises${toQueryString({ suite })}`),
		/** The run's report as JSON (`evals run --json`) or as the text `evals run` prints. */
		reportJson: (id: number) => json<RunReport>("GET", `/api/runs/${id}/export?format=json`),
		reportText: async (id: number) => (await send("GET", `/api/runs/${id}/export?format=text`)).text(),
	};
	return client;
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

/** The API's error shape when the answer has it; the status line when it does not (a proxy's page). */
async function errorFrom(response: Response): Promise<ApiError> {
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
		// Not our JSON: the status line is all there is.
	}
	return new ApiError(response.status, code, message, issues);
}

/** zod reports paths as arrays; the server passes them joined, but accept either. */
function normalizeIssues(raw: unknown): ApiIssue[] {
	if (!Array.isArray(raw)) return [];
	return raw.flatMap((item): ApiIssue[] => {
		if (typeof item !== "object" || item === null) return [];
		const { path, message } = item as { path?: unknown; message?: unknown };
		const joined = Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "";
		return [{ path: joined, message: typeof message === "string" ? message : "invalid" }];
	});
}

export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
