import type { Database, Db } from "./client.js";
import { EventQueries } from "./queries/events.js";
import { McpQueries } from "./queries/mcp.js";
import { MetricsQueries } from "./queries/metrics.js";
import { ObserverQueries } from "./queries/observer.js";
import { RunQueries } from "./queries/runs.js";
import { TaskQueries } from "./queries/tasks.js";
import { ToolErrorQueries } from "./queries/tool-errors.js";

export type { ListTaskEventsOptions } from "./queries/events.js";
export type { BenchmarkTotals, McpServerStats } from "./queries/mcp.js";
export { type TaskMetricsInput, ZERO_METRICS } from "./queries/metrics.js";
export type { CreateSessionInput, HistoryTask, SessionPatch, StoredFindings } from "./queries/observer.js";
export type { CreateRunInput, FinalRunStatus, ListRunsOptions, RunPatch } from "./queries/runs.js";
export type { ListTasksOptions, TaskKey, TaskPatch } from "./queries/tasks.js";
export type { AddToolErrorInput } from "./queries/tool-errors.js";
export { mergeToolUsage, type RunTotals } from "./queries/totals.js";

/**
 * The data layer: one query module per table under `queries/`, reached through this object. The
 * runner, controller, server and CLI use only these; nothing else writes SQL. Works the same over
 * PGlite and PostgreSQL.
 */
export class Store {
	readonly runs: RunQueries;
	readonly tasks: TaskQueries;
	readonly metrics: MetricsQueries;
	readonly events: EventQueries;
	readonly toolErrors: ToolErrorQueries;
	readonly mcp: McpQueries;
	readonly observer: ObserverQueries;

	constructor(database: Database | Db) {
		const db = "kind" in database ? database.db : database;
		this.runs = new RunQueries(db);
		this.metrics = new MetricsQueries(db);
		this.events = new EventQueries(db);
		this.toolErrors = new ToolErrorQueries(db);
		this.mcp = new McpQueries(db);
		this.observer = new ObserverQueries(db);
		this.tasks = new TaskQueries(db, { events: this.events, toolErrors: this.toolErrors, mcp: this.mcp });
	}
}
