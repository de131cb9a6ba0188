import { EventEmitter } from "node:events";
import type { TaskEvent } from "@agent-evals/types";
import { type Bus, type BusHandler, runChannel } from "./bus.js";
import { MemoryCoordination } from "./coordination.js";

/** In-process bus: the default when no REDIS_URL is set. */
export class MemoryBus implements Bus {
	readonly kind = "memory";
	readonly coordination = new MemoryCoordination();
	private readonly emitter = new EventEmitter().setMaxListeners(0);

	async publish(runId: number, event: TaskEvent): Promise<void> {
		// A watcher's bug must not fail the task that published.
		for (const listener of this.emitter.listeners(runChannel(runId))) {
			try {
				(listener as BusHandler)(event);
			} catch {
				// ignored on purpose: see above
			}
		}
	}

	async subscribe(runId: number, handler: BusHandler): Promise<() => Promise<void>> {
		this.emitter.on(runChannel(runId), handler);
		return async () => {
			this.emitter.off(runChannel(runId), handler);
		};
	}

	async close(): Promise<void> {
		this.emitter.removeAllListeners();
	}
}
