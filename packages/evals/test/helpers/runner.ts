import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunConfig, type RunConfigInput, runConfigSchema } from "@agent-evals/types";
import { type Bus, MemoryBus } from "../../src/bus/index.js";
import { openDatabase } from "../../src/db/client.js";
import { Store } from "../../src/db/store.js";
import { Controller, type ControllerOptions } from "../../src/run/controller.js";
import { createRun } from "../../src/run/plan.js";

const here = dirname(fileURLToPath(import.meta.url));
export const RUNNER_SUITE = join(here, "..", "fixtures", "runner-suite");
export const EVALS_CLI = join(here, "..", "..", "dist", "cli", "main.js");

export function tempDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), `evals-${prefix}-`));
}

/** A controller on an in-memory database and bus, with its own work folder. */
export async function harness(options: Partial<ControllerOptions> & { bus?: Bus; databaseUrl?: string } = {}) {
	const database = await openDatabase({ databaseUrl: options.databaseUrl ?? "memory://" });
	const store = new Store(database);
	const bus = options.bus ?? new MemoryBus();
	const controller = new Controller({ store, bus, evalsHome: tempDir("home"), retryBackoffMs: 10, ...options });
	return {
		store,
		bus,
		controller,
		config: (input: RunConfigInput) => runConfigSchema.parse({ suite: RUNNER_SUITE, ...input }),
		/** Plans a run from a config made by `config`. */
		createRun: (config: RunConfig) => createRun(store, config),
		async close() {
			await bus.close();
			await database.close();
		},
	};
}
