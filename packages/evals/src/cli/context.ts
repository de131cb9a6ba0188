import { type Bus, openBus } from "../bus/index.js";
import { type Database, openDatabase } from "../db/client.js";
import { Store } from "../db/store.js";
import { Controller } from "../run/controller.js";
import { evalsHome } from "../run/defaults.js";
import { stopSpawner, useSpawner } from "../spawner/client.js";
import { shutdownTracing } from "../telemetry/run-trace.js";
import type { TaskDispatch } from "../worker/queue.js";
import { deployment, distributedServices } from "./distributed.js";

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

export async function openContext(
	options: {
		log?: (message: string) => void;
		keepWorkspaces?: boolean;
		distributed?: boolean;
		/** The command executes tasks: it starts their commands through a spawner helper. */
		runsTasks?: boolean;
	} = {},
): Promise<CliContext> {
	const home = evalsHome();
	const services = options.distributed ? distributedServices() : undefined;
	// Forked before the embedded database makes this process large (see spawner/client.ts).
	if (options.runsTasks) useSpawner();
	const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, evalsHome: home });
	let bus: Bus;
	try {
		bus = await openBus(process.env.REDIS_URL, deployment());
	} catch (error) {
		await database.close();
		throw error;
	}
	const store = new Store(database);
	// The queue's client (BullMQ) is loaded only in distributed mode.
	const dispatch = services
		? new (await import("../worker/queue.js")).TaskDispatch(services.redisUrl, deployment())
		: undefined;
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
			await stopSpawner();
		},
	};
}
