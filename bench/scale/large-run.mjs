/**
 * bench:scale's large run: a distributed run of N tasks (default 10,000) planned and enqueued by
 * its controller with no worker to take them, the controller's peak RSS while it holds them;
 * then the tasks marked finished in the store (executing ten thousand tasks takes hours on two
 * cores), and what a user of the dashboard waits for on a run that size: `GET
 * /api/runs/:id/tasks` (p50, p95) and the run page in Chromium (first contentful paint, and the
 * first task row on screen).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { chromium } from "playwright-core";
import {
	adderSuite,
	clearDeployment,
	mb,
	peakRss,
	percentile,
	ROOT,
	scratchDatabase,
	startCli,
	startServe,
} from "../lib/services.mjs";

const { taskQueueName } = await import(join(ROOT, "packages", "evals", "dist", "worker", "queue.js"));
const CHROMIUM = "/usr/bin/chromium";

async function until(what, probe, timeoutMs = 300_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export async function measureLargeRun(total) {
	const copies = Math.ceil(total / 100);
	const suite = await adderSuite(copies);
	const iterations = Math.ceil(total / copies);
	const tasks = copies * iterations;
	const deployment = `evals-bench-large-${process.pid}`;
	const databaseUrl = await scratchDatabase();
	const env = { DATABASE_URL: databaseUrl, EVALS_DEPLOYMENT: deployment };
	const db = new pg.Client({ connectionString: databaseUrl });
	const controller = startCli(["run", "--distributed", "--json", "-s", suite, "--all", "-n", String(iterations)], {
		...env,
		EVALS_HOME: await mkdtemp(join(tmpdir(), "bench-large-home-")),
	});
	const rss = peakRss(controller.child.pid);
	let serve;
	let browser;
	try {
		const began = performance.now();
		await db.connect();
		// Before its migrations have run there is no table to count.
		const count = async () =>
			Number((await db.query("select count(*) from tasks").catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
		await until(`${tasks} task rows`, async () => {
			if (controller.child.exitCode !== null) throw new Error(`the controller exited:\n${controller.err()}`);
			return (await count()) >= tasks;
		});
		const queue = new Queue(taskQueueName("python"), {
			connection: new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }),
			prefix: deployment,
		});
		await until(`${tasks} queued jobs`, async () => (await queue.getWaitingCount()) >= tasks);
		await queue.close();
		const plannedMs = performance.now() - began;
		// Following the run: the controller holds every task while nothing executes.
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		controller.child.kill("SIGKILL");
		const controllerPeak = rss();

		await db.query(
			`update tasks set status = 'passed', passed = true, attempt = 1, started_at = now() - interval '1 minute', finished_at = now()`,
		);
		await db.query(`update runs set status = 'completed', finished_at = now()`);
		const runId = Number((await db.query("select id from runs")).rows[0].id);

		serve = await startServe(env);
		const times = [];
		for (let i = 0; i < 20; i++) {
			const start = performance.now();
			const response = await fetch(`${serve.url}/api/runs/${runId}/tasks`);
			const body = await response.json();
			times.push(performance.now() - start);
			if (i === 0 && JSON.stringify(body).length < tasks * 20) throw new Error("the tasks API did not list every task");
		}

		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ["--headless", "--no-sandbox", "--disable-gpu"],
		});
		const paints = [];
		const rows = [];
		for (let i = 0; i < 5; i++) {
			const page = await browser.newPage();
			const start = performance.now();
			await page.goto(`${serve.url}/runs/${runId}`);
			await page.waitForSelector('[data-testid="task-row"]', { timeout: 120_000 });
			rows.push(performance.now() - start);
			paints.push(
				await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN),
			);
			await page.close();
		}
		const median = (values) => percentile(values, 0.5);
		return {
			tasks,
			planAndEnqueueSeconds: Number((plannedMs / 1000).toFixed(1)),
			controllerPeakRssMb: mb(controllerPeak),
			tasksApiP50Ms: Number(median(times).toFixed(1)),
			tasksApiP95Ms: Number(percentile(times, 0.95).toFixed(1)),
			runPageFirstContentfulPaintMs: Math.round(median(paints)),
			runPageFirstTaskRowMs: Math.round(median(rows)),
		};
	} finally {
		controller.child.kill("SIGKILL");
		await browser?.close();
		serve?.stop();
		await db.end().catch(() => {});
		await clearDeployment(deployment);
	}
}
