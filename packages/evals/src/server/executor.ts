import type { Store } from "../db/store.js";
import type { Controller } from "../run/controller.js";

const STOP_GRACE_MS = 20_000;

/**
 * Runs created or requeued through the API execute here, in the background, many at once; runs
 * made together (an MCP A/B) execute together, interleaved. A task requeued while its run is
 * executing is not in that pass's queue, so the run executes once more after the pass ends.
 */
export class RunExecutor {
	/** By group: the id of the group's first run (a run's own id when it has no group). */
	private readonly active = new Map<number, { done: Promise<void>; again: boolean; runIds: number[] }>();
	private readonly shutdown = new AbortController();

	constructor(
		private readonly controller: Controller,
		private readonly store: Store,
		private readonly log: (message: string) => void,
	) {}

	isExecuting(runId: number): boolean {
		return (
			[...this.active.values()].some((entry) => entry.runIds.includes(runId)) || this.controller.isExecuting(runId)
		);
	}

	/**
	 * Waits (at most `timeoutMs`) for the run to stop executing here: a cancelled run still stops
	 * its agents and closes its trace after its verdicts are in. Whether it stopped.
	 */
	async settle(runId: number, timeoutMs: number): Promise<boolean> {
		const entry = [...this.active.values()].find((candidate) => candidate.runIds.includes(runId));
		if (entry) {
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([entry.done, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
			clearTimeout(timer);
		}
		return !this.isExecuting(runId);
	}

	/** Starts the run (with its group), or asks for one more pass if it is already executing here. */
	async start(runId: number): Promise<void> {
		if (this.shutdown.signal.aborted) throw new Error("the server is stopping");
		const runIds = (await this.store.runs.group(runId)).map((run) => run.id);
		const key = runIds[0] ?? runId;
		const current = this.active.get(key);
		if (current) {
			current.again = true;
			return;
		}
		const entry = { done: Promise.resolve(), again: false, runIds };
		entry.done = this.loop(entry).finally(() => this.active.delete(key));
		this.active.set(key, entry);
	}

	/** Cancels what executes here (agents are stopped, runs end as cancelled) and waits for it. */
	async stop(): Promise<void> {
		this.shutdown.abort();
		const all = Promise.allSettled([...this.active.values()].map((entry) => entry.done));
		await Promise.race([all, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
	}

	private async loop(entry: { again: boolean; runIds: number[] }): Promise<void> {
		const label = `run ${entry.runIds.join(" + ")}`;
		do {
			entry.again = false;
			try {
				await this.controller.executeGroup(entry.runIds, { signal: this.shutdown.signal });
			} catch (error) {
				this.log(`${label}: ${error instanceof Error ? error.message : String(error)}`);
				return;
			}
			if (this.shutdown.signal.aborted) return;
			// A requeue can also land between the pass's last task and its end.
			if (!entry.again) entry.again = await this.hasWorkLeft(entry.runIds);
		} while (entry.again);
	}

	private async hasWorkLeft(runIds: number[]): Promise<boolean> {
		try {
			for (const id of runIds) {
				const run = await this.store.runs.get(id);
				// A paused run waits for a resume; a cancelled one is over.
				const waiting = run?.status === "cancelled" || run?.status === "paused";
				if (run && !waiting && (await this.store.tasks.unfinished(id)).length > 0) return true;
			}
			return false;
		} catch (error) {
			this.log(
				`run ${runIds.join(" + ")}: cannot check for requeued tasks: ${error instanceof Error ? error.message : String(error)}`,
			);
			return false;
		}
	}
}
