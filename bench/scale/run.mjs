/**
 * Distributed mode against one in-process controller, the same tasks both ways:
 *   (a) baseline: `evals run --json -c P` on PostgreSQL and Redis, the controller running every task;
 *   (b) `evals run --distributed --json` with W `evals worker` processes of S slots (W × S = P),
 *       the controller only enqueueing and following.
 * Tasks are the test fixture's python/adder with the offline oracle (about a second each), N
 * iterations. Prints tasks/s both ways and their ratio, the controllers' peak RSS, and the p95 of
 * `GET /api/runs/:id/tasks` (all N tasks) served by `evals serve` on the finished run.
 * A figure is only meaningful against the baseline of the same invocation: the machine is shared.
 *
 *   (c) a large run (--large, default 10,000 tasks; 0 skips it): see large-run.mjs — the
 *       controller's RSS holding it, the tasks API and the run page's first paint in Chromium.
 *
 *   DATABASE_URL=… REDIS_URL=… npm run bench:scale -- [--tasks N] [--workers W] [--slots S] [--large N] [--json]
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
	clearDeployment,
	dropScratchDatabases,
	peakRss,
	percentile,
	RUNNER_SUITE,
	requireServices,
	scratchDatabase,
	startCli,
	startServe,
	startWorkers,
} from "../lib/services.mjs";
import { measureLargeRun } from "./large-run.mjs";

const { values: args } = parseArgs({
	options: {
		tasks: { type: "string", default: "40" },
		workers: { type: "string", default: "3" },
		slots: { type: "string", default: "1" },
		large: { type: "string", default: "10000" },
		json: { type: "boolean", default: false },
	},
});
const tasks = Number(args.tasks);
const workers = Number(args.workers);
const slots = Number(args.slots);
const large = Number(args.large);
if (!(Number.isInteger(large) && large >= 0 && large <= 100_000)) {
	console.error("--large must be a whole number from 0 (skip) to 100000.");
	process.exit(2);
}
if (!(tasks >= 1 && tasks <= 100)) throw new Error("--tasks must be 1-100 (iterations of one exercise).");
requireServices("bench:scale");

async function timedRun(argv, env) {
	const home = await mkdtemp(join(tmpdir(), "evals-bench-scale-"));
	const began = performance.now();
	const run = startCli(argv, { ...env, EVALS_HOME: home });
	const rss = peakRss(run.child.pid);
	const code = await new Promise((resolve) => run.child.once("exit", resolve));
	const ms = performance.now() - began;
	const peak = rss();
	if (code !== 0) throw new Error(`evals ${argv.join(" ")} exited ${code}:\n${run.err()}`);
	const report = JSON.parse(run.out());
	if (report.passed !== tasks) throw new Error(`expected ${tasks} passed, got ${report.passed}`);
	return { ms, rss: peak, runId: report.runId };
}

async function tasksP95(env, runId) {
	const serve = await startServe(env);
	try {
		const times = [];
		for (let i = 0; i < 50; i++) {
			const began = performance.now();
			const response = await fetch(`${serve.url}/api/runs/${runId}/tasks`);
			await response.json();
			times.push(performance.now() - began);
		}
		return percentile(times, 0.95);
	} finally {
		serve.stop();
	}
}

const common = ["run", "--json", "-s", RUNNER_SUITE, "-m", "oracle", "-n", String(tasks)];
const parallel = Math.min(25, workers * slots);
try {
	// (a) one in-process controller at the same parallelism.
	const baseEnv = { DATABASE_URL: await scratchDatabase() };
	const baseline = await timedRun([...common, "-c", String(parallel)], baseEnv);

	// (b) W workers on one deployment of their own.
	const deployment = `evals-bench-${process.pid}`;
	const env = { DATABASE_URL: await scratchDatabase(), EVALS_DEPLOYMENT: deployment };
	const workerPool = await startWorkers(workers, slots, env);
	let distributed;
	try {
		distributed = await timedRun([...common, "--distributed"], env);
	} finally {
		workerPool.stop();
	}
	const p95 = await tasksP95(env, distributed.runId);

	// (c) The large run: planning, the controller's memory and the dashboard at N tasks.
	const largeRun = large > 0 ? await measureLargeRun(large) : undefined;

	const rate = (result) => tasks / (result.ms / 1000);
	const figures = {
		tasks,
		workers,
		slotsPerWorker: slots,
		inProcessTasksPerSecond: Number(rate(baseline).toFixed(2)),
		distributedTasksPerSecond: Number(rate(distributed).toFixed(2)),
		distributedOverInProcess: Number((rate(distributed) / rate(baseline)).toFixed(2)),
		inProcessControllerRssMb: Math.round(baseline.rss / 2 ** 20),
		distributedControllerRssMb: Math.round(distributed.rss / 2 ** 20),
		controllerRssRatio: Number((distributed.rss / baseline.rss).toFixed(2)),
		tasksApiP95Ms: Number(p95.toFixed(1)),
		...(largeRun ? { largeRun } : {}),
	};
	if (args.json) console.log(JSON.stringify(figures, null, 2));
	else {
		console.log(`${tasks} oracle tasks, parallelism ${parallel} (${workers} workers × ${slots} slots)`);
		console.log(
			`tasks/s: in-process ${figures.inProcessTasksPerSecond}, distributed ${figures.distributedTasksPerSecond} (${figures.distributedOverInProcess}×)`,
		);
		console.log(
			`controller peak RSS: in-process ${figures.inProcessControllerRssMb} MB, distributed ${figures.distributedControllerRssMb} MB (${figures.controllerRssRatio}×; goal < 400 MB)`,
		);
		console.log(`GET /api/runs/:id/tasks (${tasks} tasks) p95: ${figures.tasksApiP95Ms} ms (goal < 100 ms)`);
		if (largeRun) {
			console.log(
				`large run, ${largeRun.tasks} tasks: planned and enqueued in ${largeRun.planAndEnqueueSeconds} s; controller peak RSS ${largeRun.controllerPeakRssMb} MB (goal < 400 MB)`,
			);
			console.log(
				`  GET /api/runs/:id/tasks p50 ${largeRun.tasksApiP50Ms} ms, p95 ${largeRun.tasksApiP95Ms} ms (goal < 100 ms); run page first contentful paint ${largeRun.runPageFirstContentfulPaintMs} ms, first task row ${largeRun.runPageFirstTaskRowMs} ms (goal < 1 s)`,
			);
		}
	}
} finally {
	await clearDeployment(`evals-bench-${process.pid}`);
	await dropScratchDatabases();
}
