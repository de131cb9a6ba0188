import type {
	ClineMessage,
	RunDetailResponse,
	RunListQuery,
	RunStatusValue,
	RunSummary,
	TaskDetail,
	TaskListQuery,
	TaskStatusValue,
	TaskSummary,
	ToolUsage,
} from "@agent-evals/types";
import { and, asc, count, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
	type Run,
	type RunStatus,
	runs,
	type Task,
	type TaskStatus,
	taskEvents,
	taskMetrics,
	tasks,
} from "../db/schema.js";
import { mergeToolUsage, type Store } from "../db/store.js";

// The API's enums are the store's, spelled again in packages/types; these fail to compile if the two drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const runStatusesAgree: Same<RunStatus, RunStatusValue> = true;
const taskStatusesAgree: Same<TaskStatus, TaskStatusValue> = true;
void runStatusesAgree;
void taskStatusesAgree;

const number = (expression: SQL) => sql<number>`${expression}`.mapWith(Number);

/*
 * Per-run counts and sums over its tasks (aliases prefixed: drizzle names them unqualified
 * outside the subquery, where "passed" would also be a column of runs), in one grouped subquery: it serves live runs (whose
 * run-level metrics row does not exist yet) and finished ones alike, and lets the list sort by
 * pass rate or cost in SQL.
 */
function taskAggregates(db: Db, runId?: number) {
	const byStatus = (status: TaskStatus) => number(sql`count(*) filter (where ${tasks.status} = ${status})`);
	return db
		.select({
			runId: tasks.runId,
			total: number(sql`count(*)`).as("agg_total"),
			passed: byStatus("passed").as("agg_passed"),
			failed: byStatus("failed").as("agg_failed"),
			running: byStatus("running").as("agg_running"),
			pending: byStatus("pending").as("agg_pending"),
			cancelled: byStatus("cancelled").as("agg_cancelled"),
			tokensIn: number(sql`coalesce(sum(${taskMetrics.tokensIn}), 0)`).as("agg_tokens_in"),
			tokensOut: number(sql`coalesce(sum(${taskMetrics.tokensOut}), 0)`).as("agg_tokens_out"),
			cost: number(sql`coalesce(sum(${taskMetrics.cost}::double precision), 0)`).as("agg_cost"),
		})
		.from(tasks)
		.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(runId === undefined ? undefined : eq(tasks.runId, runId))
		.groupBy(tasks.runId)
		.as("agg");
}

interface RunRow {
	run: Run;
	total: number;
	passed: number;
	failed: number;
	running: number;
	pending: number;
	cancelled: number;
	tokensIn: number;
	tokensOut: number;
	cost: number;
}

type Aggregates = ReturnType<typeof taskAggregates>;

async function selectRuns(
	db: Db,
	where: { runId: number } | { condition: SQL | undefined },
	page: { orderBy?: (agg: Aggregates) => SQL[]; limit?: number; offset?: number } = {},
): Promise<RunRow[]> {
	const agg = taskAggregates(db, "runId" in where ? where.runId : undefined);
	const zero = (column: SQL.Aliased<number>) => number(sql`coalesce(${column}, 0)`);
	const query = db
		.select({
			run: runs,
			total: zero(agg.total),
			passed: zero(agg.passed),
			failed: zero(agg.failed),
			running: zero(agg.running),
			pending: zero(agg.pending),
			cancelled: zero(agg.cancelled),
			tokensIn: zero(agg.tokensIn),
			tokensOut: zero(agg.tokensOut),
			cost: zero(agg.cost),
		})
		.from(runs)
		.leftJoin(agg, eq(agg.runId, runs.id))
		.where("runId" in where ? eq(runs.id, where.runId) : where.condition)
		.orderBy(...(page.orderBy?.(agg) ?? [desc(runs.id)]))
		.$dynamic();
	if (page.limit !== undefined) query.limit(page.limit);
	if (page.offset !== undefined) query.offset(page.offset);
	return query;
}

function sortExpression(sort: RunListQuery["sort"], agg: Aggregates): SQL {
	switch (sort) {
		case "passRate":
			return sql`coalesce(${agg.passed}, 0)::double precision / nullif(coalesce(${agg.passed}, 0) + coalesce(${agg.failed}, 0), 0)`;
		case "cost":
			return sql`coalesce(${agg.cost}, 0)`;
		case "duration":
			return sql`(coalesce(${runs.finishedAt}, now()) - ${runs.startedAt})`;
		case "model":
			return sql`${runs.model}`;
		default:
			return sql`${runs.createdAt}`;
	}
}

async function toolUsageByRun(db: Db, runIds: number[]): Promise<Map<number, ToolUsage>> {
	if (runIds.length === 0) return new Map();
	const rows = await db
		.select({ runId: tasks.runId, toolUsage: taskMetrics.toolUsage })
		.from(tasks)
		.innerJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(inArray(tasks.runId, runIds));
	const grouped = new Map<number, ToolUsage[]>();
	for (const row of rows) {
		const usages = grouped.get(row.runId);
		if (usages) usages.push(row.toolUsage);
		else grouped.set(row.runId, [row.toolUsage]);
	}
	return new Map([...grouped].map(([runId, usages]) => [runId, mergeToolUsage(usages)]));
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function wallTime(startedAt: Date | null, finishedAt: Date | null, now: number): number | null {
	if (!startedAt) return null;
	return Math.max(0, (finishedAt?.getTime() ?? now) - startedAt.getTime());
}

function summary(row: RunRow, toolUsage: ToolUsage | undefined, now: number): RunSummary {
	const { run } = row;
	const decided = row.passed + row.failed;
	return {
		id: run.id,
		name: run.name,
		description: run.description,
		model: run.model,
		provider: run.provider,
		agent: run.agent,
		suite: run.suite,
		status: run.status,
		concurrency: run.concurrency,
		timeoutMinutes: run.timeout,
		iterations: run.iterations,
		createdAt: run.createdAt.toISOString(),
		startedAt: iso(run.startedAt),
		finishedAt: iso(run.finishedAt),
		passed: row.passed,
		failed: row.failed,
		total: row.total,
		running: row.running,
		pending: row.pending,
		cancelled: row.cancelled,
		passRate: decided === 0 ? null : row.passed / decided,
		tokensIn: row.tokensIn,
		tokensOut: row.tokensOut,
		cost: row.cost,
		durationMs: wallTime(run.startedAt, run.finishedAt, now),
		toolUsage: toolUsage ?? {},
	};
}

export async function listRunSummaries(db: Db, query: RunListQuery): Promise<{ runs: RunSummary[]; total: number }> {
	const where: SQL[] = [];
	if (query.model !== undefined) where.push(eq(runs.model, query.model));
	if (query.provider !== undefined) where.push(eq(runs.provider, query.provider));
	if (query.status !== undefined) where.push(inArray(runs.status, query.status));
	if (query.since !== undefined) where.push(gte(runs.createdAt, query.since));
	const condition = and(...where);
	const direction = query.order === "asc" ? sql.raw("asc") : sql.raw("desc");
	// Runs without a value (no verdict yet, not started) go last whichever the direction.
	const orderBy = (agg: Aggregates) => [
		sql`${sortExpression(query.sort, agg)} ${direction} nulls last`,
		query.order === "asc" ? asc(runs.id) : desc(runs.id),
	];
	const [rows, [totalRow]] = await Promise.all([
		selectRuns(db, { condition }, { orderBy, limit: query.limit, offset: query.offset }),
		db.select({ n: count() }).from(runs).where(condition),
	]);
	const usage = await toolUsageByRun(
		db,
		rows.map((row) => row.run.id),
	);
	const now = Date.now();
	return { runs: rows.map((row) => summary(row, usage.get(row.run.id), now)), total: totalRow?.n ?? 0 };
}

export async function getRunSummary(db: Db, runId: number): Promise<RunSummary | undefined> {
	const [row] = await selectRuns(db, { runId });
	if (!row) return undefined;
	const usage = await toolUsageByRun(db, [runId]);
	return summary(row, usage.get(runId), Date.now());
}

export async function getRunDetail(db: Db, runId: number): Promise<RunDetailResponse | undefined> {
	const [row] = await selectRuns(db, { runId });
	if (!row) return undefined;
	const now = Date.now();
	const [usage, durations] = await Promise.all([
		toolUsageByRun(db, [runId]),
		db
			.select({ startedAt: tasks.startedAt, finishedAt: tasks.finishedAt })
			.from(tasks)
			.where(and(eq(tasks.runId, runId), inArray(tasks.status, ["passed", "failed"]))),
	]);
	const base = summary(row, usage.get(runId), now);
	const { run } = row;
	const finished = durations.flatMap((task) =>
		task.startedAt && task.finishedAt ? [task.finishedAt.getTime() - task.startedAt.getTime()] : [],
	);
	const remaining = row.pending + row.running;
	const active = run.status === "pending" || run.status === "running";
	let etaMs: number | null = null;
	if (remaining === 0 || !active) etaMs = active ? 0 : null;
	else if (finished.length > 0) {
		const mean = finished.reduce((sum, ms) => sum + ms, 0) / finished.length;
		etaMs = Math.round((mean * remaining) / Math.max(1, run.concurrency));
	}
	return {
		run: {
			...base,
			settings: run.settings,
			contextWindow: run.contextWindow,
			inputPrice: run.inputPrice,
			outputPrice: run.outputPrice,
			cacheWritesPrice: run.cacheWritesPrice,
			cacheReadsPrice: run.cacheReadsPrice,
			commandTimeoutSeconds: run.commandTimeout,
		},
		elapsedMs: base.durationMs ?? 0,
		etaMs,
	};
}

type TaskRow = { task: Task; metrics: typeof taskMetrics.$inferSelect | null };

function taskSummary({ task, metrics }: TaskRow, now: number): TaskSummary {
	return {
		id: task.id,
		runId: task.runId,
		language: task.language,
		exercise: task.exercise,
		iteration: task.iteration,
		status: task.status,
		passed: task.passed,
		failureKind: task.failureKind,
		attempt: task.attempt,
		startedAt: iso(task.startedAt),
		finishedAt: iso(task.finishedAt),
		durationMs: task.status === "pending" ? null : wallTime(task.startedAt, task.finishedAt, now),
		agentMs: metrics?.duration ?? 0,
		queueWaitMs: task.queueWaitMs,
		tokensIn: metrics?.tokensIn ?? 0,
		tokensOut: metrics?.tokensOut ?? 0,
		tokensContext: metrics?.tokensContext ?? 0,
		cacheWrites: metrics?.cacheWrites ?? 0,
		cacheReads: metrics?.cacheReads ?? 0,
		cost: metrics?.cost ?? 0,
		toolUsage: metrics?.toolUsage ?? {},
		testsTampered: task.testsTampered,
		error: task.error,
	};
}

export async function listTaskSummaries(
	db: Db,
	runId: number,
	query: Partial<TaskListQuery> = {},
): Promise<{ tasks: TaskSummary[]; total: number }> {
	const where = [eq(tasks.runId, runId)];
	if (query.status !== undefined) where.push(inArray(tasks.status, query.status));
	const condition = and(...where);
	const page = db
		.select({ task: tasks, metrics: taskMetrics })
		.from(tasks)
		.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(condition)
		.orderBy(asc(tasks.id))
		.$dynamic();
	if (query.limit !== undefined) page.limit(query.limit);
	if (query.offset !== undefined) page.offset(query.offset);
	const [rows, [totalRow]] = await Promise.all([page, db.select({ n: count() }).from(tasks).where(condition)]);
	const now = Date.now();
	return { tasks: rows.map((row) => taskSummary(row, now)), total: totalRow?.n ?? 0 };
}

export async function getTaskDetail(store: Store, taskId: number): Promise<TaskDetail | undefined> {
	const { db } = store;
	const [row] = await db
		.select({ task: tasks, metrics: taskMetrics })
		.from(tasks)
		.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(eq(tasks.id, taskId));
	if (!row) return undefined;
	const { task } = row;
	const [messages, toolErrors] = await Promise.all([
		finalMessages(db, taskId),
		store.listToolErrors(task.runId, { taskId }),
	]);
	const phaseTimings = task.phaseTimings
		? Object.fromEntries(
				Object.entries(task.phaseTimings).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
			)
		: null;
	return {
		...taskSummary(row, Date.now()),
		messages,
		toolErrors: toolErrors.map((e) => ({ toolName: e.toolName, error: e.error, createdAt: e.createdAt.toISOString() })),
		testOutput: task.testOutput,
		workspaceDiff: task.workspaceDiff,
		phaseTimings,
		agentTaskId: task.agentTaskId,
	};
}

/**
 * The transcript as the agent left it: a message is created, then updated in place (same `ts`),
 * so the last stored version of each wins, in order of first appearance.
 */
export async function finalMessages(db: Db, taskId: number): Promise<ClineMessage[]> {
	const rows = await db
		.select({ event: taskEvents.event })
		.from(taskEvents)
		.where(and(eq(taskEvents.taskId, taskId), eq(taskEvents.eventName, "message")))
		.orderBy(asc(taskEvents.id));
	const byTs = new Map<number, ClineMessage>();
	for (const { event } of rows) {
		if (event.eventName !== "message") continue;
		const message = event.payload[0]?.message;
		if (message) byTs.set(message.ts, message);
	}
	return [...byTs.values()];
}

/** The newest stored event id of a run (0 when none): where a live follower starts. */
export async function latestEventId(db: Db, runId: number): Promise<number> {
	const [row] = await db
		.select({ id: number(sql`coalesce(max(${taskEvents.id}), 0)`) })
		.from(taskEvents)
		.where(eq(taskEvents.runId, runId));
	return row?.id ?? 0;
}
