import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Task } from "../db/schema.js";

/** What a job carries: only ids. The task's row in the store is the truth about it. */
export interface TaskJobData {
	runId: number;
	taskId: number;
}

/**
 * A task's job id. Equal ids make enqueueing idempotent: BullMQ ignores a job whose id it
 * already holds. (BullMQ refuses custom ids that are integers, hence the prefix.)
 */
export const taskJobId = (taskId: number) => `task-${taskId}`;

/**
 * One queue per language, so that a worker takes only tasks it can grade: a worker without Go
 * never even sees a Go task.
 */
export const taskQueueName = (language: string) => `tasks-${language}`;

/**
 * Jobs live in Redis only while someone has to do them. Finished ones are removed so that
 * `evals resume` can enqueue a task again after its job was lost; a job that failed for good
 * (the store unreachable five times) is removed too, and the controller enqueues its task again
 * while the task is unfinished in the store.
 */
const JOB_OPTIONS = {
	removeOnComplete: true,
	removeOnFail: true,
	attempts: 5,
	backoff: { type: "exponential", delay: 2_000 },
} as const;

/** BullMQ wants connections that retry forever: a blocked worker must outlive a Redis restart. */
export function queueConnection(url: string): Redis {
	return new Redis(url, { maxRetriesPerRequest: null });
}

/** The controller's side of the queue: puts tasks on their language's queue. */
export class TaskDispatch {
	private readonly connection: Redis;
	private readonly queues = new Map<string, Queue<TaskJobData>>();

	constructor(
		redisUrl: string,
		/** The key prefix shared by a deployment's controller and workers (EVALS_DEPLOYMENT). */
		readonly deployment: string,
	) {
		this.connection = queueConnection(redisUrl);
	}

	/** Enqueues the tasks in the order given; tasks already queued or running stay as they are. */
	async enqueue(tasks: Task[]): Promise<void> {
		const byLanguage = new Map<string, Task[]>();
		for (const task of tasks) {
			const list = byLanguage.get(task.language) ?? [];
			list.push(task);
			byLanguage.set(task.language, list);
		}
		for (const [language, list] of byLanguage) {
			await this.queue(language).addBulk(
				list.map((task) => ({
					name: "task",
					data: { runId: task.runId, taskId: task.id },
					opts: { ...JOB_OPTIONS, jobId: taskJobId(task.id) },
				})),
			);
		}
	}

	/** Jobs waiting (not yet taken) per language, for diagnostics and tests. */
	async waiting(language: string): Promise<number> {
		return this.queue(language).getWaitingCount();
	}

	async close(): Promise<void> {
		await Promise.all([...this.queues.values()].map((queue) => queue.close()));
		this.connection.disconnect();
	}

	private queue(language: string): Queue<TaskJobData> {
		let queue = this.queues.get(language);
		if (!queue) {
			queue = new Queue<TaskJobData>(taskQueueName(language), { connection: this.connection, prefix: this.deployment });
			this.queues.set(language, queue);
		}
		return queue;
	}
}
