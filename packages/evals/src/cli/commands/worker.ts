import { hostname } from "node:os";
import type { Language } from "@agent-evals/types";
import type { Command } from "commander";
import { openBus } from "../../bus/index.js";
import { openDatabase } from "../../db/client.js";
import { Store } from "../../db/store.js";
import { evalsHome } from "../../run/defaults.js";
import { stopSpawner, useSpawner } from "../../spawner/client.js";
import { EvalsWorker, languagesOnPath } from "../../worker/worker.js";
import { deployment, distributedServices } from "../distributed.js";
import { UsageError } from "../errors.js";
import { integer, language } from "../options.js";

/** Most tasks a worker runs at once; each is an agent plus a test process. */
const MAX_SLOTS = 100;

export function registerWorker(program: Command): void {
	program
		.command("worker")
		.description(
			"Take tasks of distributed runs (evals run --distributed) from the queue and run them here, on any host",
		)
		.option("-c, --concurrency <n>", `tasks at a time, 1-${MAX_SLOTS}`, integer(1, MAX_SLOTS), 2)
		.option(
			"-l, --languages <list>",
			"only these languages (default: every language whose test tools are on PATH)",
			language,
		)
		.option("--name <name>", "this worker's name, unique in the deployment (default: <host>-<pid>)")
		.option("--keep-workspaces", "keep each task's workspace under $EVALS_HOME/work for inspection")
		.addHelpText(
			"after",
			"\nNeeds DATABASE_URL (PostgreSQL) and REDIS_URL, the same as the controller's, and the run's suite at the same path.\nEVALS_DEPLOYMENT names the queues (default: evals). SIGTERM or Ctrl-C: finish the running tasks, then exit; a second one exits at once (its tasks go to other workers).",
		)
		.action(async (flags: { concurrency: number; languages?: string[]; name?: string; keepWorkspaces?: boolean }) => {
			const services = distributedServices();
			const name = flags.name ?? `${hostname()}-${process.pid}`;
			if (!/^[\w.@-]{1,100}$/.test(name)) {
				throw new UsageError(
					`The worker name "${name}" may hold only letters, digits, ".", "_", "@" and "-" (at most 100).`,
				);
			}
			const found = await languagesOnPath();
			const asked = (flags.languages ?? found) as Language[];
			const missing = asked.filter((item) => !found.includes(item));
			if (missing.length > 0) {
				throw new UsageError(
					`This host cannot grade ${missing.join(", ")}: the test tools are not on PATH (found tools for ${found.join(", ") || "no language"}).`,
				);
			}
			if (asked.length === 0)
				throw new UsageError("No language's test tools are on PATH: this worker could grade nothing.");
			// Task commands start from a small helper process, not from this one (see spawner/client.ts).
			useSpawner();
			const database = await openDatabase({ databaseUrl: services.databaseUrl, evalsHome: evalsHome() });
			const bus = await openBus(services.redisUrl, deployment()).catch(async (error) => {
				await database.close();
				throw error;
			});
			const log = (message: string) => process.stderr.write(`${message}\n`);
			const worker = new EvalsWorker({
				store: new Store(database),
				bus,
				redisUrl: services.redisUrl,
				deployment: deployment(),
				name,
				slots: flags.concurrency,
				languages: [...new Set(asked)],
				evalsHome: evalsHome(),
				log,
				keepWorkspaces: Boolean(flags.keepWorkspaces),
				lockMs: process.env.EVALS_WORKER_LOCK_MS ? Number(process.env.EVALS_WORKER_LOCK_MS) : undefined,
			});
			await worker.start();
			log(`worker ${name}: ${flags.concurrency} slot(s) for ${asked.join(", ")} (deployment ${deployment()})`);
			let signals = 0;
			await new Promise<void>((resolve) => {
				const onSignal = () => {
					signals++;
					// A second signal leaves at once: the jobs' locks expire and other workers take them.
					if (signals > 1) process.exit(130);
					log(`worker ${name}: stopping after the running tasks (again to quit at once)`);
					void worker.stop().then(resolve, (error) => {
						log(`worker ${name}: stopping: ${(error as Error).message}`);
						resolve();
					});
				};
				process.on("SIGINT", onSignal);
				process.on("SIGTERM", onSignal);
			});
			await bus.close();
			await database.close();
			await stopSpawner();
			log(`worker ${name}: stopped`);
		});
}
