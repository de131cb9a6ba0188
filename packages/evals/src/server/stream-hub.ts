import type { ObserverView, RunSummary, TaskEvent } from "@agent-evals/types";
import type { Bus } from "../bus/index.js";
import type { TaskEventRow } from "../db/schema.js";
import type { Store } from "../db/store.js";

export const POLL_MS = 250;
/*
 * Sequence ids are taken at insert and become visible at commit, so with several writers (a
 * PostgreSQL store shared by workers) a lower id can appear after a higher one was read. Each
 * poll therefore reads again from the newest id seen this many polls ago (~2 s), and drops ids
 * it has already delivered.
 */
const RECHECK_POLLS = 8;
const PAGE = 1000;

export interface RunListener {
	/** A stored event, with its id; delivered once, in the order the store made them visible. */
	event(row: TaskEventRow): void;
	/** A streaming (partial) message from the bus: not stored, so it has no id. */
	partial(event: TaskEvent): void;
	/** The run's summary changed (counts, tokens, cost, status). */
	run(summary: RunSummary): void;
	/** The observer's view changed (a finding, a recommendation, the budget); runs it watches only. */
	observer(view: ObserverView): void;
}

/**
 * One follower per watched run, however many streams watch it: it polls the store (which works
 * whichever process executes the run) and relays the bus's partial messages for live text.
 */
export class StreamHub {
	private readonly followers = new Map<number, RunFollower>();

	constructor(
		private readonly store: Store,
		private readonly bus: Bus,
		private readonly log: (message: string) => void,
	) {}

	/** Starts delivering what happens after this call; returns the unsubscribe function. */
	async subscribe(runId: number, listener: RunListener): Promise<() => void> {
		let follower = this.followers.get(runId);
		if (!follower) {
			follower = new RunFollower(runId, this.store, this.bus, this.log);
			this.followers.set(runId, follower);
		}
		const joined = follower;
		joined.listeners.add(listener);
		await joined.started;
		return () => {
			joined.listeners.delete(listener);
			if (joined.listeners.size === 0 && this.followers.get(runId) === joined) {
				this.followers.delete(runId);
				joined.stop();
			}
		};
	}

	/** Runs being followed now (for tests and diagnostics). */
	get followed(): number[] {
		return [...this.followers.keys()];
	}

	close(): void {
		for (const follower of this.followers.values()) follower.stop();
		this.followers.clear();
	}
}

class RunFollower {
	readonly listeners = new Set<RunListener>();
	readonly started: Promise<void>;
	private readonly delivered = new Set<number>();
	/** Newest id seen after each of the last polls, oldest first. */
	private readonly marks: number[] = [];
	private timer: NodeJS.Timeout | undefined;
	private unsubscribeBus: (() => Promise<void>) | undefined;
	private lastSummary = "";
	/** The observer session's revision last sent; null until a session exists. */
	private observerRevision: number | null = null;
	private stopped = false;
	private polling = false;

	constructor(
		private readonly runId: number,
		private readonly store: Store,
		private readonly bus: Bus,
		private readonly log: (message: string) => void,
	) {
		this.started = this.start();
	}

	private async start(): Promise<void> {
		try {
			this.marks.push(await this.store.events.latestId(this.runId));
			const unsubscribe = await this.bus.subscribe(this.runId, (event) => {
				if (event.eventName !== "message" || event.payload[0].message.partial !== true) return;
				for (const listener of this.listeners) listener.partial(event);
			});
			if (this.stopped) await unsubscribe();
			else this.unsubscribeBus = unsubscribe;
		} catch (error) {
			this.log(`stream of run ${this.runId}: ${error instanceof Error ? error.message : String(error)}`);
		}
		if (!this.stopped) this.timer = setInterval(() => void this.poll(), POLL_MS);
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		void this.unsubscribeBus?.().catch(() => undefined);
	}

	private async poll(): Promise<void> {
		if (this.polling || this.stopped) return;
		this.polling = true;
		try {
			await this.pollEvents();
			await this.pollSummary();
			await this.pollObserver();
		} catch (error) {
			this.log(`stream of run ${this.runId}: ${error instanceof Error ? error.message : String(error)}`);
		} finally {
			this.polling = false;
		}
	}

	private async pollEvents(): Promise<void> {
		const floor = this.marks[0] ?? 0;
		let newest = this.marks.at(-1) ?? 0;
		let afterId = floor;
		for (;;) {
			const rows = await this.store.events.list(this.runId, { afterId, limit: PAGE });
			for (const row of rows) {
				afterId = row.id;
				if (this.delivered.has(row.id)) continue;
				this.delivered.add(row.id);
				newest = Math.max(newest, row.id);
				for (const listener of this.listeners) listener.event(row);
			}
			if (rows.length < PAGE || this.stopped) break;
		}
		this.marks.push(newest);
		if (this.marks.length > RECHECK_POLLS) this.marks.shift();
		const keepFrom = this.marks[0] ?? 0;
		for (const id of this.delivered) if (id <= keepFrom) this.delivered.delete(id);
	}

	/** One cheap read of the session's revision per poll; the whole view only when it moved. */
	private async pollObserver(): Promise<void> {
		const revision = await this.store.observer.revision(this.runId);
		if (revision === null || revision === this.observerRevision) return;
		const view = await this.store.observer.view(this.runId);
		this.observerRevision = view.session?.revision ?? revision;
		for (const listener of this.listeners) listener.observer(view);
	}

	private async pollSummary(): Promise<void> {
		const summary = await this.store.runs.summary(this.runId);
		if (!summary) return;
		// Wall time grows by itself; only a real change is worth an event.
		const key = JSON.stringify({ ...summary, durationMs: null });
		if (key === this.lastSummary) return;
		this.lastSummary = key;
		for (const listener of this.listeners) listener.run(summary);
	}
}
