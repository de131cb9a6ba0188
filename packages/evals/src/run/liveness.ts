import { hostname } from "node:os";
import { processAlive } from "@agent-evals/agent/process-tree";
import { type Coordination, runnerMember } from "../bus/coordination.js";
import type { Run, Task } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { HEARTBEAT_MS, HEARTBEAT_TTL_S, STALE_HEARTBEAT_MS } from "./defaults.js";
import { RunBusyError } from "./errors.js";
import type { RunNotes } from "./run-notes.js";

const CANCEL_POLL_MS = 1_000;

/**
 * How a controller shows it is alive and notices others: a heartbeat in the store (the truth
 * every process can read) and in the coordination keys, the tasks it has in flight, and a cancel
 * requested by another process through the store.
 */
export class Liveness {
	constructor(
		private readonly store: Store,
		private readonly coordination: Coordination,
	) {}

	/**
	 * Beats for the run every few seconds and calls `onCancel` once when the run is marked
	 * cancelled in the store (by `evals cancel` or the API, from any process), and `onPause` when
	 * it is marked paused until it says it acted on it. Returns the stop.
	 */
	watch(runId: number, notes: RunNotes, onCancel: () => void, onPause?: () => boolean): () => void {
		const pid = process.pid;
		const beat = async () => {
			await this.store.runs.heartbeat(runId, pid).catch(notes.catcher("the heartbeat in the store"));
			await this.coordination.beat(runId, pid, HEARTBEAT_TTL_S).catch(notes.catcher("the heartbeat key"));
		};
		void beat();
		const heartbeat = setInterval(beat, HEARTBEAT_MS);
		let cancelled = false;
		let paused = false;
		const poll = setInterval(async () => {
			// A failed read is retried on the next tick; only the answer matters.
			const run = await this.store.runs.get(runId).catch(() => undefined);
			if (run?.status === "cancelled" && !cancelled) {
				cancelled = true;
				onCancel();
			}
			if (run?.status === "paused" && !paused) paused = onPause?.() ?? true;
		}, CANCEL_POLL_MS);
		return () => {
			clearInterval(heartbeat);
			clearInterval(poll);
			void this.coordination.clearBeat(runId).catch(notes.catcher("clearing the heartbeat key"));
		};
	}

	/** Lists the task as in flight on this host while `work` runs (upstream's `runners:<runId>`). */
	async withRunner<T>(run: Run, task: Task, notes: RunNotes, work: () => Promise<T>): Promise<T> {
		const member = runnerMember(task.id, hostname());
		await this.coordination
			.addRunner(run.id, member, Math.ceil(run.timeout * 60))
			.catch(notes.catcher("registering the runner", task.id));
		try {
			return await work();
		} finally {
			await this.coordination.removeRunner(run.id, member).catch(notes.catcher("unregistering the runner", task.id));
		}
	}

	/**
	 * A run is busy while its controller's heartbeat is fresh; on this host we can do better and
	 * ask whether that process is still alive, so a killed controller can be resumed at once.
	 */
	async ensureNotBusy(run: Run): Promise<void> {
		if (run.status !== "running" || !run.controllerPid || !run.heartbeatAt) return;
		if (run.controllerPid === process.pid && run.controllerHost === hostname()) return;
		const age = Date.now() - run.heartbeatAt.getTime();
		const deadHere = run.controllerHost === hostname() && !(await processAlive(run.controllerPid));
		if (age < STALE_HEARTBEAT_MS && !deadHere) {
			throw new RunBusyError(
				`Run ${run.id} is being executed by process ${run.controllerPid} (heartbeat ${Math.round(age / 1000)} s ago). Cancel it with "evals cancel ${run.id}" or wait for it.`,
			);
		}
	}
}
