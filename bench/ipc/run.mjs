/**
 * Benchmarks our IPC transport (@agent-evals/ipc, built dist) against node-ipc@12 on Unix sockets:
 * broadcast throughput of ~1 KB `message` TaskEvents and GetModes -> modesResponse round trips.
 * Every server and client runs in its own process (see child.mjs); implementations run one after
 * the other, alternating order between rounds, so they never compete for the CPU.
 *
 *   npm run bench:ipc -- [--quick] [--json] [--messages N] [--samples N] [--rounds N] ...
 *
 * Throughput is measured twice: with the server at most `--window` messages ahead of the client
 * (about what the kernel's socket buffers hold, a reader that keeps up) and at most
 * `--backlog-window` ahead (a reader that fell a few MB behind, e.g. during a GC pause or a slow
 * database write). node-ipc slows down sharply in the second case, so the two are reported apart.
 *
 * Profile with e.g. `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/ipc/run.mjs --only ours`
 * (children inherit the flags).
 */
import { fork } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { messageFrameBytes } from "./payloads.mjs";

const IMPLS = ["ours", "node-ipc"];
const CHILD = fileURLToPath(new URL("./child.mjs", import.meta.url));

const USAGE = `usage: node bench/ipc/run.mjs [options]
  --messages N          measured broadcast messages per round and window (default 100000, quick 3000)
  --warmup-messages N   broadcast messages before measuring              (default 10000, quick 500)
  --samples N           measured round trips per round                   (default 20000, quick 500)
  --warmup-samples N    round trips before measuring                     (default 2000, quick 100)
  --window N            messages the server may be ahead of the client   (default 256)
  --backlog-window N    the same for the backlog measurement, 0 to skip  (default 2048)
  --rounds N            rounds per implementation, order alternates      (default 3, quick 1)
  --only NAME           run only "ours" or "node-ipc"
  --quick               small counts, for a sanity check
  --json                print the results as JSON instead of a table
  --help`;

const DEFAULTS = { messages: 100_000, warmupMessages: 10_000, samples: 20_000, warmupSamples: 2_000, rounds: 3 };
const QUICK = { messages: 3_000, warmupMessages: 500, samples: 500, warmupSamples: 100, rounds: 1 };
const PHASE_TIMEOUT_MS = 60_000;

const live = new Set();
let scratchDir;

function cleanUp() {
	for (const child of live) child.kill("SIGKILL");
	live.clear();
	if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
	scratchDir = undefined;
}
// Runs on normal exit, process.exit and after an uncaught error, so no child or socket outlives us.
process.on("exit", cleanUp);
for (const [signal, number] of [
	["SIGINT", 2],
	["SIGTERM", 15],
	["SIGHUP", 1],
]) {
	process.on(signal, () => {
		cleanUp();
		process.exit(128 + number);
	});
}

function parseOptions(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			messages: { type: "string" },
			"warmup-messages": { type: "string" },
			samples: { type: "string" },
			"warmup-samples": { type: "string" },
			window: { type: "string" },
			"backlog-window": { type: "string" },
			rounds: { type: "string" },
			only: { type: "string" },
			quick: { type: "boolean", default: false },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const base = values.quick ? QUICK : DEFAULTS;
	const count = (flag, fallback, min) => {
		const raw = values[flag];
		if (raw === undefined) return fallback;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}, got "${raw}"`);
		return n;
	};
	if (values.only !== undefined && !IMPLS.includes(values.only)) {
		throw new Error(`--only must be one of ${IMPLS.join(", ")}`);
	}
	return {
		messages: count("messages", base.messages, 1),
		warmupMessages: count("warmup-messages", base.warmupMessages, 0),
		samples: count("samples", base.samples, 1),
		warmupSamples: count("warmup-samples", base.warmupSamples, 0),
		window: count("window", 256, 1),
		backlogWindow: count("backlog-window", 2048, 0),
		rounds: count("rounds", base.rounds, 1),
		impls: values.only ? [values.only] : IMPLS,
		quick: values.quick,
		json: values.json,
	};
}

/** A forked child with "wait for the next message of type t" on top of the fork channel. */
class Child {
	constructor(impl, role, socketPath) {
		this.label = `${impl} ${role}`;
		this.inbox = [];
		this.waiters = [];
		this.exit = undefined;
		this.proc = fork(CHILD, [impl, role, socketPath], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
		live.add(this.proc);
		this.exited = new Promise((resolve) => {
			this.proc.once("exit", (code, signal) => {
				live.delete(this.proc);
				this.exit = signal ? `signal ${signal}` : `code ${code}`;
				this.failAll(new Error(`${this.label} exited (${this.exit})`));
				resolve();
			});
		});
		this.proc.on("error", (error) => this.failAll(error));
		this.proc.on("message", (message) => {
			const index = this.waiters.findIndex((waiter) => waiter.t === message.t);
			if (index === -1) this.inbox.push(message);
			else this.waiters.splice(index, 1)[0].done(message);
		});
	}

	send(message) {
		this.proc.send(message);
	}

	next(t, timeoutMs = PHASE_TIMEOUT_MS) {
		const queued = this.inbox.findIndex((message) => message.t === t);
		if (queued !== -1) return Promise.resolve(this.inbox.splice(queued, 1)[0]);
		if (this.exit) return Promise.reject(new Error(`${this.label} exited (${this.exit})`));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((waiter) => waiter !== entry);
				reject(new Error(`${this.label}: no "${t}" within ${timeoutMs} ms`));
			}, timeoutMs);
			const entry = {
				t,
				done: (message) => {
					clearTimeout(timer);
					resolve(message);
				},
				fail: (error) => {
					clearTimeout(timer);
					reject(error);
				},
			};
			this.waiters.push(entry);
		});
	}

	failAll(error) {
		for (const waiter of this.waiters.splice(0)) waiter.fail(error);
	}

	async stop() {
		if (this.exit) return;
		if (this.proc.connected) this.send({ t: "exit" });
		const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5_000);
		await this.exited;
		clearTimeout(timer);
	}
}

/** CPU time (user + system, µs) each process has used so far. */
async function cpuTimes(server, client) {
	server.send({ t: "cpu" });
	client.send({ t: "cpu" });
	const [s, c] = await Promise.all([server.next("cpu"), client.next("cpu")]);
	return { server: s.micros, client: c.micros };
}

async function throughput(server, client, count, window) {
	// Credits often enough that a reader keeping up never leaves the server waiting for one.
	client.send({ t: "expect", count, ackEvery: Math.max(1, Math.floor(window / 4)) });
	await client.next("armed");
	const cpuBefore = await cpuTimes(server, client);
	server.send({ t: "blast", count, window });
	const [sent, done] = await Promise.all([server.next("sent"), client.next("done")]);
	// hrtime is CLOCK_MONOTONIC (or the platform's equivalent): one clock for all processes.
	const seconds = Number(BigInt(done.end) - BigInt(sent.start)) / 1e9;
	const cpuAfter = await cpuTimes(server, client);
	return {
		msgsPerSec: count / seconds,
		serverCpuUsPerMsg: (cpuAfter.server - cpuBefore.server) / count,
		clientCpuUsPerMsg: (cpuAfter.client - cpuBefore.client) / count,
	};
}

async function measureOnce(impl, socketPath, options) {
	const server = new Child(impl, "server", socketPath);
	let client;
	try {
		await server.next("listening");
		client = new Child(impl, "client", socketPath);
		await Promise.all([client.next("ready"), server.next("client-connected")]);
		if (options.warmupMessages > 0) await throughput(server, client, options.warmupMessages, options.window);
		const steady = await throughput(server, client, options.messages, options.window);
		const backlog =
			options.backlogWindow > 0 ? await throughput(server, client, options.messages, options.backlogWindow) : undefined;
		client.send({ t: "rtt", warmup: options.warmupSamples, samples: options.samples });
		const { rttMs } = await client.next("rtt-result");
		return { steady, backlog, rttMs };
	} finally {
		await client?.stop();
		await server.stop();
	}
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function summariseThroughput(runs, frameBytes) {
	const msgsPerSec = median(runs.map((run) => run.msgsPerSec));
	return {
		msgsPerSec,
		mbPerSec: (msgsPerSec * frameBytes) / 1e6,
		perRoundMsgsPerSec: runs.map((run) => run.msgsPerSec),
		serverCpuUsPerMsg: median(runs.map((run) => run.serverCpuUsPerMsg)),
		clientCpuUsPerMsg: median(runs.map((run) => run.clientCpuUsPerMsg)),
	};
}

function summarise(rounds, frameBytes) {
	const rtt = Float64Array.from(rounds.flatMap((round) => round.rttMs)).sort();
	return {
		throughput: summariseThroughput(
			rounds.map((round) => round.steady),
			frameBytes,
		),
		backlogThroughput: rounds[0]?.backlog
			? summariseThroughput(
					rounds.map((round) => round.backlog),
					frameBytes,
				)
			: undefined,
		rtt: {
			p50Ms: percentile(rtt, 0.5),
			p99Ms: percentile(rtt, 0.99),
			meanMs: rtt.reduce((sum, value) => sum + value, 0) / rtt.length,
			minMs: rtt[0],
			maxMs: rtt[rtt.length - 1],
			samples: rtt.length,
		},
	};
}

/** > 1 means ours is better: throughput ours/node-ipc, costs and latencies node-ipc/ours. */
function ratios(ours, theirs) {
	if (!ours || !theirs) return undefined;
	const more = (pick) => pick(ours) / pick(theirs);
	const less = (pick) => pick(theirs) / pick(ours);
	return {
		throughput: more((r) => r.throughput.msgsPerSec),
		serverCpu: less((r) => r.throughput.serverCpuUsPerMsg),
		clientCpu: less((r) => r.throughput.clientCpuUsPerMsg),
		backlogThroughput: ours.backlogThroughput ? more((r) => r.backlogThroughput.msgsPerSec) : undefined,
		rttP50: less((r) => r.rtt.p50Ms),
		rttP99: less((r) => r.rtt.p99Ms),
		rttMean: less((r) => r.rtt.meanMs),
	};
}

function printTable(report) {
	const { options, results } = report;
	const ratio = report.ratios ?? {};
	const number = (value, digits) =>
		value === undefined
			? "-"
			: value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
	const row = (metric, pick, digits, ratioValue) => [
		metric,
		number(results.ours && pick(results.ours), digits),
		number(results["node-ipc"] && pick(results["node-ipc"]), digits),
		ratioValue === undefined ? "-" : `${ratioValue.toFixed(2)}x`,
	];
	const backlog = options.backlogWindow > 0;
	const rows = [
		["metric", "ours", "node-ipc", "ratio"],
		row("throughput (msgs/s)", (r) => r.throughput.msgsPerSec, 0, ratio.throughput),
		row("throughput (MB/s)", (r) => r.throughput.mbPerSec, 1, ratio.throughput),
		row("  server CPU per msg (µs)", (r) => r.throughput.serverCpuUsPerMsg, 2, ratio.serverCpu),
		row("  client CPU per msg (µs)", (r) => r.throughput.clientCpuUsPerMsg, 2, ratio.clientCpu),
		...(backlog
			? [
					row("throughput, backlog (msgs/s)", (r) => r.backlogThroughput?.msgsPerSec, 0, ratio.backlogThroughput),
					row("throughput, backlog (MB/s)", (r) => r.backlogThroughput?.mbPerSec, 1, ratio.backlogThroughput),
				]
			: []),
		row("RTT p50 (ms)", (r) => r.rtt.p50Ms, 3, ratio.rttP50),
		row("RTT p99 (ms)", (r) => r.rtt.p99Ms, 3, ratio.rttP99),
		row("RTT mean (ms)", (r) => r.rtt.meanMs, 3, ratio.rttMean),
	];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
	const line = (cells) =>
		`| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
	const kb = (messages) => `${Math.round((messages * report.frameBytes) / 1024)} KB`;
	const out = [
		`IPC benchmark: Node ${report.node}, ${report.platform}, ${report.cpus} CPUs (${report.cpuModel}), ` +
			`load average ${report.loadAverage.start} at start, ${report.loadAverage.end} at end`,
		`throughput: ${options.messages} TaskEvent frames of ${report.frameBytes} B per round after ${options.warmupMessages} ` +
			`warm-up; server at most ${options.window} messages (${kb(options.window)}) ahead of the client` +
			(backlog ? `, backlog: ${options.backlogWindow} (${kb(options.backlogWindow)})` : "") +
			`; median of ${options.rounds} round(s)`,
		`round trip: GetModes -> modesResponse, ${options.samples} samples per round after ${options.warmupSamples} ` +
			`warm-up, pooled over ${options.rounds} round(s)`,
		"ours validates every frame with zod on receipt; node-ipc only JSON-parses. ratio > 1 means ours is better",
		"(throughput ours/node-ipc; CPU and latency node-ipc/ours). MB = 10^6 bytes.",
		"",
		line(rows[0]),
		line(widths.map((width, i) => (i === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`))),
		...rows.slice(1).map(line),
	];
	console.log(out.join("\n"));
}

async function main() {
	const options = parseOptions(process.argv.slice(2));
	if (options.impls.includes("ours") && !process.env.IPC_BENCH_OURS) {
		const entry = fileURLToPath(import.meta.resolve("@agent-evals/ipc"));
		if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
	}
	const loadAtStart = loadavg()[0];
	scratchDir = mkdtempSync(join(tmpdir(), "agent-evals-ipc-bench-"));
	const frameBytes = messageFrameBytes();
	const perImpl = Object.fromEntries(options.impls.map((impl) => [impl, []]));
	for (let round = 0; round < options.rounds; round++) {
		const order = round % 2 === 0 ? options.impls : [...options.impls].reverse();
		for (const impl of order) {
			if (!options.json) process.stderr.write(`round ${round + 1}/${options.rounds}: ${impl}...\n`);
			const socketPath = join(scratchDir, `${impl}-${round}.sock`);
			perImpl[impl].push(await measureOnce(impl, socketPath, options));
		}
	}
	const results = Object.fromEntries(options.impls.map((impl) => [impl, summarise(perImpl[impl], frameBytes)]));
	const report = {
		node: process.version,
		platform: `${process.platform} ${process.arch}`,
		cpus: cpus().length,
		cpuModel: cpus()[0]?.model.trim() ?? "unknown",
		loadAverage: { start: loadAtStart.toFixed(2), end: loadavg()[0].toFixed(2) },
		frameBytes,
		// Removed again before exit; reported so a test can check that.
		socketDir: scratchDir,
		options: {
			messages: options.messages,
			warmupMessages: options.warmupMessages,
			samples: options.samples,
			warmupSamples: options.warmupSamples,
			window: options.window,
			backlogWindow: options.backlogWindow,
			rounds: options.rounds,
			quick: options.quick,
		},
		results,
		ratios: ratios(results.ours, results["node-ipc"]),
	};
	if (options.json) console.log(JSON.stringify(report, null, 2));
	else printTable(report);
}

try {
	await main();
} catch (error) {
	console.error(`bench:ipc failed: ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
} finally {
	cleanUp();
}
