import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { runReportSchema, workerListResponseSchema } from "@agent-evals/types";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { chromium } from "playwright-core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RedisBus } from "../src/bus/redis-bus.js";
import { openDatabase } from "../src/db/client.js";
import type { Task } from "../src/db/schema.js";
import { Store } from "../src/db/store.js";
import { Controller } from "../src/run/controller.js";
import { createServer } from "../src/server/index.js";
import { taskQueueName } from "../src/worker/queue.js";
import { cliEnv, REPO_ROOT, runCli, said } from "./helpers/cli.js";
import { databaseUrl, redisUrl, scratchDatabases } from "./helpers/postgres.js";
import { EVALS_CLI, harness, RUNNER_SUITE, tempDir } from "./helpers/runner.js";

/*
 * Distributed mode with real processes: `evals worker` children on this machine stand in for
 * hosts, PostgreSQL and Redis are the services CI starts. Every test has its own database and its
 * own deployment (the Redis key prefix), so test files may run side by side.
 */

const scratch = scratchDatabases();
const children: ChildProcess[] = [];
const deployments: string[] = [];

afterEach(async () => {
	for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) killGroup(child);
});
afterAll(async () => {
	await scratch.drop();
	if (!redisUrl || deployments.length === 0) return;
	const redis = new Redis(redisUrl);
	for (const prefix of deployments) {
		const keys = await redis.keys(`${prefix}:*`);
		if (keys.length > 0) await redis.del(...keys);
	}
	redis.disconnect();
});

/** A run with the scripted model: it waits `delayMs`, then writes the right answer. */
async function slowSettings(home: string, delayMs: number): Promise<string> {
	const file = join(home, "slow.json");
	await writeFile(
		file,
		JSON.stringify({
			script: [
				{
					delayMs,
					toolCalls: [
						{ name: "write_to_file", input: { path: "adder.py", content: "def add(a, b):\n    return a + b\n" } },
					],
				},
			],
		}),
	);
	return file;
}

/** One deployment: a fresh database, a Redis prefix, and the environment every process shares. */
async function deploymentEnv() {
	const url = await scratch.create();
	const deployment = `evals-t-${process.pid}-${randomBytes(4).toString("hex")}`;
	deployments.push(deployment);
	const base = {
		DATABASE_URL: url,
		REDIS_URL: redisUrl,
		EVALS_DEPLOYMENT: deployment,
		// A dead worker's job goes to another within seconds, not BullMQ's default 30 s.
		EVALS_WORKER_LOCK_MS: "3000",
	};
	const open = async () => {
		const database = await openDatabase({ databaseUrl: url });
		return { store: new Store(database), close: () => database.close() };
	};
	return { url, deployment, base, open };
}

/** Starts `evals worker` in its own process group (so a kill takes its agents too); resolves once it listens. */
async function startWorker(name: string, env: Record<string, string | undefined>): Promise<ChildProcess> {
	const child = spawn(process.execPath, [EVALS_CLI, "worker", "--name", name, "-c", "1", "--languages", "python"], {
		cwd: REPO_ROOT,
		env: cliEnv(tempDir(`worker-${name}`), env),
		stdio: ["ignore", "ignore", "pipe"],
		detached: true,
	});
	children.push(child);
	let stderr = "";
	await new Promise<void>((resolve, reject) => {
		child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
			stderr += chunk;
			if (stderr.includes("slot(s) for")) resolve();
		});
		child.once("exit", (code) => reject(new Error(`worker ${name} exited (${code}) before it listened:\n${stderr}`)));
	});
	return child;
}

/** SIGKILL to the process and everything it started: a host that vanishes. */
function killGroup(child: ChildProcess): void {
	try {
		if (child.pid) process.kill(-child.pid, "SIGKILL");
	} catch {
		// not a group leader (redis-server), or already gone
		child.kill("SIGKILL");
	}
}

function startCli(args: string[], env: Record<string, string | undefined>, home: string): ChildProcess {
	const child = spawn(process.execPath, [EVALS_CLI, ...args], {
		cwd: REPO_ROOT,
		env: cliEnv(home, env),
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	children.push(child);
	return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** The promise every fault test checks: each task has exactly one verdict, stored once. */
async function expectOneVerdictEach(store: Store, runId: number): Promise<Task[]> {
	const tasks = await store.tasks.list(runId);
	expect(tasks.length).toBeGreaterThan(0);
	for (const task of tasks) expect(task.status, `task ${task.id}`).toBe("passed");
	const verdicts = (await store.events.list(runId)).filter(
		(row) => row.eventName === "evalPass" || row.eventName === "evalFail",
	);
	expect(verdicts.map((row) => row.taskId).sort()).toEqual(tasks.map((task) => task.id).sort());
	return tasks;
}

const CHROMIUM = "/usr/bin/chromium";

/** `evals serve` on a free port with the deployment's services; resolves with its URL. */
async function startServe(env: Record<string, string | undefined>): Promise<string> {
	const child = startCli(["serve", "--port", "0"], env, tempDir("serve"));
	let output = "";
	return new Promise<string>((resolve, reject) => {
		child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
			output += chunk;
			const match = /dashboard and API at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match?.[1]) resolve(match[1]);
		});
		child.once("exit", (code) => reject(new Error(`evals serve exited (${code}):\n${output}`)));
	});
}

interface SseIds {
	/** The ids of the stored events received, in arrival order. */
	ids: number[];
	close(): void;
}

/** An SSE client of a run's stream that keeps the ids it receives (from `Last-Event-ID` on). */
function sseIds(url: string, lastEventId?: number): SseIds {
	const controller = new AbortController();
	const ids: number[] = [];
	void (async () => {
		const headers: Record<string, string> = { accept: "text/event-stream" };
		if (lastEventId !== undefined) headers["last-event-id"] = String(lastEventId);
		const response = await fetch(url, { headers, signal: controller.signal });
		const decoder = new TextDecoder();
		let pending = "";
		for await (const chunk of response.body ?? []) {
			pending += decoder.decode(chunk as Uint8Array, { stream: true });
			const lines = pending.split("\n");
			pending = lines.pop() ?? "";
			for (const line of lines) if (line.startsWith("id: ")) ids.push(Number(line.slice(4)));
		}
	})().catch(() => {
		// Closed by the test.
	});
	return { ids, close: () => controller.abort() };
}

/** The SPA `evals serve` hands out; Vite alone, as the dashboard's own end-to-end test builds it. */
function buildSpa(): void {
	const webRoot = join(REPO_ROOT, "packages", "web");
	const vite = createRequire(join(webRoot, "package.json")).resolve("vite/package.json");
	execFileSync(process.execPath, [join(vite, "..", "bin", "vite.js"), "build", "--logLevel", "warn"], {
		cwd: webRoot,
		env: { ...process.env, NODE_ENV: "production" },
		stdio: "inherit",
	});
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
	const server = createNetServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (!address || typeof address === "string") throw new Error("no port");
	return address.port;
}

/** A Redis of this test's own (the shared one serves other tests): no persistence, so a crash loses everything. */
async function startRedis(port: number): Promise<ChildProcess> {
	const child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
		stdio: ["ignore", "pipe", "ignore"],
	});
	children.push(child);
	let output = "";
	await new Promise<void>((resolve, reject) => {
		child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
			output += chunk;
			if (output.includes("Ready to accept connections")) resolve();
		});
		child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
	});
	return child;
}

/** Whether an agent started by the worker with this pid is still alive (its parent pid is gone, so by environment). */
function agentsOf(workerPid: number | undefined): boolean {
	const marker = `EVALS_AGENT_PARENT_PID=${workerPid}`;
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(marker)) return true;
		} catch {
			// gone, or not ours to read
		}
	}
	return false;
}

describe("claiming a task", () => {
	it("is a compare-and-set: of two workers handed the same task, one gets it", async () => {
		const h = await harness();
		try {
			const { tasks } = await h.createRun(h.config({ model: "oracle", iterations: 1 }));
			const [task] = tasks;
			if (!task) throw new Error("no task planned");
			const [a, b] = await Promise.all([h.store.tasks.claim(task, "w1"), h.store.tasks.claim(task, "w2")]);
			expect([a?.worker, b?.worker].filter(Boolean)).toHaveLength(1);
			const holder = (a ?? b)?.worker ?? "";
			const other = holder === "w1" ? "w2" : "w1";
			// The loser cannot write, and neither can the holder once its attempt is superseded.
			expect(
				await h.store.tasks.updateOwned(task.id, { worker: other, attempt: 0 }, { status: "failed" }),
			).toBeUndefined();
			const stale = await h.store.tasks.claim({ ...task, status: "running", worker: holder }, other);
			expect(stale?.worker).toBe(other);
			expect(
				await h.store.tasks.updateOwned(task.id, { worker: holder, attempt: 0 }, { status: "failed" }),
			).toBeUndefined();
			expect((await h.store.tasks.get(task.id))?.status).toBe("running");
		} finally {
			await h.close();
		}
	});
});

describe("distributed mode without its services", () => {
	it("says in one line what is missing", async () => {
		const home = tempDir("no-services");
		for (const args of [["run", "--distributed", "-s", RUNNER_SUITE], ["worker"]]) {
			const result = await runCli(args, { home });
			expect(result.code, said(result)).toBe(2);
			expect(result.stderr).toBe(
				"evals: Distributed mode needs DATABASE_URL (PostgreSQL) and REDIS_URL: workers on other hosts share the store and the queue.\n",
			);
		}
		const env = await runCli(["run", "-s", RUNNER_SUITE], {
			home,
			env: { EVALS_DISTRIBUTED: "1", DATABASE_URL: "postgres://127.0.0.1:1/x" },
		});
		expect(env.stderr).toBe(
			"evals: Distributed mode needs REDIS_URL: workers on other hosts share the store and the queue.\n",
		);
	});
});

describe.skipIf(!databaseUrl || !redisUrl)(
	databaseUrl && redisUrl
		? "with PostgreSQL, Redis and worker processes"
		: "with PostgreSQL, Redis and worker processes — skipped: DATABASE_URL or REDIS_URL not set",
	() => {
		it("three workers run one distributed run to completion; GET /api/workers and the dashboard list them", async () => {
			const d = await deploymentEnv();
			const names = ["alpha", "beta", "gamma"];
			await Promise.all(names.map((name) => startWorker(name, d.base)));
			const bus = await RedisBus.connect(redisUrl ?? "", d.deployment);
			const db = await d.open();
			try {
				const server = createServer({
					store: db.store,
					bus,
					controller: new Controller({ store: db.store, bus, evalsHome: tempDir("home") }),
					storeKind: "postgres",
					defaultSuite: RUNNER_SUITE,
					webDist: tempDir("web"),
				});
				const listed = workerListResponseSchema.parse(await (await server.app.request("/api/workers")).json());
				expect(listed.workers.map((worker) => [worker.name, worker.languages, worker.slots])).toEqual(
					names.map((name) => [name, ["python"], 1]),
				);
				const home = tempDir("controller");
				const result = await runCli(["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "oracle", "-n", "6"], {
					home,
					env: d.base,
					timeoutMs: 120_000,
				});
				expect(result.code, said(result)).toBe(0);
				const report = runReportSchema.parse(JSON.parse(result.stdout));
				expect(report).toMatchObject({ passed: 6, failed: 0, total: 6 });
				const tasks = await expectOneVerdictEach(db.store, report.runId);
				for (const task of tasks) expect(names).toContain(task.worker);
				// Six tasks of seconds each on three one-slot workers: more than one of them worked.
				expect(new Set(tasks.map((task) => task.worker)).size).toBeGreaterThan(1);
				if (existsSync(CHROMIUM)) {
					// The dashboard's Workers page shows them, from the same adverts.
					buildSpa();
					const url = await startServe(d.base);
					const browser = await chromium.launch({ executablePath: CHROMIUM });
					try {
						const page = await browser.newPage();
						await page.goto(`${url}/workers`);
						await page.locator('[data-testid="worker-row"]').nth(2).waitFor();
						const rows = await page
							.locator('[data-testid="worker-row"]')
							.evaluateAll((els) =>
								els.map((el) => [
									el.getAttribute("data-worker"),
									el.querySelector('[data-testid="worker-load"]')?.textContent,
								]),
							);
						expect(rows).toEqual(names.map((name) => [name, "0/1"]));
					} finally {
						await browser.close();
					}
				}
			} finally {
				await bus.close();
				await db.close();
			}
		}, 180_000);

		it("R4: a worker killed mid-task while two others run: its task finishes elsewhere as a new attempt", async () => {
			const d = await deploymentEnv();
			const home = tempDir("controller");
			const settings = await slowSettings(home, 4_000);
			const [victim] = await Promise.all(["doomed", "steady1", "steady2"].map((name) => startWorker(name, d.base)));
			const run = startCli(
				["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "scripted", "--settings", settings, "-n", "3"],
				d.base,
				home,
			);
			let stdout = "";
			run.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
				stdout += chunk;
			});
			const exited = new Promise<number | null>((resolve) => run.once("exit", resolve));
			const db = await d.open();
			try {
				const taken = await until("a task on the doomed worker", async () => {
					const rows = await db.store.tasks.list(1);
					return rows.find((task) => task.worker === "doomed" && task.status === "running");
				});
				if (!victim) throw new Error("no worker");
				await until("the doomed worker's agent", async () => (agentsOf(victim.pid) ? true : undefined), 20_000);
				killGroup(victim);
				expect(await exited).toBe(0);
				const report = runReportSchema.parse(JSON.parse(stdout));
				expect(report).toMatchObject({ passed: 3, total: 3 });
				await expectOneVerdictEach(db.store, 1);
				const moved = await db.store.tasks.get(taken.id);
				expect(moved?.worker).toMatch(/^steady[12]$/);
				expect(moved?.attempt).toBe(2);
				expect(moved?.tries[0]).toMatchObject({ failureKind: "infra", passed: false });
				expect(moved?.tries[0]?.summary).toContain("worker doomed");
				// The dead worker's agent (its own process group) notices its runner is gone and exits.
				await until("the doomed worker's agent to exit", async () => (agentsOf(victim.pid) ? undefined : true), 20_000);
			} finally {
				await db.close();
			}
		}, 180_000);

		it("a task's cancel reaches its worker, and a run's cancel the tasks running on every worker", async () => {
			const d = await deploymentEnv();
			const home = tempDir("controller");
			const settings = await slowSettings(home, 60_000);
			await Promise.all(["left", "right"].map((name) => startWorker(name, d.base)));
			const run = startCli(
				["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "scripted", "--settings", settings, "-n", "3"],
				d.base,
				home,
			);
			const exited = new Promise<number | null>((resolve) => run.once("exit", resolve));
			const db = await d.open();
			try {
				const [one, two] = await until("a task running on each worker", async () => {
					const running = (await db.store.tasks.list(1)).filter((task) => task.status === "running");
					return new Set(running.map((task) => task.worker)).size === 2 ? running : undefined;
				});
				if (!one || !two) throw new Error("no running tasks");
				// One task, as the dashboard's cancel button does it: its worker stops it, the rest go on.
				const bus = await RedisBus.connect(redisUrl ?? "", d.deployment);
				try {
					// The workers' records (their heartbeats) lag the store: wait until they hold both
					// tasks, or "let go of" below would hold before the worker ever listed the task.
					await until("the workers to list both tasks", async () => {
						const held = (await bus.coordination.workers()).flatMap((worker) =>
							worker.running.map((task) => task.taskId),
						);
						return held.includes(one.id) && held.includes(two.id) ? true : undefined;
					});
					const controller = new Controller({ store: db.store, bus, evalsHome: tempDir("home") });
					expect((await controller.cancelTask(one.id)).status).toBe("cancelled");
					const workers = await until("the worker to let go of the task", async () => {
						const listed = await bus.coordination.workers();
						const held = listed.flatMap((worker) => worker.running.map((task) => task.taskId));
						return held.includes(one.id) ? undefined : listed;
					});
					// The other task runs on (its worker may have taken the third task meanwhile).
					expect(workers.flatMap((worker) => worker.running.map((task) => task.taskId))).toContain(two.id);
				} finally {
					await bus.close();
				}
				expect((await db.store.tasks.get(one.id))?.status).toBe("cancelled");
				const started = Date.now();
				const cancel = await runCli(["cancel", "1"], { home, env: d.base });
				expect(cancel.code, said(cancel)).toBe(0);
				expect(await exited).toBe(1);
				// Far sooner than the 60 s the model would have taken.
				expect(Date.now() - started).toBeLessThan(30_000);
				expect((await db.store.runs.get(1))?.status).toBe("cancelled");
				const tasks = await db.store.tasks.list(1);
				expect(tasks.map((task) => task.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
			} finally {
				await db.close();
			}
		}, 180_000);

		it("SIGTERM on a worker finishes its running task, then it exits", async () => {
			const d = await deploymentEnv();
			const home = tempDir("controller");
			const settings = await slowSettings(home, 3_000);
			const worker = await startWorker("draining", d.base);
			const workerExit = new Promise<number | null>((resolve) => worker.once("exit", resolve));
			const run = startCli(
				["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "scripted", "--settings", settings, "-n", "2"],
				d.base,
				home,
			);
			const exited = new Promise<number | null>((resolve) => run.once("exit", resolve));
			const db = await d.open();
			try {
				const first = await until("a running task", async () =>
					(await db.store.tasks.list(1)).find((task) => task.status === "running"),
				);
				worker.kill("SIGTERM");
				expect(await workerExit).toBe(0);
				expect((await db.store.tasks.get(first.id))?.status).toBe("passed");
				// The other task waits in the queue for the next worker, which finishes the run.
				await startWorker("successor", d.base);
				expect(await exited).toBe(0);
				const tasks = await expectOneVerdictEach(db.store, 1);
				expect(tasks.map((task) => task.worker).sort()).toEqual(["draining", "successor"]);
			} finally {
				await db.close();
			}
		}, 180_000);

		it("R5: Redis down for 30 s mid-run, then back empty: the run completes and the stored history is whole", async () => {
			const d = await deploymentEnv();
			const port = await freePort();
			let redis = await startRedis(port);
			const env = { ...d.base, REDIS_URL: `redis://127.0.0.1:${port}` };
			const home = tempDir("controller");
			const settings = await slowSettings(home, 3_000);
			await Promise.all(["r1", "r2"].map((name) => startWorker(name, env)));
			const run = startCli(
				["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "scripted", "--settings", settings, "-n", "6"],
				env,
				home,
			);
			const exited = new Promise<number | null>((resolve) => run.once("exit", resolve));
			const db = await d.open();
			const streams: SseIds[] = [];
			try {
				await until("a running task", async () =>
					(await db.store.tasks.list(1)).find((task) => task.status === "running"),
				);
				// A dashboard watching throughout, on the same services.
				const url = await startServe(env);
				const live = sseIds(`${url}/api/runs/1/stream`);
				streams.push(live);
				await until("the stream's first event", async () => (live.ids.length > 0 ? true : undefined));
				redis.kill("SIGKILL");
				const seenBeforeOutage = live.ids.at(-1) ?? 0;
				await new Promise((resolve) => setTimeout(resolve, 30_000));
				redis = await startRedis(port);
				expect(await exited).toBe(0);
				const tasks = await expectOneVerdictEach(db.store, 1);
				// Events are stored before they are published: each task's history holds its agent's messages.
				const events = await db.store.events.list(1);
				for (const task of tasks) {
					expect(events.filter((row) => row.taskId === task.id && row.eventName === "message").length).toBeGreaterThan(
						0,
					);
				}
				// SSE clients catch up from the store: the one connected throughout has every stored
				// event once, in order; one reconnecting with the last id it saw before the outage
				// gets exactly the rest.
				const stored = events.map((row) => row.id);
				await until("the live stream to catch up", async () => (live.ids.length >= stored.length ? true : undefined));
				expect(live.ids).toEqual(stored);
				const reconnected = sseIds(`${url}/api/runs/1/stream`, seenBeforeOutage);
				streams.push(reconnected);
				const rest = stored.filter((id) => id > seenBeforeOutage);
				expect(rest.length).toBeGreaterThan(0);
				await until("the reconnected stream", async () => (reconnected.ids.length >= rest.length ? true : undefined));
				expect(reconnected.ids).toEqual(rest);
			} finally {
				for (const stream of streams) stream.close();
				await db.close();
			}
		}, 240_000);

		it("R3: the controller and every worker killed mid-run, the queue lost: `evals resume` finishes the run, each task once", async () => {
			const d = await deploymentEnv();
			const home = tempDir("controller");
			const settings = await slowSettings(home, 2_000);
			const first = await Promise.all(["one", "two"].map((name) => startWorker(name, d.base)));
			const run = startCli(
				["run", "--distributed", "--json", "-s", RUNNER_SUITE, "-m", "scripted", "--settings", settings, "-n", "5"],
				d.base,
				home,
			);
			const db = await d.open();
			try {
				await until("a first verdict", async () =>
					(await db.store.tasks.list(1)).find((task) => task.status === "passed"),
				);
				killGroup(run);
				for (const worker of first) killGroup(worker);
				// Redis without persistence restarted: every job is gone, the store still knows the tasks.
				const connection = new Redis(redisUrl ?? "", { maxRetriesPerRequest: null });
				const queue = new Queue(taskQueueName("python"), { connection, prefix: d.deployment });
				await queue.obliterate({ force: true });
				await queue.close();
				connection.disconnect();
				const left = (await db.store.tasks.unfinished(1)).length;
				expect(left).toBeGreaterThan(0);
				await startWorker("three", d.base);
				const resumed = await runCli(["resume", "1", "--distributed", "--json"], {
					home,
					env: d.base,
					timeoutMs: 120_000,
				});
				expect(resumed.code, said(resumed)).toBe(0);
				expect(runReportSchema.parse(JSON.parse(resumed.stdout))).toMatchObject({ passed: 5, total: 5 });
				await expectOneVerdictEach(db.store, 1);
				expect((await db.store.runs.get(1))?.status).toBe("completed");
			} finally {
				await db.close();
			}
		}, 180_000);
	},
);
