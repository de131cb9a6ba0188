/**
 * One side of one implementation, in its own process so it has its own event loop and (for
 * node-ipc) its own singleton:
 *
 *   node child.mjs <ours|node-ipc> <server|client> <socket path>
 *
 * The parent (run.mjs) drives it over the fork channel; inside a timed phase that channel carries
 * only the server's one "all sent" notice. Flow-control credits go from client to server over a
 * second, plain Unix socket (<socket path>.credit), straight from process to process, so no third
 * process has to be scheduled for the pipeline to keep moving.
 */
import { createConnection, createServer } from "node:net";

const [implName, role, socketPath] = process.argv.slice(2);
const IMPLS = { ours: "./impl-ours.mjs", "node-ipc": "./impl-node-ipc.mjs" };

if (!process.send) throw new Error("child.mjs must be started by run.mjs (fork)");
if (!IMPLS[implName] || (role !== "server" && role !== "client") || !socketPath) {
	throw new Error(`usage: child.mjs <${Object.keys(IMPLS).join("|")}> <server|client> <socket path>`);
}

const creditPath = `${socketPath}.credit`;
const send = (message) => process.send(message);
const now = () => process.hrtime.bigint();
const cpuMicros = () => {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
};

// Losing the parent means nobody will stop us: leave instead of holding the socket open.
process.on("disconnect", () => process.exit(0));

const impl = await import(IMPLS[implName]);
const { getModesCommand, messageEvent, modesResponseEvent } = await import("./payloads.mjs");

if (role === "server") await runServer();
else await runClient();

async function runServer() {
	const server = await impl.createServer(socketPath);
	server.onCommand((command, reply) => {
		if (command?.commandName === "GetModes") reply(modesResponseEvent);
	});

	let blast;
	const credits = createServer((socket) => {
		socket.setEncoding("latin1");
		let partial = "";
		socket.on("data", (text) => {
			const lines = (partial + text).split("\n");
			partial = lines.pop() ?? "";
			const latest = lines.at(-1);
			if (latest === undefined || !blast) return;
			blast.acked = Number(latest);
			pump();
		});
	});
	await new Promise((resolve, reject) => {
		credits.once("error", reject);
		credits.listen(creditPath, resolve);
	});

	process.on("message", (message) => {
		if (message.t === "blast") {
			blast = { total: message.count, window: message.window, sent: 0, acked: 0, start: now(), reported: false };
			pump();
		} else if (message.t === "cpu") {
			send({ t: "cpu", micros: cpuMicros() });
		} else if (message.t === "exit") {
			credits.close();
			Promise.resolve(server.close()).finally(() => process.exit(0));
		}
	});
	send({ t: "listening" });
	await server.waitForClient();
	send({ t: "client-connected" });

	// Never more than `window` messages ahead of what the client has decoded: the benchmark
	// measures sustained throughput, not how much a process can buffer before the reader catches up.
	function pump() {
		const b = blast;
		const limit = Math.min(b.total, b.acked + b.window);
		while (b.sent < limit) {
			server.broadcast(messageEvent(b.sent));
			b.sent++;
		}
		if (b.sent === b.total && !b.reported) {
			b.reported = true;
			send({ t: "sent", start: String(b.start) });
		}
	}
}

async function runClient() {
	const client = await impl.createClient(socketPath);
	const credits = createConnection(creditPath);
	await new Promise((resolve, reject) => {
		credits.once("error", reject);
		credits.once("connect", resolve);
	});
	let onEvent = () => {};
	client.onEvent((event) => onEvent(event));

	process.on("message", (message) => {
		if (message.t === "expect") expect(message.count, message.ackEvery);
		else if (message.t === "rtt") roundTrips(message.warmup, message.samples);
		else if (message.t === "cpu") send({ t: "cpu", micros: cpuMicros() });
		else if (message.t === "exit") {
			credits.destroy();
			client.close();
			process.exit(0);
		}
	});
	send({ t: "ready" });

	function expect(count, ackEvery) {
		let received = 0;
		onEvent = () => {
			received++;
			if (received === count) {
				const end = now();
				onEvent = () => {};
				send({ t: "done", end: String(end), received });
			} else if (received % ackEvery === 0) {
				credits.write(`${received}\n`);
			}
		};
		send({ t: "armed" });
	}

	function roundTrips(warmup, samples) {
		const total = warmup + samples;
		const rttMs = new Float64Array(samples);
		let done = 0;
		let sentAt = 0n;
		onEvent = (event) => {
			const elapsed = now() - sentAt;
			if (event.eventName !== "modesResponse") throw new Error(`unexpected ${event.eventName} during RTT`);
			if (done >= warmup) rttMs[done - warmup] = Number(elapsed) / 1e6;
			done++;
			if (done < total) {
				sentAt = now();
				client.send(getModesCommand);
				return;
			}
			onEvent = () => {};
			send({ t: "rtt-result", rttMs: Array.from(rttMs) });
		};
		sentAt = now();
		client.send(getModesCommand);
	}
}
