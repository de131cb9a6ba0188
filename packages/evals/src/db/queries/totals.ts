import type { TaskStatus, ToolUsage } from "@agent-evals/types";
import { eq, inArray, sql } from "drizzle-orm";
import { taskMetrics, tasks } from "../schema.js";
import type { TokenTotals } from "./metrics.js";
import { type Executor, number } from "./sql.js";

/**
 * A run's counters: tasks by status, and the tokens and cost of its tasks. The one aggregation
 * behind live progress, the API's run summaries and the totals written when a run finishes.
 */
export interface RunTotals extends TokenTotals {
	total: number;
	pending: number;
	running: number;
	passed: number;
	failed: number;
	cancelled: number;
	/** Passed tasks that passed at their first try (all of them unless the run gives more tries). */
	passedFirstTry: number;
}

export const ZERO_TOTALS: RunTotals = {
	total: 0,
	pending: 0,
	running: 0,
	passed: 0,
	failed: 0,
	cancelled: 0,
	passedFirstTry: 0,
	tokensIn: 0,
	tokensOut: 0,
	tokensContext: 0,
	cacheWrites: 0,
	cacheReads: 0,
	cost: 0,
};

/**
 * Per-run totals over its tasks as one grouped subquery (column aliases prefixed: outside the
 * subquery drizzle names them unqualified, where "passed" would also be a column of runs). It
 * serves live runs and finished ones alike, and lets a run list sort by pass rate or cost in SQL.
 * Outcome counts come from `tasks.status`, the lifecycle column every finished task has.
 */
export function runTotalsSubquery(db: Executor, runId?: number) {
	const byStatus = (status: TaskStatus) => number(sql`count(*) filter (where ${tasks.status} = ${status})`);
	const sum = (column: typeof taskMetrics.tokensIn) => number(sql`coalesce(sum(${column}), 0)`);
	return db
		.select({
			runId: tasks.runId,
			total: number(sql`count(*)`).as("agg_total"),
			pending: byStatus("pending").as("agg_pending"),
			running: byStatus("running").as("agg_running"),
			passed: byStatus("passed").as("agg_passed"),
			failed: byStatus("failed").as("agg_failed"),
			cancelled: byStatus("cancelled").as("agg_cancelled"),
			// A task's tries list is empty before its first verdict and has one entry per try after.
			passedFirstTry: number(
				sql`count(*) filter (where ${tasks.status} = 'passed' and jsonb_array_length(${tasks.tries}) <= 1)`,
			).as("agg_passed_first_try"),
			tokensIn: sum(taskMetrics.tokensIn).as("agg_tokens_in"),
			tokensOut: sum(taskMetrics.tokensOut).as("agg_tokens_out"),
			tokensContext: sum(taskMetrics.tokensContext).as("agg_tokens_context"),
			cacheWrites: sum(taskMetrics.cacheWrites).as("agg_cache_writes"),
			cacheReads: sum(taskMetrics.cacheReads).as("agg_cache_reads"),
			// Summed as double, not real, to keep the cents of many small costs.
			cost: number(sql`coalesce(sum(${taskMetrics.cost}::double precision), 0)`).as("agg_cost"),
		})
		.from(tasks)
		.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
		.where(runId === undefined ? undefined : eq(tasks.runId, runId))
		.groupBy(tasks.runId)
		.as("agg");
}

export type RunTotalsSubquery = ReturnType<typeof runTotalsSubquery>;

/** The subquery's columns as a select shape; a run without tasks reads as zeros. */
export function totalsColumns(agg: RunTotalsSubquery) {
	const zero = (column: (typeof agg)["total"]) => number(sql`coalesce(${column}, 0)`);
	return {
		total: zero(agg.total),
		pending: zero(agg.pending),
		running: zero(agg.running),
		passed: zero(agg.passed),
		failed: zero(agg.failed),
		cancelled: zero(agg.cancelled),
		passedFirstTry: zero(agg.passedFirstTry),
		tokensIn: zero(agg.tokensIn),
		tokensOut: zero(agg.tokensOut),
		tokensContext: zero(agg.tokensContext),
		cacheWrites: zero(agg.cacheWrites),
		cacheReads: zero(agg.cacheReads),
		cost: zero(agg.cost),
	};
}

/** One run's totals. */
export async function runTotals(db: Executor, runId: number): Promise<RunTotals> {
	const agg = runTotalsSubquery(db, runId);
	const [row] = await db.select(totalsColumns(agg)).from(agg);
	return row ?? { ...ZERO_TOTALS };
}

/** Each run's tool usage: attempts and failures per tool summed over its tasks. */
export async function toolUsageByRun(db: Executor, runIds: number[]): Promise<Map<number, ToolUsage>> {
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

function finite(n: unknown): number {
	return typeof n === "number" && Number.isFinite(n) ? n : 0;
}
