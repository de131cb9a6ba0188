import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import type { TaskEvent } from "@agent-evals/types";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisBus } from "../src/bus/redis-bus.js";
import { openDatabase } from "../src/db/client.js";
import { Store } from "../src/db/store.js";
import { databaseUrl, redisUrl, scratchDatabases } from "./helpers/postgres.js";
import { EVALS_CLI, harness, RUNNER_SUITE, tempDir } from "./helpers/runner.js";

const run = promisify(execFile);

function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	for (const key of ["DATABASE_URL", "REDIS_URL"]) if (!(key in extra)) delete env[key];
	return env;
}

/** Starts `evals run` and kills it (SIGKILL, no cleanup) once `after` tasks have finished. */
async function killMidRun(env: NodeJS.ProcessEnv, after: number): Promise<void> {
	const child: ChildProcess = spawn(
		process.execPath,
		[EVALS_CLI, "run", "-s", RUNNER_SUITE, "-m", "oracle", "-n", "4", "-c", "1"],
		{ env, stdio: ["ignore", "ignore", "pipe"] },
	);
	let stderr = "";
	await new Promise<void>((resolve, reject) => {
		child.stderr?.on("data", (chunk) => {
			stderr += chunk;
			if (stderr.includes(`[${after}/4]`)) {
				child.kill("SIGKILL");
				resolve();
			}
		});
		child.once("exit", () => reject(new Error(`evals run ended before it could be killed:\n${stderr}`)));
	});
	await new Promise((resolve) => child.once("exit", resolve));
}

async function resumeAndCheck(env: NodeJS.ProcessEnv, open: () => ReturnType<typeof openDatabase>) {
	const { stdout } = await run(process.execPath, [EVALS_CLI, "resume", "1", "--json"], { env });
	const result = JSON.parse(stdout);
	expect(result).toMatchObject({ runId: 1, passed: 4, failed: 0, total: 4 });
	const database = await open();
	try {
		const store = new Store(database);
		const verdicts = (await store.events.list(1)).filter(
			(row) => row.eventName === "evalPass" || row.eventName === "evalFail",
		);
		// Every task has exactly one verdict: finished ones were not run again.
		expect(verdicts.map((row) => row.taskId).sort()).toEqual((await store.tasks.list(1)).map((task) => task.id).sort());
		expect((await store.runs.get(1))?.status).toBe("completed");
	} finally {
		await database.close();
	}
}

describe("a killed controller", () => {
	it("leaves a run that `evals resume` completes with every task exactly once (embedded store)", async () => {
		const home = tempDir("home");
		const env = cliEnv({ EVALS_HOME: home });
		await killMidRun(env, 1);
		await resumeAndCheck(env, () => openDatabase({ evalsHome: home }));
	}, 120_000);
});

const scratch = scratchDatabases();
afterAll(() => scratch.drop());

describe.skipIf(!databaseUrl || !redisUrl)(
	databaseUrl && redisUrl
		? "with PostgreSQL and Redis"
		: "with PostgreSQL and Redis — skipped: DATABASE_URL or REDIS_URL not set",
	() => {
		it("runs, streams events on evals:<runId>, keeps a heartbeat, and resumes after a kill", async () => {
			const url = await scratch.create();
			const bus = await RedisBus.connect(redisUrl ?? "");
			const h = await harness({ databaseUrl: url, bus });
			try {
				const { run } = await h.createRun(h.config({ model: "oracle" }));
				const watcher = await RedisBus.connect(redisUrl ?? "");
				const seen: TaskEvent[] = [];
				await watcher.subscribe(run.id, (event) => seen.push(event));
				const probe = new Redis(redisUrl ?? "");
				let heartbeat: string | null = null;
				const poll = setInterval(async () => {
					heartbeat ??= await probe.get(`heartbeat:${run.id}`);
				}, 100);
				const finished = await h.controller.execute(run.id);
				clearInterval(poll);
				expect(finished).toMatchObject({ status: "completed", passed: 1 });
				expect(heartbeat).toBe(String(process.pid));
				expect(await probe.get(`heartbeat:${run.id}`)).toBeNull();
				await new Promise((resolve) => setTimeout(resolve, 200));
				expect(seen.map((event) => event.eventName)).toContain("taskCompleted");
				expect(seen.at(-1)).toMatchObject({ eventName: "evalPass", taskId: expect.any(Number) });
				probe.disconnect();
				await watcher.close();
			} finally {
				await h.close();
			}

			const second = await scratch.create();
			const env = cliEnv({ EVALS_HOME: tempDir("home"), DATABASE_URL: second, REDIS_URL: redisUrl ?? "" });
			await killMidRun(env, 2);
			await resumeAndCheck(env, () => openDatabase({ databaseUrl: second }));
		}, 180_000);
	},
);
