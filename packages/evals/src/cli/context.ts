import { type Bus, DEFAULT_DEPLOYMENT, openBus } from "../bus/index.js";
import { type Database, openDatabase } from "../db/client.js";
import { Store } from "../db/store.js";
import { Controller } from "../run/controller.js";
import { evalsHome } from "../run/defaults.js";
import { shutdownTracing } from "../telemetry/run-trace.js";
import { TaskDispatch } from "../worker/queue.js";
import { UsageError } from "./errors.js";

/** The store, bus and controller a command works with, from the environment. */
export interface CliContext {
	database: Database;
	store: Store;
	bus: Bus;
	controller: Controller;
	home: string;
	/** Set in distributed mode: the queues `evals worker` processes take tasks from. */
	dispatch?: TaskDispatch;
	close(): Promise<void>;
}

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

export async function openContext(
	options: { log?: (message: string) => void; keepWorkspaces?: boolean; distributed?: boolean } = {},
): Promise<CliContext> {
	const home = evalsHome();
	const services = options.distributed ? distributedServices() : undefined;
	const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, evalsHome: home });
	let bus: Bus;
	try {
		bus = await openBus(process.env.REDIS_URL, deployment());
	} catch (error) {
		await database.close();
		throw error;
	}
	const store = new Store(database);
	const dispatch = services ? new TaskDispatch(services.redisUrl, deployment()) : undefined;
	const controller = new Controller({
		store,
		bus,
		evalsHome: home,
		log: options.log,
		keepWorkspaces: options.keepWorkspaces,
		dispatch,
	});
	return {
		database,
		store,
		bus,
		controller,
		home,
		dispatch,
		async close() {
			await shutdownTracing();
			await dispatch?.close();
			await bus.close();
			await database.close();
		},
	};
}
