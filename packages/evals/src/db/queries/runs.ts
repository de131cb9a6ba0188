import type { RunDetailResponse, RunListQuery, RunSummary } from "@agent-evals/types";
import { and, asc, count, desc, eq, gte, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { type NewRun, type Run, type RunStatus, runs, taskMetrics, tasks } from "../schema.js";
import { metricsValues } from "./metrics.js";
import { asArray, chunks, isEmpty, must } from "./sql.js";
import { toRunDetail, toRunSummary } from "./summaries.js";
import {
	type RunTotals,
	type RunTotalsSubquery,
	runTotals,
	runTotalsSubquery,
	toolUsageByRun,
	totalsColumns,
} from "./totals.js";

export type CreateRunInput = Omit<NewRun, "id" | "createdAt" | "taskMetricsId" | "passed" | "failed">;
export type RunPatch = Partial<Omit<NewRun, "id" | "createdAt">>;
export type FinalRunStatus = Exclude<RunStatus, "pending" | "running">;

export interface ListRunsOptions {
	limit?: number;
	offset?: number;
	status?: RunStatus | RunStatus[];
	model?: string;
	/** Only runs created at or after this time. */
	since?: Date;
}

/** The `runs` table: lifecycle, heartbeat, totals and the API's run summaries. */
export class RunQueries {
	constructor(private readonly db: Db) {}

	async create(input: CreateRunInput): Promise<Run> {
		const [run] = await this.db.insert(runs).values(input).returning();
		return must(run, "insert into runs returned no row");
	}

	async get(id: number): Promise<Run | undefined> {
		const [run] = await this.db.select().from(runs).where(eq(runs.id, id));
		return run;
	}

	/** Newest first. */
	async list(options: ListRunsOptions = {}): Promise<Run[]> {
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

	/** The runs made together with this one (an MCP A/B), by id; just the run when it has no group. */
	async group(id: number): Promise<Run[]> {
		const run = await this.get(id);
		if (!run) return [];
		if (run.groupId === null) return [run];
		return this.db.select().from(runs).where(eq(runs.groupId, run.groupId)).orderBy(asc(runs.id));
	}

	async update(id: number, patch: RunPatch): Promise<Run | undefined> {
		if (isEmpty(patch)) return this.get(id);
		const [run] = await this.db.update(runs).set(patch).where(eq(runs.id, id)).returning();
		return run;
	}

	/** Deletes the run with its tasks, events and tool errors, and the metrics rows they pointed at. */
	async delete(id: number): Promise<boolean> {
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
			for (const chunk of chunks(metricsIds)) await tx.delete(taskMetrics).where(inArray(taskMetrics.id, chunk));
			return true;
		});
	}

	/**
	 * Closes a run: outcome counts from its tasks, and a run-level metrics row summing the tasks'
	 * tokens, cost and tool usage with the run's wall time as duration, and the notes of this
	 * pass added to the run's. Calling it again recomputes the same row rather than adding one.
	 */
	async finish(id: number, status: FinalRunStatus, notes: readonly string[] = []): Promise<Run> {
		return this.db.transaction(async (tx) => {
			const [run] = await tx.select().from(runs).where(eq(runs.id, id)).for("update");
			if (!run) throw new Error(`run ${id} does not exist`);
			const finishedAt = new Date();
			const totals = await runTotals(tx, id);
			const usage = await toolUsageByRun(tx, [id]);
			const values = metricsValues({
				...totals,
				duration: run.startedAt ? Math.max(0, finishedAt.getTime() - run.startedAt.getTime()) : 0,
				toolUsage: usage.get(id) ?? {},
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
				.set({
					status,
					passed: totals.passed,
					failed: totals.failed,
					taskMetricsId: metricsId,
					finishedAt,
					// A resumed run keeps the notes of its earlier passes.
					notes: [...run.notes, ...notes],
				})
				.where(eq(runs.id, id))
				.returning();
			return must(updated, `run ${id} vanished while finishing`);
		});
	}

	/** Live counters for progress displays; zeros for a run without tasks. */
	totals(id: number): Promise<RunTotals> {
		return runTotals(this.db, id);
	}

	/** Marks the run's controller alive. Uses the database clock so hosts with skewed clocks agree. */
	async heartbeat(runId: number, pid: number): Promise<void> {
		await this.db.update(runs).set({ controllerPid: pid, heartbeatAt: sql`now()` }).where(eq(runs.id, runId));
	}

	/** `GET /api/runs`: a page of run summaries, filtered and sorted in SQL, and the filtered count. */
	async summaries(query: Partial<RunListQuery> = {}): Promise<{ runs: RunSummary[]; total: number }> {
		const where: SQL[] = [];
		if (query.model !== undefined) where.push(eq(runs.model, query.model));
		if (query.provider !== undefined) where.push(eq(runs.provider, query.provider));
		if (query.status !== undefined) where.push(inArray(runs.status, query.status));
		if (query.since !== undefined) where.push(gte(runs.createdAt, query.since));
		const condition = and(...where);
		const direction = query.order === "asc" ? sql.raw("asc") : sql.raw("desc");
		// Runs without a value (no verdict yet, not started) go last whichever the direction.
		const orderBy = (agg: RunTotalsSubquery) => [
			sql`${sortExpression(query.sort, agg)} ${direction} nulls last`,
			query.order === "asc" ? asc(runs.id) : desc(runs.id),
		];
		const [rows, [totalRow]] = await Promise.all([
			this.selectWithTotals({ condition }, { orderBy, limit: query.limit ?? 50, offset: query.offset ?? 0 }),
			this.db.select({ n: count() }).from(runs).where(condition),
		]);
		return { runs: await this.toSummaries(rows), total: totalRow?.n ?? 0 };
	}

	async summary(id: number): Promise<RunSummary | undefined> {
		const [summary] = await this.toSummaries(await this.selectWithTotals({ runId: id }));
		return summary;
	}

	/** `GET /api/runs/:id`: the summary with the run's settings and prices, and an ETA while it runs. */
	async detail(id: number): Promise<Omit<RunDetailResponse, "stats"> | undefined> {
		const [row] = await this.selectWithTotals({ runId: id });
		if (!row) return undefined;
		const [[summary], durations, group] = await Promise.all([
			this.toSummaries([row]),
			this.db
				.select({ startedAt: tasks.startedAt, finishedAt: tasks.finishedAt })
				.from(tasks)
				.where(and(eq(tasks.runId, id), inArray(tasks.status, ["passed", "failed"]))),
			this.group(id),
		]);
		const base = must(summary, `run ${id} has no summary`);
		const { run } = row;
		const finished = durations.flatMap((task) =>
			task.startedAt && task.finishedAt ? [task.finishedAt.getTime() - task.startedAt.getTime()] : [],
		);
		const remaining = base.pending + base.running;
		const active = run.status === "pending" || run.status === "running";
		let etaMs: number | null = null;
		if (remaining === 0 || !active) etaMs = active ? 0 : null;
		else if (finished.length > 0) {
			const mean = finished.reduce((sum, ms) => sum + ms, 0) / finished.length;
			etaMs = Math.round((mean * remaining) / Math.max(1, run.concurrency));
		}
		return {
			run: toRunDetail(
				run,
				base,
				group.map((member) => member.id),
			),
			elapsedMs: base.durationMs ?? 0,
			etaMs,
		};
	}

	private async selectWithTotals(
		where: { runId: number } | { condition: SQL | undefined },
		page: { orderBy?: (agg: RunTotalsSubquery) => SQL[]; limit?: number; offset?: number } = {},
	): Promise<Array<{ run: Run; totals: RunTotals }>> {
		const agg = runTotalsSubquery(this.db, "runId" in where ? where.runId : undefined);
		const query = this.db
			.select({ run: runs, ...totalsColumns(agg) })
			.from(runs)
			.leftJoin(agg, eq(agg.runId, runs.id))
			.where("runId" in where ? eq(runs.id, where.runId) : where.condition)
			.orderBy(...(page.orderBy?.(agg) ?? [desc(runs.id)]))
			.$dynamic();
		if (page.limit !== undefined) query.limit(page.limit);
		if (page.offset !== undefined) query.offset(page.offset);
		const rows = await query;
		return rows.map(({ run, ...totals }) => ({ run, totals }));
	}

	private async toSummaries(rows: Array<{ run: Run; totals: RunTotals }>): Promise<RunSummary[]> {
		const usage = await toolUsageByRun(
			this.db,
			rows.map((row) => row.run.id),
		);
		const now = Date.now();
		return rows.map((row) => toRunSummary(row.run, row.totals, usage.get(row.run.id), now));
	}
}

function sortExpression(sort: RunListQuery["sort"] | undefined, agg: RunTotalsSubquery): SQL {
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
