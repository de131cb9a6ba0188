import type { HistoryTask } from "../db/queries/observer.js";
import type { Run } from "../db/schema.js";
import type { Store } from "../db/store.js";
import type { RunActivity, TaskActivity } from "./activity.js";
import type { InfraFailure, McpActivity, ObservedTask, RunSnapshot } from "./snapshot.js";

/*
 * Builds the snapshot the detectors look at from the store: the run's tasks with their metrics,
 * the activity of its stored events, the MCP telemetry tables, and the history loaded once.
 * Everything comes from the store, so the observer sees the same whichever process executes the
 * run, and a rerun after the fact sees what the live observer saw.
 */

const EVENT_PAGE = 2000;

/** Reads the run's events stored since the activity's cursor into it. */
export async function readNewEvents(store: Store, runId: number, activity: RunActivity): Promise<void> {
	for (;;) {
		const rows = await store.events.list(runId, { afterId: activity.cursor, limit: EVENT_PAGE });
		activity.addRows(rows);
		if (rows.length < EVENT_PAGE) return;
	}
}

export interface SnapshotSources {
	run: Run;
	activity: RunActivity;
	infraFailures: readonly InfraFailure[];
	history: readonly HistoryTask[];
	budgetUsd: number | null;
	discardedUsd: number;
	/** Read the MCP tables (only detectors that need them do). */
	withMcp: boolean;
	now: number;
}

export async function collectSnapshot(store: Store, sources: SnapshotSources): Promise<RunSnapshot> {
	const { run, activity, now } = sources;
	const [rows, mcp] = await Promise.all([
		store.observer.tasksWithMetrics(run.id),
		sources.withMcp ? mcpActivity(store, run.id) : Promise.resolve(emptyMcp()),
	]);
	const tasks: ObservedTask[] = rows.map(({ task: row, metrics }) => {
		const startedAt = row.startedAt?.getTime() ?? null;
		const finishedAt = row.finishedAt?.getTime() ?? null;
		const seen = activity.task(row.id);
		const since = startedAt ?? Number.POSITIVE_INFINITY;
		const running = row.status === "running";
		const live = running ? latestUsage(seen, since) : undefined;
		return {
			id: row.id,
			language: row.language,
			exercise: row.exercise,
			iteration: row.iteration,
			status: row.status,
			failureKind: row.failureKind,
			error: row.error,
			attempt: row.attempt,
			startedAt,
			finishedAt,
			tokens: live ? live.tokens : (metrics?.tokensIn ?? 0) + (metrics?.tokensOut ?? 0),
			cost: live ? live.cost : (metrics?.cost ?? 0),
			turns: seen?.turns.filter((turn) => turn.at >= since).length ?? 0,
			durationMs:
				running && startedAt !== null ? now - startedAt : startedAt === null ? null : (metrics?.duration ?? null),
			toolUsage: (live ? live.toolUsage : metrics?.toolUsage) ?? {},
			agentEndedAt: seen?.ends.filter((at) => at >= since).at(-1) ?? null,
			gradeMs: row.phaseTimings?.gradeMs ?? null,
			eventTimes: seen?.times.filter((at) => at >= since) ?? [],
			calls: seen?.calls.filter((call) => call.at >= since).map(({ signature, at }) => ({ signature, at })) ?? [],
			errors: seen?.errors.filter((error) => error.at >= since).map(({ text, at }) => ({ text, at })) ?? [],
			// Retries of every attempt: a storm is the run's, whichever attempt saw it.
			retries: seen?.retries.map(({ at, text, rateLimited }) => ({ at, text, rateLimited })) ?? [],
		};
	});
	return {
		runId: run.id,
		now,
		runStatus: run.status,
		concurrency: run.concurrency,
		model: run.model,
		mcpServers: run.mcpServer ? run.mcpServer.split(",") : [],
		budgetUsd: sources.budgetUsd,
		discardedUsd: sources.discardedUsd,
		tasks,
		infraFailures: [...sources.infraFailures],
		mcp,
		history: [...sources.history],
	};
}

function latestUsage(activity: TaskActivity | undefined, since: number) {
	const usage = activity?.usage.filter((entry) => entry.at >= since).at(-1);
	return usage ? { tokens: usage.tokens, cost: usage.cost, toolUsage: usage.toolUsage } : undefined;
}

function emptyMcp(): McpActivity {
	return { calls: [], connections: [], stats: [] };
}

async function mcpActivity(store: Store, runId: number): Promise<McpActivity> {
	const [calls, connections, stats] = await Promise.all([
		store.mcp.runCalls(runId),
		store.mcp.connectionEvents(runId),
		store.mcp.serverStats(runId),
	]);
	return {
		calls: calls.map((call) => ({
			server: call.serverName,
			taskId: call.taskId,
			startedAt: call.startedAt?.getTime() ?? null,
			durationMs: call.durationMs,
			error: call.errorMessage,
			timedOut: call.timedOut,
			timeoutMs: call.timeoutMs,
		})),
		connections: connections.map((event) => ({
			server: event.serverName,
			taskId: event.taskId,
			type: event.eventType,
			at: event.occurredAt.getTime(),
			error: event.errorMessage,
		})),
		stats,
	};
}
