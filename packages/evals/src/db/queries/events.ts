import type { ClineMessage, TaskEvent } from "@agent-evals/types";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { type TaskEventRow, taskEvents } from "../schema.js";
import { chunks, number } from "./sql.js";

export interface ListTaskEventsOptions {
	/** Exclusive: the last id the client has (SSE Last-Event-ID). */
	afterId?: number;
	taskId?: number;
	limit?: number;
}

/** The `task_events` table: a run's stored event history, replayed after a reload. */
export class EventQueries {
	constructor(private readonly db: Db) {}

	/**
	 * Stores events in order and returns their ids (ascending). Each stored event carries the
	 * database task id, so a replay looks exactly like the live stream.
	 */
	async append(runId: number, taskId: number | null, events: TaskEvent[]): Promise<number[]> {
		const ids: number[] = [];
		for (const chunk of chunks(events)) {
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
	async list(runId: number, options: ListTaskEventsOptions = {}): Promise<TaskEventRow[]> {
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
	 * A task's transcript as the agent left it: a message is created, then updated in place (same
	 * `ts`), so the last stored version of each wins, in order of first appearance.
	 */
	async transcript(taskId: number): Promise<ClineMessage[]> {
		const rows = await this.db
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
	async latestId(runId: number): Promise<number> {
		const [row] = await this.db
			.select({ id: number(sql`coalesce(max(${taskEvents.id}), 0)`) })
			.from(taskEvents)
			.where(eq(taskEvents.runId, runId));
		return row?.id ?? 0;
	}
}
