import type { TaskEvent, ToolUsage } from "@agent-evals/types";
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Database, Db } from "./client.js";
import {
	type NewRun,
	type NewTask,
	type Run,
	type RunStatus,
	runs,
	type Task,
	type TaskEventRow,
	type TaskMetrics,
	type TaskStatus,
	type ToolError,
	taskEvents,
	taskMetrics,
	tasks,
	toolErrors,
} from "./schema.js";

export type CreateRunInput = Omit<NewRun, "id" | "createdAt" | "taskMetricsId" | "passed" | "failed">;
export type RunPatch = Partial<Omit<NewRun, "id" | "createdAt">>;
/** The key columns are fixed once a task exists; everything else can change. */
export type TaskPatch = Partial<Omit<NewTask, "id" | "runId" | "createdAt" | "language" | "exercise" | "iteration">>;
export type FinalRunStatus = Exclude<RunStatus, "pending" | "running">;

export interface TaskKey {
	language: string;
	exercise: string;
	iteration: number;
}

export interface ListRunsOptions {
	limit?: number;
	offset?: number;
	status?: RunStatus | RunStatus[];
	model?: string;
	/** Only runs created at or after this time. */
	since?: Date;
}

export interface ListTasksOptions {
	status?: TaskStatus | TaskStatus[];
}

export interface ListTaskEventsOptions {
	/** Exclusive: the last id the client has (SSE Last-Event-ID). */
	afterId?: number;
	taskId?: number;
	limit?: number;
}

export interface TaskMetricsInput {
	tokensIn: number;
	tokensOut: number;
	tokensContext: number;
	cacheWrites: number;
	cacheReads: number;
	/** USD. */
	cost: number;
	/** Milliseconds. */
	duration: number;
	toolUsage: ToolUsage;
}

export interface AddToolErrorInput {
	runId: number;
	taskId: number | null;
	toolName: string;
	error: string;
}

export interface RunTotals {
	passed: number;
	failed: number;
	pending: number;
	running: number;
	total: number;
	tokensIn: number;
	tokensOut: number;
	cost: number;
}

// PostgreSQL takes at most 65535 bind parameters per statement; rows have up to ~5 here.
const INSERT_CHUNK = 1000;

/**
 * The queries the runner, controller, server and CLI share. Works the same over PGlite and
 * PostgreSQL. Task outcome counts come from `tasks.status` (passed | failed), the lifecycle
 * column every finished task has, rather than the nullable `passed` verdict.
 */
export class Store {
	readonly db: Db;

	constructor(database: Database | Db) {
		this.db = "kind" in database ? database.db : database;
	}

	async createRun(input: CreateRunInput): Promise<Run> {
		const [run] = await this.db.insert(runs).values(input).returning();
		return must(run, "insert into runs returned no row");
	}

	async getRun(id: number): Promise<Run | undefined> {
		const [run] = await this.db.select().from(runs).where(eq(runs.id, id));
		return run;
	}

	/** Newest first. */
	async listRuns(options: ListRunsOptions = {}): Promise<Run[]> {
		const where: SQL[] = [];
		if (options.status !== undefined) where.push(inArray(runs.status, asArray(options.status)));
		if (options.model !== undefined) where.push(eq(runs.model, options.model));
		if (options.since !== undefined) where.push(gte(runs.createdAt, options.since));
		return this.db
			.select()
			.from(runs)
			.where(and(...where))
			.orderBy(desc(runs.createdAt), desc(runs.id))
			.limit(options.limit ?? 50)
			.offset(options.offset ?? 0);
	}

	async updateRun(id: number, patch: RunPatch): Promise<Run | undefined> {
		if (isEmpty(patch)) return this.getRun(id);
		const [run] = await this.db.update(runs).set(patch).where(eq(runs.id, id)).returning();
		return run;
	}

	/** Deletes the run with its tasks, events and tool errors, and the metrics rows they pointed at. */
	async deleteRun(id: number): Promise<boolean> {
		return this.db.transaction(async (tx) => {
			const [run] = await tx.select({ metricsId: runs.taskMetricsId }).from(runs).where(eq(runs.id, id));
			if (!run) return false;
			const taskRows = await tx
				.select({ metricsId: tasks.taskMetricsId })
				.from(tasks)
				.where(and(eq(tasks.runId, id), isNotNull(tasks.taskMetricsId)));
			const metricsIds = [run.metricsId, ...taskRows.map((t) => t.metricsId)].filter((m): m is number => m !== null);
			await tx.delete(runs).where(eq(runs.id, id));
			// Metrics rows are referenced, not owning, so the cascade does not reach them.
			for (const chunk of chunks(metricsIds, INSERT_CHUNK)) {
				await tx.delete(taskMetrics).where(inArray(taskMetrics.id, chunk));
			}
			return true;
		});
	}

	/**
	 * Creates the tasks that do not exist yet and returns every task of the given keys, in the
	 * order given (duplicates once). Safe to call again on resume or from a second controller.
	 */
	async createTasks(runId: number, items: TaskKey[]): Promise<Task[]> {
		if (items.length === 0) return [];
		const wanted = new Map<string, TaskKey>();
		for (const item of items) wanted.set(taskKey(item), item);
		return this.db.transaction(async (tx) => {
			for (const chunk of chunks([...wanted.values()], INSERT_CHUNK)) {
				await tx
					.insert(tasks)
					.values(chunk.map((k) => ({ runId, language: k.language, exercise: k.exercise, iteration: k.iteration })))
					.onConflictDoNothing({ target: [tasks.runId, tasks.language, tasks.exercise, tasks.iteration] });
			}
			const existing = new Map<string, Task>();
			for (const task of await tx.select().from(tasks).where(eq(tasks.runId, runId))) existing.set(taskKey(task), task);
			return [...wanted.keys()].map((key) => must(existing.get(key), `task ${key} missing after insert`));
		});
	}

	async listTasks(runId: number, options: ListTasksOptions = {}): Promise<Task[]> {
		const where = [eq(tasks.runId, runId)];
		if (options.status !== undefined) where.push(inArray(tasks.status, asArray(options.status)));
		return this.db
			.select()
			.from(tasks)
			.where(and(...where))
			.orderBy(asc(tasks.id));
	}

	async getTask(id: number): Promise<Task | undefined> {
		const [task] = await this.db.select().from(tasks).where(eq(tasks.id, id));
		return task;
	}

	async updateTask(id: number, patch: TaskPatch): Promise<Task | undefined> {
		if (isEmpty(patch)) return this.getTask(id);
		const [task] = await this.db.update(tasks).set(patch).where(eq(tasks.id, id)).returning();
		return task;
	}

	/** Tasks a resumed run still has to do: never started, or interrupted while running. */
	async unfinishedTasks(runId: number): Promise<Task[]> {
		return this.listTasks(runId, { status: ["pending", "running"] });
	}

	/** Writes the task's current counters (cumulative, so this overwrites) and links the row. */
	async saveTaskMetrics(taskId: number, metrics: TaskMetricsInput): Promise<TaskMetrics> {
		return this.db.transaction(async (tx) => {
			// The row lock makes concurrent saves for one task queue up instead of both inserting.
			const [task] = await tx
				.select({ metricsId: tasks.taskMetricsId })
				.from(tasks)
				.where(eq(tasks.id, taskId))
				.for("update");
			if (!task) throw new Error(`task ${taskId} does not exist`);
			const values = metricsValues(metrics);
			if (task.metricsId !== null) {
				const [row] = await tx.update(taskMetrics).set(values).where(eq(taskMetrics.id, task.metricsId)).returning();
				if (row) return row;
			}
			const [row] = await tx.insert(taskMetrics).values(values).returning();
			const inserted = must(row, "insert into task_metrics returned no row");
			await tx.update(tasks).set({ taskMetricsId: inserted.id }).where(eq(tasks.id, taskId));
			return inserted;
		});
	}

	async getTaskMetrics(metricsId: number): Promise<TaskMetrics | undefined> {
		const [row] = await this.db.select().from(taskMetrics).where(eq(taskMetrics.id, metricsId));
		return row;
	}

	async addToolError(input: AddToolErrorInput): Promise<ToolError> {
		const [row] = await this.db.insert(toolErrors).values(input).returning();
		return must(row, "insert into tool_errors returned no row");
	}

	async listToolErrors(runId: number, options: { taskId?: number } = {}): Promise<ToolError[]> {
		const where = [eq(toolErrors.runId, runId)];
		if (options.taskId !== undefined) where.push(eq(toolErrors.taskId, options.taskId));
		return this.db
			.select()
			.from(toolErrors)
			.where(and(...where))
			.orderBy(asc(toolErrors.id));
	}

	/**
	 * Stores events in order and returns their ids (ascending). Each stored event carries the
	 * database task id, so a replay looks exactly like the live stream.
	 */
	async appendTaskEvents(runId: number, taskId: number | null, events: TaskEvent[]): Promise<number[]> {
		const ids: number[] = [];
		for (const chunk of chunks(events, INSERT_CHUNK)) {
			const rows = await this.db
				.insert(taskEvents)
				.values(
					chunk.map((event) => ({
						runId,
						taskId,
						eventName: event.eventName,
						event: (taskId === null ? event : { ...event, taskId }) as TaskEvent,
					})),
				)
				.returning({ id: taskEvents.id });
			for (const row of rows) ids.push(row.id);
		}
		return ids;
	}

	/** Ascending by id; `afterId` resumes a stream where the client left off. */
	async listTaskEvents(runId: number, options: ListTaskEventsOptions = {}): Promise<TaskEventRow[]> {
		const where = [eq(taskEvents.runId, runId)];
		if (options.afterId !== undefined) where.push(gt(taskEvents.id, options.afterId));
		if (options.taskId !== undefined) where.push(eq(taskEvents.taskId, options.taskId));
		const query = this.db
			.select()
			.from(taskEvents)
			.where(and(...where))
			.orderBy(asc(taskEvents.id));
		return options.limit === undefined ? query : query.limit(options.limit);
	}

	/**
	 * Closes a run: outcome counts from its tasks, and a run-level metrics row summing the tasks'
	 * tokens, cost and tool usage with the run's wall time as duration. Calling it again
	 * recomputes the same row rather than adding one.
	 */
	async finishRun(id: number, status: FinalRunStatus): Promise<Run> {
		return this.db.transaction(async (tx) => {
			const [run] = await tx.select().from(runs).where(eq(runs.id, id)).for("update");
			if (!run) throw new Error(`run ${id} does not exist`);
			const finishedAt = new Date();
			const counts = await statusCounts(tx, id);
			const sums = await metricSums(tx, id);
			const usageRows = await tx
				.select({ toolUsage: taskMetrics.toolUsage })
				.from(tasks)
				.innerJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
				.where(eq(tasks.runId, id));
			const values = metricsValues({
				...sums,
				duration: run.startedAt ? Math.max(0, finishedAt.getTime() - run.startedAt.getTime()) : 0,
				toolUsage: mergeToolUsage(usageRows.map((r) => r.toolUsage)),
			});
			let metricsId = run.taskMetricsId;
			if (metricsId !== null) {
				const [row] = await tx.update(taskMetrics).set(values).where(eq(taskMetrics.id, metricsId)).returning();
				if (!row) metricsId = null;
			}
			if (metricsId === null) {
				const [row] = await tx.insert(taskMetrics).values(values).returning({ id: taskMetrics.id });
				metricsId = must(row, "insert into task_metrics returned no row").id;
			}
			const [updated] = await tx
				.update(runs)
				.set({ status, passed: counts.passed, failed: counts.failed, taskMetricsId: metricsId, finishedAt })
				.where(eq(runs.id, id))
				.returning();
			return must(updated, `run ${id} vanished while finishing`);
		});
	}

	/** Live counters for progress displays; zeros for a run without tasks. */
	async runTotals(id: number): Promise<RunTotals> {
		const counts = await statusCounts(this.db, id);
		const sums = await metricSums(this.db, id);
		return {
			passed: counts.passed,
			failed: counts.failed,
			pending: counts.pending,
			running: counts.running,
			total: counts.total,
			tokensIn: sums.tokensIn,
			tokensOut: sums.tokensOut,
			cost: sums.cost,
		};
	}

	/** Marks the run's controller alive. Uses the database clock so hosts with skewed clocks agree. */
	async heartbeat(runId: number, pid: number): Promise<void> {
		await this.db.update(runs).set({ controllerPid: pid, heartbeatAt: sql`now()` }).where(eq(runs.id, runId));
	}
}

type Executor = Pick<Db, "select">;

async function statusCounts(db: Executor, runId: number): Promise<Record<TaskStatus, number> & { total: number }> {
	const rows = await db
		.select({ status: tasks.status, n: count() })
		.from(tasks)
		.where(eq(tasks.runId, runId))
		.groupBy(tasks.status);
	const counts = { pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0, total: 0 };
	for (const row of rows) {
		counts[row.status] += row.n;
		counts.total += row.n;
	}
	return counts;
}

async function metricSums(db: Executor, runId: number) {
	// bigint sums come back as numeric strings; cost is summed as double, not real, to keep cents.
	const total = (column: SQL | typeof taskMetrics.tokensIn) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);
	const [row] = await db
		.select({
			tokensIn: total(taskMetrics.tokensIn),
			tokensOut: total(taskMetrics.tokensOut),
			tokensContext: total(taskMetrics.tokensContext),
			cacheWrites: total(taskMetrics.cacheWrites),
			cacheReads: total(taskMetrics.cacheReads),
			cost: total(sql`${taskMetrics.cost}::double precision`),
		})
		.from(tasks)
		.innerJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(eq(tasks.runId, runId));
	return row ?? { tokensIn: 0, tokensOut: 0, tokensContext: 0, cacheWrites: 0, cacheReads: 0, cost: 0 };
}

/** Sums attempts and failures per tool; ignores malformed entries rather than failing a run's close. */
export function mergeToolUsage(usages: readonly ToolUsage[]): ToolUsage {
	// A Map, so a tool named like an Object.prototype key cannot collide with one.
	const merged = new Map<string, { attempts: number; failures: number }>();
	for (const usage of usages) {
		if (typeof usage !== "object" || usage === null) continue;
		for (const [tool, counters] of Object.entries(usage)) {
			if (typeof counters !== "object" || counters === null) continue;
			const into = merged.get(tool) ?? { attempts: 0, failures: 0 };
			into.attempts += finite(counters.attempts);
			into.failures += finite(counters.failures);
			merged.set(tool, into);
		}
	}
	return Object.fromEntries(merged);
}

function metricsValues(m: TaskMetricsInput) {
	return {
		tokensIn: Math.round(m.tokensIn),
		tokensOut: Math.round(m.tokensOut),
		tokensContext: Math.round(m.tokensContext),
		cacheWrites: Math.round(m.cacheWrites),
		cacheReads: Math.round(m.cacheReads),
		cost: m.cost,
		duration: Math.round(m.duration),
		toolUsage: m.toolUsage,
	};
}

function taskKey(k: TaskKey): string {
	return JSON.stringify([k.language, k.exercise, k.iteration]);
}

function finite(n: unknown): number {
	return typeof n === "number" && Number.isFinite(n) ? n : 0;
}

function asArray<T>(value: T | T[]): T[] {
	return Array.isArray(value) ? value : [value];
}

function isEmpty(patch: object): boolean {
	return Object.values(patch).every((v) => v === undefined);
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
	for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function must<T>(value: T | undefined, message: string): T {
	if (value === undefined) throw new Error(message);
	return value;
}
