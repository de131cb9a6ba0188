import { z } from "zod";
import { languages } from "./values.js";

/** A task an `evals worker` is running right now, as it advertises it. */
export const workerTaskSchema = z.object({
	runId: z.number().int(),
	taskId: z.number().int(),
	language: z.string(),
	exercise: z.string(),
	attempt: z.number().int(),
	startedAt: z.string(),
});
export type WorkerTask = z.infer<typeof workerTaskSchema>;

/**
 * What a worker says about itself every few seconds, with a time to live: when it stops saying
 * it (killed, host gone), it disappears from `GET /api/workers` by itself.
 */
export const workerInfoSchema = z.object({
	name: z.string().min(1),
	host: z.string(),
	pid: z.number().int(),
	/** The languages whose test tools it found on its PATH and serves. */
	languages: z.array(z.enum(languages)),
	slots: z.number().int().positive(),
	running: z.array(workerTaskSchema),
	startedAt: z.string(),
	/** When it last advertised; older than the TTL means gone. */
	seenAt: z.string(),
	/** Draining after SIGTERM: takes no new tasks, finishes the ones it has. */
	draining: z.boolean(),
});
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

export const workerListResponseSchema = z.object({ workers: z.array(workerInfoSchema) });
export type WorkerListResponse = z.infer<typeof workerListResponseSchema>;
