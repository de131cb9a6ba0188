/**
 * bench:events — how many agent events per second reach the dashboard's live streams, and
 * whether any are lost:
 *
 *   N simulated agents (bench/events/agent.mjs, each its own process saying M stored messages of
 *   ~1 KB over our IPC socket) → this process as the runner (IPC client → the runner's
 *   EventRecorder → PostgreSQL store + Redis bus) → `evals serve` (its own process) → C SSE
 *   clients on GET /api/runs/:id/stream, each of which must see every stored event.
 *
 * Baseline, same invocation: the same agents with the runner dropping each event as it arrives
 * (the IPC rate alone). Prints events/s both ways and their ratio, the events each client lost,
 * and the server's peak RSS.
 *
 *   DATABASE_URL=… REDIS_URL=… npm run bench:events -- [--agents N] [--events M] [--clients C] [--json]
 *
 * Goal (issue 13, P4): ≥ 20,000 events/s end to end, 0 lost, server RSS < 300 MB.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { IpcClient } from "@agent-evals/ipc";
import { runConfigSchema } from "@agent-evals/types";
import {
	dropScratchDatabases,
	mb,
	peakRss,
	ROOT,
	RUNNER_SUITE,
	requireServices,
	scratchDatabase,
	startServe,
} from "../lib/services.mjs";

const dist = (file) => join(ROOT, "packages", "evals", "dist", file);
const { openDatabase } = await import(dist("db/client.js"));
const { Store } = await import(dist("db/store.js"));
const { openBus } = await import(dist("bus/index.js"));
const { createRun } = await import(dist("run/plan.js"));
const { EventRecorder } = await import(dist("run/event-recorder.js"));
const { RunNotes } = await import(dist("run/run-notes.js"));

const { values: args } = parseArgs({
	options: {
		agents: { type: "string", default: "10" },
		events: { type: "string", default: "1000" },
		clients: { type: "string", default: "50" },
		json: { type: "boolean", default: false },
	},
});
const agents = Number(args.agents);
const perAgent = Number(args.events);
const clients = Number(args.clients);
for (const [name, value, max] of [
	["--agents", agents, 100],
	["--events", perAgent, 1_000_000],
	["--clients", clients, 1000],
]) {
	if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
		console.error(`${name} must be a whole number from 1 to ${max}.`);
		process.exit(2);
	}
}
requireServices("bench:events");

/** Every event an agent says is stored: taskStarted, its messages, taskCompleted. */
const storedPerAgent = perAgent + 2;
const expected = agents * storedPerAgent;
const AGENT = new URL("./agent.mjs", import.meta.url).pathname;

/** Starts the agents, connects to each, starts their tasks; resolves when every one completed. */
async function driveAgents(sink) {
	const dir = await mkdtemp(join(tmpdir(), "bench-events-"));
	const children = [];
	try {
		const sessions = await Promise.all(
			Array.from({ length: agents }, async (_, index) => {
				const socket = join(dir, `agent-${index}.sock`);
				const child = fork(AGENT, [socket, String(perAgent)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
				children.push(child);
				await once(child, "message");
				const client = new IpcClient(socket);
				await client.connect();
				const done = new Promise((resolve) =>
					client.on("TaskEvent", (event) => {
						sink(index, event);
						if (event.eventName === "taskCompleted") resolve();
					}),
				);
				return { client, done };
			}),
		);
		const began = performance.now();
		for (const { client } of sessions) {
			client.sendCommand({ commandName: "StartNewTask", data: { configuration: {}, text: "bench" } });
		}
		await Promise.all(sessions.map((session) => session.done));
		const ms = performance.now() - began;
		for (const { client } of sessions) {
			client.sendCommand({ commandName: "CloseTask" });
			client.disconnect();
		}
		return { began, ms };
	} finally {
		for (const child of children) child.kill();
		await rm(dir, { recursive: true, force: true });
	}
}

/**
 * One SSE client: counts the stored events (those with an `id:` line) and remembers when the
 * last expected one arrived. Scans the text for "\nid: " rather than parsing each message, so
 * that fifty clients in this one process are not what limits the figure.
 */
function sseClient(url) {
	const state = { count: 0, lastId: 0, outOfOrder: 0, doneAt: undefined, connected: undefined };
	const controller = new AbortController();
	state.connected = (async () => {
		const response = await fetch(url, { signal: controller.signal, headers: { accept: "text/event-stream" } });
		if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
		const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
		// Wrapped: an async function returning the promise itself would wait for the stream's end.
		const pump = (async () => {
			let carry = "";
			for (;;) {
				const { value, done } = await reader.read().catch(() => ({ done: true }));
				if (done) return;
				const text = carry + value;
				let at = text.indexOf("\nid: ");
				let consumed = 0;
				while (at !== -1) {
					const end = text.indexOf("\n", at + 5);
					if (end === -1) break;
					const id = Number(text.slice(at + 5, end));
					if (id <= state.lastId) state.outOfOrder++;
					state.lastId = id;
					state.count++;
					consumed = end;
					at = text.indexOf("\nid: ", end);
				}
				if (state.count >= expected && state.doneAt === undefined) state.doneAt = performance.now();
				carry = text.slice(Math.max(consumed, text.length - 32));
			}
		})();
		return { pump };
	})();
	return { state, close: () => controller.abort() };
}

const databaseUrl = await scratchDatabase();
const database = await openDatabase({ databaseUrl });
let serve;
try {
	// (a) Baseline: the IPC rate alone.
	let received = 0;
	const baseline = await driveAgents(() => {
		received++;
	});
	if (received !== expected) throw new Error(`baseline: ${received} of ${expected} events arrived`);

	// (b) End to end, through the runner's recorder, the store, the bus, the server and its streams.
	const store = new Store(database);
	const deployment = `evals-bench-events-${process.pid}`;
	const bus = await openBus(process.env.REDIS_URL, deployment);
	const { run, tasks } = await createRun(
		store,
		runConfigSchema.parse({ suite: RUNNER_SUITE, model: "oracle", iterations: agents, concurrency: 1 }),
	);
	serve = await startServe({ DATABASE_URL: databaseUrl, EVALS_DEPLOYMENT: deployment });
	const serverRss = peakRss(serve.child.pid);
	const streams = Array.from({ length: clients }, () => sseClient(`${serve.url}/api/runs/${run.id}/stream`));
	const pumps = (await Promise.all(streams.map((stream) => stream.state.connected))).map(({ pump }) => pump);
	const notes = new RunNotes(run.id, () => {});
	const recorders = tasks.map((task) => new EventRecorder(store, bus, run.id, task.id, notes));
	const pipeline = await driveAgents((index, event) => recorders[index].record(event));
	await Promise.all(recorders.map((recorder) => recorder.flush()));
	const storedMs = performance.now() - pipeline.began;
	// Every client has everything, or nothing more arrives for 10 s.
	let lastProgress = performance.now();
	let lastTotal = -1;
	while (streams.some((stream) => stream.state.count < expected)) {
		const total = streams.reduce((sum, stream) => sum + stream.state.count, 0);
		if (total !== lastTotal) {
			lastTotal = total;
			lastProgress = performance.now();
		} else if (performance.now() - lastProgress > 10_000) break;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const serverPeak = serverRss();
	for (const stream of streams) stream.close();
	await Promise.allSettled(pumps);
	await bus.close();

	const lost = streams.map((stream) => Math.max(0, expected - stream.state.count));
	const finished = streams.map((stream) => stream.state.doneAt ?? performance.now());
	const endToEndMs = Math.max(...finished) - pipeline.began;
	const rate = (ms) => expected / (ms / 1000);
	const figures = {
		agents,
		eventsPerAgent: perAgent,
		storedEvents: expected,
		sseClients: clients,
		ipcOnlyEventsPerSecond: Math.round(rate(baseline.ms)),
		endToEndEventsPerSecond: Math.round(rate(endToEndMs)),
		endToEndOverIpcOnly: Number((rate(endToEndMs) / rate(baseline.ms)).toFixed(3)),
		runnerIngestEventsPerSecond: Math.round(rate(pipeline.ms)),
		allStoredAfterMs: Math.round(storedMs),
		allDeliveredAfterMs: Math.round(endToEndMs),
		lostEventsMaxPerClient: Math.max(...lost),
		clientsMissingEvents: lost.filter((count) => count > 0).length,
		outOfOrderIds: streams.reduce((sum, stream) => sum + stream.state.outOfOrder, 0),
		serverPeakRssMb: mb(serverPeak),
	};
	if (args.json) console.log(JSON.stringify(figures, null, 2));
	else {
		console.log(`${agents} agents × ${perAgent} messages (~1 KB) → store + bus → ${clients} SSE clients`);
		console.log(
			`events/s: IPC only ${figures.ipcOnlyEventsPerSecond}, end to end ${figures.endToEndEventsPerSecond} (${figures.endToEndOverIpcOnly}× the IPC rate; goal ≥ 20000/s)`,
		);
		console.log(
			`runner ingest (IPC → recorder): ${figures.runnerIngestEventsPerSecond}/s; all stored after ${figures.allStoredAfterMs} ms, all delivered to every client after ${figures.allDeliveredAfterMs} ms`,
		);
		console.log(
			`lost: at most ${figures.lostEventsMaxPerClient} per client, ${figures.clientsMissingEvents} of ${clients} clients short (goal 0); ids out of order: ${figures.outOfOrderIds}`,
		);
		console.log(`evals serve peak RSS: ${figures.serverPeakRssMb} MB (goal < 300 MB)`);
	}
	if (figures.lostEventsMaxPerClient > 0) process.exitCode = 1;
} finally {
	serve?.stop();
	await database.close();
	await dropScratchDatabases();
}
