import type { ModelUsage, ToolUsage } from "@agent-evals/types";
import { eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { type TaskMetrics, taskMetrics, tasks } from "../schema.js";
import { must } from "./sql.js";

/** Token counters and cost: what a task's metrics row holds and what a run's totals sum. */
export interface TokenTotals {
	tokensIn: number;
	tokensOut: number;
	tokensContext: number;
	cacheWrites: number;
	cacheReads: number;
	/** USD. */
	cost: number;
}

export interface TaskMetricsInput extends TokenTotals {
	/** Milliseconds. */
	duration: number;
	toolUsage: ToolUsage;
	/** By model; absent for a run's totals. */
	modelUsage?: ModelUsage;
}

export const ZERO_METRICS: TaskMetricsInput = {
	tokensIn: 0,
	tokensOut: 0,
	tokensContext: 0,
	cacheWrites: 0,
	cacheReads: 0,
	cost: 0,
	duration: 0,
	toolUsage: {},
};

/** The `task_metrics` table: a task's (and a finished run's) tokens, cost, time and tool usage. */
export class MetricsQueries {
	constructor(private readonly db: Db) {}

	/** Writes the task's current counters (cumulative, so this overwrites) and links the row. */
	async save(taskId: number, metrics: TaskMetricsInput): Promise<TaskMetrics> {
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

	async get(metricsId: number): Promise<TaskMetrics | undefined> {
		const [row] = await this.db.select().from(taskMetrics).where(eq(taskMetrics.id, metricsId));
		return row;
	}
}

/** Counters as the table holds them: whole tokens and milliseconds. */
export function metricsValues(m: TaskMetricsInput) {
	return {
		tokensIn: Math.round(m.tokensIn),
		tokensOut: Math.round(m.tokensOut),
		tokensContext: Math.round(m.tokensContext),
		cacheWrites: Math.round(m.cacheWrites),
		cacheReads: Math.round(m.cacheReads),
		cost: m.cost,
		duration: Math.round(m.duration),
		toolUsage: m.toolUsage,
		modelUsage: m.modelUsage ?? {},
	};
}
