import type { Bus } from "./bus.js";
import { MemoryBus } from "./memory-bus.js";
import { RedisBus } from "./redis-bus.js";

export { type Bus, type BusHandler, runChannel } from "./bus.js";
export * from "./coordination.js";
export { DEFAULT_DEPLOYMENT } from "./deployment.js";
export { MemoryBus } from "./memory-bus.js";
export { RedisBus } from "./redis-bus.js";

/** Redis when a URL is given (REDIS_URL), else the in-process bus. */
export async function openBus(redisUrl: string | undefined, deployment?: string): Promise<Bus> {
	return redisUrl ? RedisBus.connect(redisUrl, deployment) : new MemoryBus();
}
