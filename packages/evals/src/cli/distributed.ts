import { DEFAULT_DEPLOYMENT } from "../bus/deployment.js";
import { UsageError } from "./errors.js";

/* Distributed mode as the environment and flags ask for it; light, so commands check it before loading the runner. */

/** Whether distributed mode is asked for: the flag, or EVALS_DISTRIBUTED=1. */
export function wantsDistributed(flag: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
	return Boolean(flag) || env.EVALS_DISTRIBUTED === "1" || env.EVALS_DISTRIBUTED === "true";
}

/** The key prefix a deployment's controller, workers and dashboard share in Redis. */
export function deployment(env: NodeJS.ProcessEnv = process.env): string {
	return env.EVALS_DEPLOYMENT || DEFAULT_DEPLOYMENT;
}

/**
 * Distributed mode needs what every host can reach: PostgreSQL for the truth and Redis for the
 * queue. Returns both URLs or says in one line what is missing.
 */
export function distributedServices(env: NodeJS.ProcessEnv = process.env): { databaseUrl: string; redisUrl: string } {
	const missing = [!env.DATABASE_URL && "DATABASE_URL (PostgreSQL)", !env.REDIS_URL && "REDIS_URL"].filter(Boolean);
	if (missing.length > 0 || !env.DATABASE_URL || !env.REDIS_URL) {
		throw new UsageError(
			`Distributed mode needs ${missing.join(" and ")}: workers on other hosts share the store and the queue.`,
		);
	}
	return { databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL };
}
