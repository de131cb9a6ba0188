import type { Store } from "../db/store.js";
import type { Controller } from "../run/controller.js";

const STOP_GRACE_MS = 20_000;

/**
 * Runs created or requeued through the API execute here, in the background, many at once. A
 * task requeued while its run is executing is not in that pass's queue, so the run executes
 * once more after the pass ends.
 */
export class RunExecutor {
	private readonly active = new Map<number, { done: Promise<void>; again: boolean }>();
	private readonly shutdown = new AbortController();

	constructor(
		private readonly controller: Controller,
		private readonly store: Store,
		private readonly log: (message: string) => void,
	) {}

	isExecuting(runId: number): boolean {
		return this.active.has(runId) || this.controller.isExecuting(runId);
	}

	/** Starts the run, or asks for one more pass if it is already executing here. */
	start(runId: number): void {
		if (this.shutdown.signal.aborted) throw new Error("the server is stopping");
		const current = this.active.get(runId);
		if (current) {
			current.again = true;
			return;
		}
		const entry = { done: Promise.resolve(), again: false };
		entry.done = this.loop(runId, entry).finally(() => this.active.delete(runId));
		this.active.set(runId, entry);
	}

	/** Cancels what executes here (agents are stopped, runs end as cancelled) and waits for it. */
	async stop(): Promise<void> {
		this.shutdown.abort();
		const all = Promise.allSettled([...this.active.values()].map((entry) => entry.done));
		await Promise.race([all, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
	}

	private async loop(runId: number, entry: { again: boolean }): Promise<void> {
		do {
			entry.again = false;
			try {
				await this.controller.execute(runId, { signal: this.shutdown.signal });
			} catch (error) {
				this.log(`run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
				return;
			}
			if (this.shutdown.signal.aborted) return;
			// A requeue can also land between the pass's last task and its end.
			if (!entry.again && (await this.store.tasks.unfinished(runId).catch(() => [])).length > 0) {
				const run = await this.store.runs.get(runId).catch(() => undefined);
				entry.again = run !== undefined && run.status !== "cancelled";
			}
		} while (entry.again);
	}
}
