/**
 * Our transport behind the bench's small adapter interface (see child.mjs). Uses the built
 * package (dist), the same code a runner or agent loads. IPC_BENCH_OURS=<path to an index.js>
 * benchmarks another build instead, e.g. a saved copy of dist to compare a change against.
 */
import { pathToFileURL } from "node:url";

const { IpcClient, IpcServer } = await import(
	process.env.IPC_BENCH_OURS ? pathToFileURL(process.env.IPC_BENCH_OURS).href : "@agent-evals/ipc"
);

export async function createServer(socketPath) {
	const server = new IpcServer(socketPath);
	await server.listen();
	let firstClient;
	const connected = new Promise((resolve) => {
		firstClient = resolve;
	});
	server.on("Connect", () => firstClient());
	return {
		waitForClient: () => connected,
		broadcast: (event) => server.broadcast(event),
		onCommand(handler) {
			server.on("TaskCommand", (clientId, command) => handler(command, (event) => server.sendEvent(clientId, event)));
		},
		close: () => server.close(),
	};
}

export async function createClient(socketPath) {
	const client = new IpcClient(socketPath);
	await client.connect({ timeoutMs: 10_000 });
	return {
		onEvent(handler) {
			client.on("TaskEvent", handler);
		},
		send: (command) => client.sendCommand(command),
		close: () => client.disconnect(),
	};
}
