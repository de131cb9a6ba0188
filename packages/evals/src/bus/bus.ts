import type { TaskEvent } from "@agent-evals/types";
import type { Coordination } from "./coordination.js";

export type BusHandler = (event: TaskEvent) => void;

/**
 * Carries a run's live events (TaskEvents carrying the DB task id) to whoever watches: the CLI's
 * progress display, the dashboard's SSE streams. Everything the dashboard needs after a reload
 * is also in the store; the bus is for "now".
 */
export interface Bus {
	readonly kind: "memory" | "redis";
	/** Liveness keys (heartbeats, tasks in flight), on the same backend as the events. */
	readonly coordination: Coordination;
	publish(runId: number, event: TaskEvent): Promise<void>;
	/** Returns a function that unsubscribes. */
	subscribe(runId: number, handler: BusHandler): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** Redis channel of a run, as upstream names it. */
export const runChannel = (runId: number) => `evals:${runId}`;
