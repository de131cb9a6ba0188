import { type Bus, openBus } from "../bus/index.js";
import { type Database, openDatabase } from "../db/client.js";
import { Store } from "../db/store.js";
import { Controller } from "../run/controller.js";
import { evalsHome } from "../run/defaults.js";
import { shutdownTracing } from "../telemetry/run-trace.js";

/** The store, bus and controller a command works with, from the environment. */
export interface CliContext {
	database: Database;
	store: Store;
	bus: Bus;
	controller: Controller;
	home: string;
	close(): Promise<void>;
}

export async function openContext(
	options: { log?: (message: string) => void; keepWorkspaces?: boolean } = {},
): Promise<CliContext> {
	const home = evalsHome();
	const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, evalsHome: home });
	let bus: Bus;
	try {
		bus = await openBus(process.env.REDIS_URL);
	} catch (error) {
		await database.close();
		throw error;
	}
	const store = new Store(database);
	const controller = new Controller({
		store,
		bus,
		evalsHome: home,
		log: options.log,
		keepWorkspaces: options.keepWorkspaces,
	});
	return {
		database,
		store,
		bus,
		controller,
		home,
		async close() {
			await shutdownTracing();
			await bus.close();
			await database.close();
		},
	};
}
