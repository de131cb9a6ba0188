import type { TaskDetail, TaskListQuery, TaskSummary } from "@agent-evals/types";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import {
	mcpRetrievalBenchmarks,
	type NewTask,
	type Task,
	type TaskMetrics,
	type TaskStatus,
	taskMetrics,
	tasks,
} from "../schema.js";
import type { EventQueries } from "./events.js";
import type { McpQueries } from "./mcp.js";
import { metricsValues, ZERO_METRICS } from "./metrics.js";
import { asArray, chunks, isEmpty, must, number } from "./sql.js";
import { toMcpCall, toTaskSummary } from "./summaries.js";
import type { ToolErrorQueries } from "./tool-errors.js";

/** A task's MCP calls: 0 without a benchmark row (no MCP activity). */
const mcpCallCount = number(sql`coalesce(${mcpRetrievalBenchmarks.mcpCallCount}, 0)`);

/** The key columns are fixed once a task exists; everything else can change. */
export type TaskPatch = Partial<Omit<NewTask, "id" | "runId" | "createdAt" | "language" | "exercise" | "iteration">>;

export interface TaskKey {
	language: string;
	exercise: string;
	iteration: number;
}

export interface ListTasksOptions {
	status?: TaskStatus | TaskStatus[];
}

/** What a requeued task starts from again: no verdict, no results (the attempt count stays). */
const RESET: TaskPatch = {
	status: "pending",
	passed: null,
	failureKind: null,
	error: null,
	startedAt: null,
	finishedAt: null,
	queueWaitMs: null,
	phaseTimings: null,
	testOutput: null,
	workspaceDiff: null,
	testsTampered: false,
	traceId: null,
	turns: 0,
	tries: [],
};

/** The `tasks` table: one row per (run, language, exercise, iteration), and the API's task views. */
export class TaskQueries {
	constructor(
		private readonly db: Db,
		private readonly related: { events: EventQueries; toolErrors: ToolErrorQueries; mcp: McpQueries },
	) {}

	/**
	 * Creates the tasks that do not exist yet and returns every task of the given keys, in the
	 * order given (duplicates once). Safe to call again on resume or from a second controller.
	 */
	async create(runId: number, items: TaskKey[]): Promise<Task[]> {
		if (items.length === 0) return [];
		const wanted = new Map<string, TaskKey>();
		for (const item of items) wanted.set(taskKey(item), item);
		return this.db.transaction(async (tx) => {
			for (const chunk of chunks([...wanted.values()])) {
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

	async list(runId: number, options: ListTasksOptions = {}): Promise<Task[]> {
		const where = [eq(tasks.runId, runId)];
		if (options.status !== undefined) where.push(inArray(tasks.status, asArray(options.status)));
		return this.db
			.select()
			.from(tasks)
			.where(and(...where))
			.orderBy(asc(tasks.id));
	}

	async get(id: number): Promise<Task | undefined> {
		const [task] = await this.db.select().from(tasks).where(eq(tasks.id, id));
		return task;
	}

	async update(id: number, patch: TaskPatch): Promise<Task | undefined> {
		if (isEmpty(patch)) return this.get(id);
		const [task] = await this.db.update(tasks).set(patch).where(eq(tasks.id, id)).returning();
		return task;
	}

	/**
	 * Claims a task for a worker: a compare-and-set from the state the caller saw (status,
	 * attempt and holder) to running under `worker`. Of two workers handed the same task only one
	 * gets the row back; the other gets undefined and leaves the task alone.
	 */
	async claim(seen: Pick<Task, "id" | "status" | "attempt" | "worker">, worker: string): Promise<Task | undefined> {
		const [task] = await this.db
			.update(tasks)
			.set({ status: "running", worker, startedAt: new Date(), finishedAt: null })
			.where(
				and(
					eq(tasks.id, seen.id),
					eq(tasks.status, seen.status),
					eq(tasks.attempt, seen.attempt),
					seen.worker === null ? isNull(tasks.worker) : eq(tasks.worker, seen.worker),
				),
			)
			.returning();
		return task;
	}

	/**
	 * Updates the task only while `worker` still holds this attempt of it: a worker presumed dead
	 * whose attempt was taken over cannot overwrite the verdict of the attempt that replaced it.
	 */
	async updateOwned(
		id: number,
		owner: { worker: string; attempt: number },
		patch: TaskPatch,
	): Promise<Task | undefined> {
		const [task] = await this.db
			.update(tasks)
			.set(patch)
			.where(and(eq(tasks.id, id), eq(tasks.worker, owner.worker), eq(tasks.attempt, owner.attempt)))
			.returning();
		return task;
	}

	/** Tasks a resumed run still has to do: never started, or interrupted while running. */
	unfinished(runId: number): Promise<Task[]> {
		return this.list(runId, { status: ["pending", "running"] });
	}

	/** Tasks a dead controller left running go back to pending; returns how many. */
	async releaseInterrupted(runId: number): Promise<number> {
		const released = await this.db
			.update(tasks)
			.set({ status: "pending" })
			.where(and(eq(tasks.runId, runId), eq(tasks.status, "running")))
			.returning({ id: tasks.id });
		return released.length;
	}

	/** Marks every pending task of a run cancelled (a cancelled run never starts them). */
	async cancelPending(runId: number): Promise<number> {
		const cancelled = await this.db
			.update(tasks)
			.set({ status: "cancelled", failureKind: "cancelled" })
			.where(and(eq(tasks.runId, runId), eq(tasks.status, "pending")))
			.returning({ id: tasks.id });
		return cancelled.length;
	}

	/**
	 * Puts a finished task back to pending with its verdict and results cleared, in one
	 * transaction. Its metrics are zeroed rather than unlinked so the run's live totals stop
	 * counting the old attempt at once.
	 */
	async reset(id: number): Promise<Task | undefined> {
		return this.db.transaction(async (tx) => {
			const [task] = await tx.select().from(tasks).where(eq(tasks.id, id)).for("update");
			if (!task) return undefined;
			if (task.taskMetricsId !== null) {
				await tx.update(taskMetrics).set(metricsValues(ZERO_METRICS)).where(eq(taskMetrics.id, task.taskMetricsId));
			}
			const [reset] = await tx.update(tasks).set(RESET).where(eq(tasks.id, id)).returning();
			return reset;
		});
	}

	/** `GET /api/runs/:id/tasks`: a page of task summaries in id order, and the filtered count. */
	async summaries(runId: number, query: Partial<TaskListQuery> = {}): Promise<{ tasks: TaskSummary[]; total: number }> {
		const where = [eq(tasks.runId, runId)];
		if (query.status !== undefined) where.push(inArray(tasks.status, query.status));
		const condition = and(...where);
		const page = this.db
			.select({ task: tasks, metrics: taskMetrics, mcpCalls: mcpCallCount })
			.from(tasks)
			.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
			.leftJoin(mcpRetrievalBenchmarks, eq(mcpRetrievalBenchmarks.taskId, tasks.id))
			.where(condition)
			.orderBy(asc(tasks.id))
			.$dynamic();
		if (query.limit !== undefined) page.limit(query.limit);
		if (query.offset !== undefined) page.offset(query.offset);
		const [rows, [totalRow]] = await Promise.all([page, this.db.select({ n: count() }).from(tasks).where(condition)]);
		const now = Date.now();
		return {
			tasks: rows.map((row) => toTaskSummary(row.task, row.metrics, row.mcpCalls, now)),
			total: totalRow?.n ?? 0,
		};
	}

	/** `GET /api/tasks/:id`: the summary with the transcript, tool errors, test output and diff. */
	async detail(taskId: number): Promise<TaskDetail | undefined> {
		const row = await this.withMetrics(taskId);
		if (!row) return undefined;
		const { task } = row;
		const [messages, toolErrors, mcpCalls] = await Promise.all([
			this.related.events.transcript(taskId),
			this.related.toolErrors.list(task.runId, { taskId }),
			this.related.mcp.taskCalls(taskId),
		]);
		const phaseTimings = task.phaseTimings
			? Object.fromEntries(
					Object.entries(task.phaseTimings).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
				)
			: null;
		return {
			...toTaskSummary(task, row.metrics, row.mcpCalls, Date.now()),
			messages,
			toolErrors: toolErrors.map((e) => ({
				toolName: e.toolName,
				error: e.error,
				createdAt: e.createdAt.toISOString(),
			})),
			testOutput: task.testOutput,
			workspaceDiff: task.workspaceDiff,
			phaseTimings,
			agentTaskId: task.agentTaskId,
			mcpCalls: mcpCalls.map(toMcpCall),
		};
	}

	private async withMetrics(
		taskId: number,
	): Promise<{ task: Task; metrics: TaskMetrics | null; mcpCalls: number } | undefined> {
		const [row] = await this.db
			.select({ task: tasks, metrics: taskMetrics, mcpCalls: mcpCallCount })
			.from(tasks)
			.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
			.leftJoin(mcpRetrievalBenchmarks, eq(mcpRetrievalBenchmarks.taskId, tasks.id))
			.where(eq(tasks.id, taskId));
		return row;
	}
}

function taskKey(k: TaskKey): string {
	return JSON.stringify([k.language, k.exercise, k.iteration]);
}
