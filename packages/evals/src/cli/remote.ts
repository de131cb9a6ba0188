import { type ApiClient, ApiError, createApiClient, type RunConfig } from "@agent-evals/types";
import { isLiveHere, readDiscovery } from "../server/discovery.js";
import { UsageError } from "./errors.js";
import { ProgressDisplay } from "./progress.js";
import { followSignals, printReport } from "./run-output.js";

/*
 * `evals run` while `evals serve` holds the embedded database (PGlite allows one process): the
 * run is submitted to the server, which executes it, and followed from here with the same
 * progress display and report as a run in this process.
 */

const POLL_MS = 500;
const HEALTH_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** How long the server may be unreachable before the CLI gives up following. */
const LOST_AFTER_MS = 10_000;

export interface RemoteServer {
	url: string;
	api: ApiClient;
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
	const token = () => env.EVALS_API_TOKEN || undefined;
	try {
		await createApiClient({ baseUrl: info.url, token, timeoutMs: HEALTH_TIMEOUT_MS }).health();
	} catch (error) {
		if (error instanceof ApiError && error.status === 401) {
			throw new UsageError(
				`evals serve at ${info.url} holds the database under ${home} and wants a token: set EVALS_API_TOKEN to the server's.`,
			);
		}
		// Not answering: carry on locally, where the database lock explains who holds it.
		return undefined;
	}
	return { url: info.url, api: createApiClient({ baseUrl: info.url, token, timeoutMs: REQUEST_TIMEOUT_MS }) };
}

/**
 * Submits the run, follows it to the end (Ctrl-C cancels it on the server; twice quits), and
 * prints what `evals run` prints for a run executed here. Sets the exit code the same way.
 */
export async function runOnServer(server: RemoteServer, config: RunConfig, options: { json: boolean }): Promise<void> {
	const { api } = server;
	const created = await api.createRun(config).catch((error: unknown) => {
		if (error instanceof ApiError && error.status === 400) throw new UsageError(error.message);
		throw error;
	});
	const runId = created.id;
	process.stderr.write(`evals serve at ${server.url} holds the database: run ${runId} executes there.\n`);
	if (!options.json) {
		process.stderr.write(
			`Run ${runId}: ${created.total} task${created.total === 1 ? "" : "s"} with ${config.model} (${config.agent} agent), concurrency ${config.concurrency}\n`,
		);
		const sandbox = await api
			.getRun(runId)
			.then(({ run }) => run.sandbox)
			.catch(() => undefined);
		if (sandbox !== undefined) process.stderr.write(`Sandbox: ${sandbox} (chosen by the server)\n`);
	}
	const progress = options.json
		? undefined
		: new ProgressDisplay(
				async () => (await api.listAllTasks(runId)).tasks,
				process.stderr,
				async (afterId) => (await api.getObserver(runId)).anomalies.filter((finding) => finding.id > afterId),
			);
	const status = await followSignals(
		() => void api.cancelRun(runId).catch(() => undefined),
		async () => {
			progress?.start(created.total);
			try {
				return await waitForEnd(api, server.url, runId);
			} finally {
				await progress?.stop();
			}
		},
	);
	if (options.json) {
		// The export carries the statistics too; `run --json` keeps its contract.
		const { stats: _, ...report } = await api.reportJson(runId);
		printReport({ json: report });
	} else printReport({ text: await api.reportText(runId), runId, dashboard: server.url });
	if (status === "paused") {
		process.stderr.write(
			`Run ${runId} is paused: continue it with npx evals resume ${runId} (the server executes it).\n`,
		);
	}
	process.exitCode = status === "completed" ? 0 : 1;
}

/** Polls the run until its executor has closed it; returns the final status. */
async function waitForEnd(api: ApiClient, url: string, runId: number): Promise<string> {
	let unreachableSince: number | undefined;
	for (;;) {
		try {
			const { run } = await api.getRun(runId);
			unreachableSince = undefined;
			const closed =
				run.status === "completed" || run.status === "cancelled" || run.status === "failed" || run.status === "paused";
			// A cancelled run is marked at once; it is over when its executor has finished it.
			if (closed && (run.finishedAt !== null || run.running + run.pending === 0)) return run.status;
		} catch (error) {
			if (error instanceof ApiError && error.status === 404) {
				throw new Error(`Run ${runId} was deleted on the server.`);
			}
			unreachableSince ??= Date.now();
			if (Date.now() - unreachableSince > LOST_AFTER_MS) {
				throw new Error(
					`Lost evals serve at ${url} while following run ${runId}: ${error instanceof Error ? error.message : String(error)}`,
				);
			}
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
