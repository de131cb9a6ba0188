import type { ClineMessage, TaskEvent, ToolUsage } from "@agent-evals/types";
import type { TaskEventRow } from "../db/schema.js";

/*
 * What a run's stored events say about each task, read once in id order: when the agent was
 * heard from, its model requests, tool calls, errors, retries and latest token usage. The live
 * observer feeds it the rows stored since its last look; `evals observe` feeds it all of them.
 * Times are when the row was stored (the runner stores events within a quarter second), so a
 * message updated in place (a request's usage arriving after it) counts as activity when the
 * update came.
 */

/** Says that mean the agent is waiting to call the model again after a failure. */
const RETRY_SAYS = new Set(["api_req_retry_delayed", "api_req_retried", "api_req_rate_limit_wait"]);
/** A rate limit in any provider's words (Anthropic's and OpenAI's errors, our agent's "HTTP 429"). */
const RATE_LIMITED = /\b429\b|rate[ _-]?limit|too many requests/i;
/** Asks that carry a tool call, with what each calls its request. */
const CALL_ASKS = new Set(["tool", "command", "use_mcp_server"]);

export interface Stamped {
	at: number;
	/** The message's own `ts`: a message updated in place is counted once. */
	ts: number;
}

export class TaskActivity {
	/** Storage times of agent events (our verdict events excluded). */
	readonly times: number[] = [];
	/** When the agent reported the task completed or aborted. */
	readonly ends: number[] = [];
	readonly turns: Stamped[] = [];
	readonly calls: Array<Stamped & { signature: string }> = [];
	readonly errors: Array<Stamped & { text: string }> = [];
	readonly retries: Array<Stamped & { text: string; rateLimited: boolean }> = [];
	readonly usage: Array<{ at: number; tokens: number; cost: number; toolUsage: ToolUsage | undefined }> = [];
	private readonly seen = new Set<string>();

	add(event: TaskEvent, at: number): void {
		if (event.eventName === "evalPass" || event.eventName === "evalFail") return;
		this.times.push(at);
		switch (event.eventName) {
			case "taskCompleted":
			case "taskAborted":
				this.ends.push(at);
				if (event.eventName === "taskCompleted") this.addUsage(at, event.payload[1], event.payload[2]);
				break;
			case "taskTokenUsageUpdated":
				this.addUsage(at, event.payload[1], event.payload[2]);
				break;
			case "message":
				this.addMessage(event.payload[0].message, at);
				break;
		}
	}

	private addUsage(
		at: number,
		usage: { totalTokensIn: number; totalTokensOut: number; totalCost: number },
		tools?: ToolUsage,
	) {
		this.usage.push({
			at,
			tokens: usage.totalTokensIn + usage.totalTokensOut,
			cost: usage.totalCost,
			toolUsage: tools,
		});
	}

	private addMessage(message: ClineMessage, at: number): void {
		if (message.partial === true) return;
		const kind = message.type === "ask" ? `ask:${message.ask}` : `say:${message.say}`;
		// The first stored version of a message is the one that counts (creation time).
		const id = `${kind}@${message.ts}`;
		if (this.seen.has(id)) return;
		this.seen.add(id);
		const text = message.text ?? "";
		const stamp = { at, ts: message.ts };
		if (message.type === "ask" && CALL_ASKS.has(message.ask ?? "")) {
			this.calls.push({ ...stamp, signature: `${message.ask}:${text}` });
		} else if (message.type === "say") {
			if (message.say === "api_req_started") this.turns.push(stamp);
			else if (message.say === "error") this.errors.push({ ...stamp, text });
			else if (RETRY_SAYS.has(message.say ?? "")) {
				this.retries.push({
					...stamp,
					text,
					rateLimited: message.say === "api_req_rate_limit_wait" || RATE_LIMITED.test(text),
				});
			}
		}
	}
}

/** Every task's activity in a run, fed with stored event rows in id order. */
export class RunActivity {
	private readonly byTask = new Map<number, TaskActivity>();
	/** The last row id read: the live observer reads on from here. */
	cursor = 0;

	addRows(rows: readonly TaskEventRow[]): void {
		for (const row of rows) {
			this.cursor = Math.max(this.cursor, row.id);
			if (row.taskId === null) continue;
			let task = this.byTask.get(row.taskId);
			if (!task) {
				task = new TaskActivity();
				this.byTask.set(row.taskId, task);
			}
			task.add(row.event, row.createdAt.getTime());
		}
	}

	task(taskId: number): TaskActivity | undefined {
		return this.byTask.get(taskId);
	}
}
