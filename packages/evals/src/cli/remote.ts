import {
	apiErrorSchema,
	createRunResponseSchema,
	type RunConfig,
	runDetailResponseSchema,
	runReportSchema,
	type TaskSummary,
	taskListResponseSchema,
} from "@agent-evals/types";
import type { z } from "zod";
import type { Task } from "../db/schema.js";
import { isLiveHere, readDiscovery } from "../server/discovery.js";
import { UsageError } from "./errors.js";
import { ProgressDisplay } from "./progress.js";

/*
 * `evals run` while `evals serve` holds the embedded database (PGlite allows one process): the
 * run is submitted to the server, which executes it, and followed from here with the same
 * progress display and report as a run in this process.
 */

const POLL_MS = 500;
const HEALTH_TIMEOUT_MS = 3_000;
/** How long the server may be unreachable before the CLI gives up following. */
const LOST_AFTER_MS = 10_000;

export interface RemoteServer {
	url: string;
	token?: string;
}

/** A non-2xx answer, with the API's error code and message. */
export class RemoteError extends Error {
	override readonly name = "RemoteError";
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/**
 * The `evals serve` to hand runs to: named by `$EVALS_HOME/serve.json`, alive on this host and
 * answering. None when DATABASE_URL is set: then both processes share the store and the CLI
 * runs the run itself.
 */
export async function findServer(
	home: string,
	env: NodeJS.ProcessEnv = process.env,
): Promise<RemoteServer | undefined> {
	if (env.DATABASE_URL) return undefined;
	const info = await readDiscovery(home);
	if (!info || !isLiveHere(info)) return undefined;
	const server: RemoteServer = { url: info.url, token: env.EVALS_API_TOKEN || undefined };
	try {
		await request(server, "GET", "/api/health", { timeoutMs: HEALTH_TIMEOUT_MS });
		return server;
	} catch (error) {
		if (error instanceof RemoteError && error.status === 401) {
			throw new UsageError(
				`evals serve at ${info.url} holds the database under ${home} and wants a token: set EVALS_API_TOKEN to the server's.`,
			);
		}
		// Not answering: carry on locally, where the database lock explains who holds it.
		return undefined;
	}
}

export async function request(
	server: RemoteServer,
	method: string,
	path: string,
	options: { body?: unknown; timeoutMs?: number } = {},
): Promise<Response> {
	const headers: Record<string, string> = {};
	if (server.token) headers.authorization = `Bearer ${server.token}`;
	if (options.body !== undefined) headers["content-type"] = "application/json";
	const response = await fetch(`${server.url}${path}`, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
		signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
	});
	if (!response.ok) {
		const text = await response.text();
		let parsed: z.infer<typeof apiErrorSchema> | undefined;
		try {
			parsed = apiErrorSchema.parse(JSON.parse(text));
		} catch {
			parsed = undefined;
		}
		throw new RemoteError(
			response.status,
			parsed?.error.code ?? "internal",
			parsed?.error.message ?? `HTTP ${response.status} from ${server.url}${path}`,
		);
	}
	return response;
}

async function getJson<S extends z.ZodType>(server: RemoteServer, path: string, schema: S): Promise<z.output<S>> {
	const response = await request(server, "GET", path);
	return schema.parse(await response.json());
}

/** The run's tasks as the progress display reads them, over HTTP. */
class RemoteTasks {
	constructor(private readonly server: RemoteServer) {}

	async listTasks(runId: number): Promise<Task[]> {
		const tasks: Task[] = [];
		for (let offset = 0; ; offset += 500) {
			const page = await getJson(
				this.server,
				`/api/runs/${runId}/tasks?limit=500&offset=${offset}`,
				taskListResponseSchema,
			);
			tasks.push(...page.tasks.map(toTask));
			if (page.tasks.length < 500 || tasks.length >= page.total) return tasks;
		}
	}
}

function toTask(task: TaskSummary): Task {
	const date = (iso: string | null) => (iso === null ? null : new Date(iso));
	return {
		id: task.id,
		runId: task.runId,
		taskMetricsId: null,
		language: task.language,
		exercise: task.exercise,
		iteration: task.iteration,
		status: task.status,
		passed: task.passed,
		failureKind: task.failureKind,
		attempt: task.attempt,
		agentTaskId: null,
		queueWaitMs: task.queueWaitMs,
		phaseTimings: null,
		testOutput: null,
		workspaceDiff: null,
		testsTampered: task.testsTampered,
		error: task.error,
		startedAt: date(task.startedAt),
		finishedAt: date(task.finishedAt),
		createdAt: date(task.startedAt) ?? new Date(),
	};
}

/**
 * Submits the run, follows it to the end (Ctrl-C cancels it on the server; twice quits), and
 * prints what `evals run` prints for a run executed here. Sets the exit code the same way.
 */
export async function runOnServer(server: RemoteServer, config: RunConfig, options: { json: boolean }): Promise<void> {
	const created = await request(server, "POST", "/api/runs", { body: config })
		.then(async (response) => createRunResponseSchema.parse(await response.json()))
		.catch((error: unknown) => {
			if (error instanceof RemoteError && error.status === 400) throw new UsageError(error.message);
			throw error;
		});
	const runId = created.id;
	process.stderr.write(`evals serve at ${server.url} holds the database: run ${runId} executes there.\n`);
	if (!options.json) {
		process.stderr.write(
			`Run ${runId}: ${created.total} task${created.total === 1 ? "" : "s"} with ${config.model} (${config.agent} agent), concurrency ${config.concurrency}\n`,
		);
	}
	const progress = options.json ? undefined : new ProgressDisplay(new RemoteTasks(server), runId);
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) process.exit(130);
		process.stderr.write("\nCancelling the run (Ctrl-C again to quit at once)…\n");
		void request(server, "POST", `/api/runs/${runId}/cancel`).catch(() => undefined);
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	progress?.start(created.total);
	let status: string;
	try {
		status = await waitForEnd(server, runId);
	} finally {
		await progress?.stop();
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
	}
	if (options.json) {
		const response = await request(server, "GET", `/api/runs/${runId}/export?format=json`);
		const report: unknown = await response.json();
		runReportSchema.parse(report);
		process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
	} else {
		const text = await (await request(server, "GET", `/api/runs/${runId}/export?format=text`)).text();
		process.stdout.write(`${text}\n\n`);
		process.stdout.write(`Details: npm run evals -- show ${runId}   ·   all runs: npm run evals -- runs\n`);
		process.stdout.write(`Dashboard: ${server.url}\n`);
	}
	process.exitCode = status === "completed" ? 0 : 1;
}

/** Polls the run until its executor has closed it; returns the final status. */
async function waitForEnd(server: RemoteServer, runId: number): Promise<string> {
	let unreachableSince: number | undefined;
	for (;;) {
		try {
			const { run } = await getJson(server, `/api/runs/${runId}`, runDetailResponseSchema);
			unreachableSince = undefined;
			const closed = run.status === "completed" || run.status === "cancelled" || run.status === "failed";
			// A cancelled run is marked at once; it is over when its executor has finished it.
			if (closed && (run.finishedAt !== null || run.running + run.pending === 0)) return run.status;
		} catch (error) {
			if (error instanceof RemoteError && error.status === 404) {
				throw new Error(`Run ${runId} was deleted on the server.`);
			}
			unreachableSince ??= Date.now();
			if (Date.now() - unreachableSince > LOST_AFTER_MS) {
				throw new Error(
					`Lost evals serve at ${server.url} while following run ${runId}: ${error instanceof Error ? error.message : String(error)}`,
				);
			}
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
