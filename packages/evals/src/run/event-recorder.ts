import type { TaskEvent } from "@agent-evals/types";
import type { Bus } from "../bus/index.js";
import type { Store } from "../db/store.js";
import type { RunNotes } from "./run-notes.js";

const FLUSH_MS = 250;

/**
 * Where a task's events go: the bus at once (live views), the store in small batches (history,
 * replay after a reload). Streaming updates of a message that is still partial are not stored:
 * the final version of the message is.
 */
export class EventRecorder {
	private pending: TaskEvent[] = [];
	private timer: NodeJS.Timeout | undefined;
	private writing: Promise<void> = Promise.resolve();

	constructor(
		private readonly store: Store,
		private readonly bus: Bus,
		private readonly runId: number,
		private readonly taskId: number,
		private readonly notes: RunNotes,
	) {}

	record(event: TaskEvent): void {
		const withTask = { ...event, taskId: this.taskId } as TaskEvent;
		this.bus.publish(this.runId, withTask).catch(this.notes.catcher("publishing an event", this.taskId));
		if (withTask.eventName === "message" && withTask.payload[0].message.partial === true) return;
		this.pending.push(withTask);
		this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
	}

	/** Writes everything recorded so far. */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const batch = this.pending;
		this.pending = [];
		if (batch.length > 0) {
			this.writing = this.writing
				.then(() => this.store.events.append(this.runId, this.taskId, batch))
				.then(() => undefined, this.notes.catcher(`storing ${batch.length} events`, this.taskId));
		}
		return this.writing;
	}
}
