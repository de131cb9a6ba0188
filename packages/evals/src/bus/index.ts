import type { Bus } from "./bus.js";
import { MemoryBus } from "./memory-bus.js";

export { type Bus, type BusHandler, runChannel } from "./bus.js";
export * from "./coordination.js";
export { DEFAULT_DEPLOYMENT } from "./deployment.js";
export { MemoryBus } from "./memory-bus.js";

/**
 * Redis when a URL is given (REDIS_URL), else the in-process bus. The Redis client is loaded only
 * then: a command on the embedded defaults starts without it.
 */
export async function openBus(redisUrl: string | undefined, deployment?: string): Promise<Bus> {
	if (!redisUrl) return new MemoryBus();
	const { RedisBus } = await import("./redis-bus.js");
	return RedisBus.connect(redisUrl, deployment);
}
