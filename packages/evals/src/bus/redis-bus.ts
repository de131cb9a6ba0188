import { type TaskEvent, taskEventSchema, type WorkerInfo, workerInfoSchema } from "@agent-evals/types";
import { Redis } from "ioredis";
import { type Bus, type BusHandler, runChannel } from "./bus.js";
import { type Coordination, heartbeatKey, runnersKey } from "./coordination.js";
import { DEFAULT_DEPLOYMENT } from "./deployment.js";

/** Redis pub/sub on `evals:<runId>`: events reach watchers in other processes and hosts. */
export class RedisBus implements Bus {
	readonly kind = "redis";
	readonly coordination: Coordination;
	private readonly publisher: Redis;
	private subscriber: Redis | undefined;
	private readonly handlers = new Map<string, Set<BusHandler>>();

	private constructor(
		private readonly url: string,
		deployment: string,
	) {
		this.publisher = connection(url);
		this.coordination = new RedisCoordination(this.publisher, deployment);
	}

	/** `deployment` names the key space of the workers' adverts (and the task queues). */
	static async connect(url: string, deployment = DEFAULT_DEPLOYMENT): Promise<RedisBus> {
		const bus = new RedisBus(url, deployment);
		try {
			await bus.publisher.ping();
		} catch (error) {
			await bus.close();
			throw new Error(`Cannot reach Redis at ${safeUrl(url)}: ${(error as Error).message}. Check REDIS_URL.`);
		}
		return bus;
	}

	async publish(runId: number, event: TaskEvent): Promise<void> {
		await this.publisher.publish(runChannel(runId), JSON.stringify(event));
	}

	async subscribe(runId: number, handler: BusHandler): Promise<() => Promise<void>> {
		const channel = runChannel(runId);
		const subscriber = this.ensureSubscriber();
		let set = this.handlers.get(channel);
		if (!set) {
			set = new Set();
			this.handlers.set(channel, set);
			await subscriber.subscribe(channel);
		}
		set.add(handler);
		return async () => {
			set.delete(handler);
			if (set.size === 0 && this.handlers.get(channel) === set) {
				this.handlers.delete(channel);
				await subscriber.unsubscribe(channel).catch(() => undefined);
			}
		};
	}

	async close(): Promise<void> {
		this.handlers.clear();
		this.subscriber?.disconnect();
		this.publisher.disconnect();
	}

	private ensureSubscriber(): Redis {
		if (this.subscriber) return this.subscriber;
		const subscriber = connection(this.url);
		subscriber.on("message", (channel: string, text: string) => {
			const handlers = this.handlers.get(channel);
			if (!handlers) return;
			let event: TaskEvent;
			try {
				event = taskEventSchema.parse(JSON.parse(text));
			} catch {
				return; // someone else's message on our channel: not ours to interpret
			}
			for (const handler of handlers) {
				try {
					handler(event);
				} catch {
					// a watcher's bug must not stop the others
				}
			}
		});
		this.subscriber = subscriber;
		return subscriber;
	}
}

/** Liveness keys on the bus's own connection. */
class RedisCoordination implements Coordination {
	constructor(
		private readonly redis: Redis,
		private readonly deployment: string,
	) {}

	private workerKey(name: string): string {
		return `${this.deployment}:workers:${name}`;
	}

	async advertise(info: WorkerInfo, ttlSeconds: number): Promise<void> {
		await this.redis.set(this.workerKey(info.name), JSON.stringify(info), "EX", ttlSeconds);
	}

	async withdraw(name: string): Promise<void> {
		await this.redis.del(this.workerKey(name));
	}

	async workers(): Promise<WorkerInfo[]> {
		// SCAN, not KEYS: a shared Redis must not block for the length of its key space.
		const keys: string[] = [];
		let cursor = "0";
		do {
			const [next, batch] = await this.redis.scan(cursor, "MATCH", this.workerKey("*"), "COUNT", 200);
			cursor = next;
			keys.push(...batch);
		} while (cursor !== "0");
		if (keys.length === 0) return [];
		const found: WorkerInfo[] = [];
		for (const text of await this.redis.mget(...keys)) {
			if (text === null) continue; // expired between SCAN and MGET
			const parsed = workerInfoSchema.safeParse(JSON.parse(text));
			if (parsed.success) found.push(parsed.data);
		}
		return found.sort((a, b) => a.name.localeCompare(b.name));
	}

	async beat(runId: number, pid: number, ttlSeconds: number): Promise<void> {
		await this.redis.set(heartbeatKey(runId), String(pid), "EX", ttlSeconds);
	}

	async heartbeatOf(runId: number): Promise<number | undefined> {
		const value = await this.redis.get(heartbeatKey(runId));
		return value === null ? undefined : Number(value);
	}

	async clearBeat(runId: number): Promise<void> {
		await this.redis.del(heartbeatKey(runId));
	}

	async addRunner(runId: number, member: string, ttlSeconds: number): Promise<void> {
		await this.redis.multi().sadd(runnersKey(runId), member).expire(runnersKey(runId), ttlSeconds).exec();
	}

	async removeRunner(runId: number, member: string): Promise<void> {
		await this.redis.srem(runnersKey(runId), member);
	}

	async runners(runId: number): Promise<string[]> {
		return this.redis.smembers(runnersKey(runId));
	}
}

function connection(url: string): Redis {
	// Fail fast instead of queueing commands forever while Redis is away.
	return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

export function safeUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = "***";
		return parsed.toString();
	} catch {
		return "(invalid URL)";
	}
}
