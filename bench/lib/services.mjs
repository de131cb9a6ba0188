/**
 * What the benches on PostgreSQL and Redis share: scratch databases that are dropped afterwards,
 * `evals` processes with their output collected, peak RSS from /proc, and `evals serve` started
 * on a free port.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(ROOT, "packages", "evals", "dist", "cli", "main.js");
/** The test fixture suite: one python exercise (adder) that the oracle solves in about a second. */
export const RUNNER_SUITE = join(ROOT, "packages", "evals", "test", "fixtures", "runner-suite");

/** Exits with a clear message unless both services are configured. */
export function requireServices(bench) {
	if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
		console.error(`${bench} needs DATABASE_URL (PostgreSQL) and REDIS_URL, e.g. from scripts/services.sh.`);
		process.exit(2);
	}
}

const created = [];

/** A new, empty database on the server of DATABASE_URL; its URL. Dropped by `dropScratchDatabases`. */
export async function scratchDatabase(prefix = "agent_evals_bench") {
	const name = `${prefix}_${process.pid}_${randomBytes(3).toString("hex")}`;
	const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.end();
	created.push(name);
	const url = new URL(process.env.DATABASE_URL);
	url.pathname = `/${name}`;
	return url.toString();
}

export async function dropScratchDatabases() {
	if (created.length === 0) return;
	const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
	await admin.connect();
	for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await admin.end();
}

/** `node <evals CLI> …argv` with `env` over ours; stdout and stderr collected. */
export function startCli(argv, env = {}) {
	const child = spawn(process.execPath, [CLI, ...argv], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout.setEncoding("utf8").on("data", (chunk) => {
		stdout += chunk;
	});
	child.stderr.setEncoding("utf8").on("data", (chunk) => {
		stderr += chunk;
	});
	return { child, out: () => stdout, err: () => stderr };
}

/** Peak resident memory of a process, sampled from /proc every 100 ms; call the result to stop. */
export function peakRss(pid) {
	let peak = 0;
	const sample = () => {
		try {
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
			if (match) peak = Math.max(peak, Number(match[1]) * 1024);
		} catch {
			// exited
		}
	};
	sample();
	const timer = setInterval(sample, 100);
	return () => {
		clearInterval(timer);
		sample();
		return peak;
	};
}

/** `evals serve --port 0` on the given store and bus; resolves once it prints its URL. */
export async function startServe(env = {}) {
	const serve = startCli(["serve", "--port", "0"], {
		EVALS_HOME: await mkdtemp(join(tmpdir(), "evals-bench-serve-")),
		...env,
	});
	const url = await new Promise((resolve, reject) => {
		serve.child.stdout.on("data", () => {
			const match = /dashboard and API at (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.out());
			if (match) resolve(match[1]);
		});
		serve.child.once("exit", () => reject(new Error(`evals serve exited:\n${serve.err()}`)));
	});
	return { ...serve, url, stop: () => serve.child.kill("SIGTERM") };
}

export function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)];
}

export const mb = (bytes) => Math.round(bytes / 2 ** 20);

/** `evals worker` processes on a deployment; resolves once each says it has its slots. */
export async function startWorkers(count, slots, env, languages = "python") {
	const pool = [];
	for (let i = 0; i < count; i++) {
		const home = await mkdtemp(join(tmpdir(), "evals-bench-worker-"));
		const worker = startCli(["worker", "--name", `bench-${i}`, "-c", String(slots), "--languages", languages], {
			...env,
			EVALS_HOME: home,
		});
		pool.push(worker);
		await new Promise((resolve, reject) => {
			worker.child.stderr.on("data", () => worker.err().includes("slot(s) for") && resolve());
			worker.child.once("exit", () => reject(new Error(`worker exited:\n${worker.err()}`)));
		});
	}
	const stop = () => {
		for (const worker of pool) worker.child.kill("SIGTERM");
	};
	return { pool, stop };
}

/** Removes a deployment's queues and adverts, so nothing of a bench stays in the shared Redis. */
export async function clearDeployment(deployment) {
	const redis = new Redis(process.env.REDIS_URL);
	const keys = await redis.keys(`${deployment}:*`);
	if (keys.length > 0) await redis.del(...keys);
	redis.disconnect();
}

/** Resident memory of a process and all its descendants, from /proc, in bytes. */
export function treeRss(pid) {
	let total = 0;
	const stack = [pid];
	while (stack.length > 0) {
		const current = stack.pop();
		try {
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${current}/status`, "utf8"));
			if (match) total += Number(match[1]) * 1024;
			for (const thread of readdirSync(`/proc/${current}/task`)) {
				const children = readFileSync(`/proc/${current}/task/${thread}/children`, "utf8");
				for (const child of children.split(" ").filter(Boolean)) stack.push(Number(child));
			}
		} catch {
			// exited meanwhile
		}
	}
	return total;
}

/** The runner fixture's exercise under `copies` names (adder-1…): a run repeats one exercise at most 100 times. */
export async function adderSuite(copies) {
	const root = await mkdtemp(join(tmpdir(), "bench-suite-"));
	await cp(join(RUNNER_SUITE, "prompts"), join(root, "prompts"), { recursive: true });
	for (let i = 1; i <= copies; i++) {
		await cp(join(RUNNER_SUITE, "python", "adder"), join(root, "python", `adder-${i}`), { recursive: true });
	}
	return root;
}
