import type { McpServerStatsView, RunMcpResponse } from "@agent-evals/types";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import {
	type McpRetrievalBenchmark,
	type McpRetrievalCall,
	mcpConnectionEvents,
	mcpResourceEvents,
	mcpRetrievalBenchmarks,
	mcpRetrievalCalls,
	type NewMcpConnectionEvent,
	type NewMcpResourceEvent,
	type NewMcpRetrievalCall,
	tasks,
} from "../schema.js";
import { chunks, must, number } from "./sql.js";

export interface BenchmarkTotals {
	totalSteps: number;
	mcpCallCount: number;
	errorCount: number;
	/** The task's verdict; null while it has none. */
	codeExecutionSuccess: boolean | null;
}

/** Per server: how its calls went over a run (the API's shape). */
export type McpServerStats = McpServerStatsView;

/** The MCP tables: connection and resource events, one benchmark row per task, and its calls. */
export class McpQueries {
	constructor(private readonly db: Db) {}

	async addConnectionEvents(rows: NewMcpConnectionEvent[]): Promise<void> {
		for (const chunk of chunks(rows)) await this.db.insert(mcpConnectionEvents).values(chunk);
	}

	async addResourceEvents(rows: NewMcpResourceEvent[]): Promise<void> {
		for (const chunk of chunks(rows)) await this.db.insert(mcpResourceEvents).values(chunk);
	}

	/**
	 * The task's benchmark row, fresh for a new attempt: created, or reset with its calls removed
	 * (a retried task is judged by its last attempt).
	 */
	async startBenchmark(input: {
		runId: number;
		taskId: number;
		servers: string;
		userIntent: string | null;
	}): Promise<number> {
		return this.db.transaction(async (tx) => {
			const [row] = await tx
				.insert(mcpRetrievalBenchmarks)
				.values({
					runId: input.runId,
					taskId: input.taskId,
					mcpServerName: input.servers,
					userIntent: input.userIntent,
				})
				.onConflictDoUpdate({
					target: mcpRetrievalBenchmarks.taskId,
					set: {
						mcpServerName: input.servers,
						userIntent: input.userIntent,
						totalSteps: 0,
						mcpCallCount: 0,
						errorCount: 0,
						codeExecutionSuccess: null,
					},
				})
				.returning({ id: mcpRetrievalBenchmarks.id });
			const id = must(row, "insert into mcp_retrieval_benchmarks returned no row").id;
			await tx.delete(mcpRetrievalCalls).where(eq(mcpRetrievalCalls.benchmarkId, id));
			return id;
		});
	}

	async addCalls(rows: NewMcpRetrievalCall[]): Promise<void> {
		for (const chunk of chunks(rows)) await this.db.insert(mcpRetrievalCalls).values(chunk);
	}

	async finishBenchmark(id: number, totals: BenchmarkTotals): Promise<void> {
		await this.db.update(mcpRetrievalBenchmarks).set(totals).where(eq(mcpRetrievalBenchmarks.id, id));
	}

	async benchmarks(runId: number): Promise<McpRetrievalBenchmark[]> {
		return this.db
			.select()
			.from(mcpRetrievalBenchmarks)
			.where(eq(mcpRetrievalBenchmarks.runId, runId))
			.orderBy(asc(mcpRetrievalBenchmarks.taskId));
	}

	/** A task's calls in order (for the transcript and the drawer). */
	async taskCalls(taskId: number): Promise<McpRetrievalCall[]> {
		return this.db
			.select({ call: mcpRetrievalCalls })
			.from(mcpRetrievalCalls)
			.innerJoin(mcpRetrievalBenchmarks, eq(mcpRetrievalCalls.benchmarkId, mcpRetrievalBenchmarks.id))
			.where(eq(mcpRetrievalBenchmarks.taskId, taskId))
			.orderBy(asc(mcpRetrievalCalls.id))
			.then((rows) => rows.map((row) => row.call));
	}

	/** Every call of a run. */
	async runCalls(runId: number): Promise<Array<McpRetrievalCall & { taskId: number }>> {
		const rows = await this.db
			.select({ call: mcpRetrievalCalls, taskId: mcpRetrievalBenchmarks.taskId })
			.from(mcpRetrievalCalls)
			.innerJoin(mcpRetrievalBenchmarks, eq(mcpRetrievalCalls.benchmarkId, mcpRetrievalBenchmarks.id))
			.where(eq(mcpRetrievalBenchmarks.runId, runId))
			.orderBy(asc(mcpRetrievalCalls.id));
		return rows.map((row) => ({ ...row.call, taskId: row.taskId }));
	}

	async connectionEvents(runId: number) {
		return this.db
			.select()
			.from(mcpConnectionEvents)
			.where(eq(mcpConnectionEvents.runId, runId))
			.orderBy(asc(mcpConnectionEvents.id));
	}

	async resourceEvents(runId: number) {
		return this.db
			.select()
			.from(mcpResourceEvents)
			.where(eq(mcpResourceEvents.runId, runId))
			.orderBy(asc(mcpResourceEvents.id));
	}

	/** `GET /api/runs/:id/mcp`: per server, and per task that used MCP (steps, calls, errors, verdict). */
	async runView(runId: number): Promise<RunMcpResponse> {
		const [servers, rows] = await Promise.all([
			this.serverStats(runId),
			this.db
				.select({ benchmark: mcpRetrievalBenchmarks, task: tasks })
				.from(mcpRetrievalBenchmarks)
				.innerJoin(tasks, eq(mcpRetrievalBenchmarks.taskId, tasks.id))
				.where(eq(mcpRetrievalBenchmarks.runId, runId))
				.orderBy(asc(tasks.id)),
		]);
		return {
			servers,
			tasks: rows.map(({ benchmark, task }) => ({
				taskId: task.id,
				language: task.language,
				exercise: task.exercise,
				iteration: task.iteration,
				steps: benchmark.totalSteps,
				calls: benchmark.mcpCallCount,
				errors: benchmark.errorCount,
				passed: benchmark.codeExecutionSuccess,
			})),
		};
	}

	/** Per server over a run: calls, latency percentiles, error rate, response sizes, top tools. */
	async serverStats(runId: number): Promise<McpServerStats[]> {
		const c = mcpRetrievalCalls;
		const pct = (p: number, column: typeof c.durationMs | typeof c.responseSize) =>
			sql<number | null>`percentile_cont(${p}) within group (order by ${column})`.mapWith((v) =>
				v === null ? null : Number(v),
			);
		const byRun = eq(mcpRetrievalBenchmarks.runId, runId);
		const [servers, tools, failures] = await Promise.all([
			this.db
				.select({
					server: c.serverName,
					calls: count(),
					errors: number(sql`count(*) filter (where ${c.errorMessage} is not null)`),
					timeouts: number(sql`count(*) filter (where ${c.timedOut})`),
					p50Ms: pct(0.5, c.durationMs),
					p95Ms: pct(0.95, c.durationMs),
					responseSizeP50: pct(0.5, c.responseSize),
					responseSizeMax: sql<number | null>`max(${c.responseSize})`.mapWith((v) => (v === null ? null : Number(v))),
				})
				.from(c)
				.innerJoin(mcpRetrievalBenchmarks, eq(c.benchmarkId, mcpRetrievalBenchmarks.id))
				.where(byRun)
				.groupBy(c.serverName)
				.orderBy(c.serverName),
			this.db
				.select({ server: c.serverName, name: sql<string>`coalesce(${c.toolName}, ${c.uri}, '?')`, calls: count() })
				.from(c)
				.innerJoin(mcpRetrievalBenchmarks, eq(c.benchmarkId, mcpRetrievalBenchmarks.id))
				.where(byRun)
				.groupBy(c.serverName, sql`coalesce(${c.toolName}, ${c.uri}, '?')`)
				.orderBy(desc(count())),
			this.db
				.select({ server: mcpConnectionEvents.serverName, n: count() })
				.from(mcpConnectionEvents)
				.where(and(eq(mcpConnectionEvents.runId, runId), eq(mcpConnectionEvents.eventType, "error")))
				.groupBy(mcpConnectionEvents.serverName),
		]);
		const failuresBy = new Map(failures.map((row) => [row.server, row.n]));
		const stats: McpServerStats[] = servers.map((row) => ({
			...row,
			errorRate: row.calls === 0 ? 0 : row.errors / row.calls,
			topTools: tools
				.filter((tool) => tool.server === row.server)
				.slice(0, 5)
				.map(({ name, calls }) => ({ name, calls })),
			connectionFailures: failuresBy.get(row.server) ?? 0,
		}));
		// A server that never answered has connection failures and no calls: it must show too.
		for (const [server, n] of failuresBy) {
			if (!stats.some((s) => s.server === server)) {
				stats.push({
					server,
					calls: 0,
					errors: 0,
					timeouts: 0,
					errorRate: 0,
					p50Ms: null,
					p95Ms: null,
					responseSizeP50: null,
					responseSizeMax: null,
					topTools: [],
					connectionFailures: n,
				});
			}
		}
		return stats;
	}
}
