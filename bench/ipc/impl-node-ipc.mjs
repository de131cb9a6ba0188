/**
 * node-ipc@12 behind the bench's adapter interface, used the way Roo Code uses it: one event name
 * ("message"), an Ack with a client id on connect, TaskCommands in, TaskEvents out. Nothing is
 * validated here; this is the bare transport we are replacing.
 *
 * node-ipc is a per-process singleton, so a process runs either the server or the client.
 */
import { randomBytes } from "node:crypto";
import ipc from "node-ipc";

const SERVER_ID = "agent-evals-bench";

ipc.config.silent = true;
ipc.config.id = SERVER_ID;
// The server is listening before the client starts; retries only cover a slow accept.
ipc.config.retry = 50;
ipc.config.maxRetries = 100;

export function createServer(socketPath) {
	return new Promise((resolve, reject) => {
		let firstClient;
		const connected = new Promise((resolveClient) => {
			firstClient = resolveClient;
		});
		ipc.serve(socketPath, () => {
			resolve({
				waitForClient: () => connected,
				broadcast: (event) => ipc.server.broadcast("message", { type: "TaskEvent", origin: "server", data: event }),
				onCommand(handler) {
					ipc.server.on("message", (message, socket) => {
						if (message?.type !== "TaskCommand") return;
						handler(message.data, (event) =>
							ipc.server.emit(socket, "message", { type: "TaskEvent", origin: "server", data: event }),
						);
					});
				},
				close: () => ipc.server.stop(),
			});
		});
		ipc.server.on("connect", (socket) => {
			const ack = { clientId: randomBytes(6).toString("hex"), pid: process.pid, ppid: process.ppid };
			ipc.server.emit(socket, "message", { type: "Ack", origin: "server", data: ack });
			firstClient();
		});
		ipc.server.on("error", reject);
		ipc.server.start();
	});
}

export function createClient(socketPath) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`node-ipc client: no Ack from ${socketPath} within 10 s`)), 10_000);
		ipc.connectTo(SERVER_ID, socketPath, () => {
			const connection = ipc.of[SERVER_ID];
			let eventHandler = () => {};
			connection.on("message", (message) => {
				if (message?.type === "TaskEvent") {
					eventHandler(message.data);
				} else if (message?.type === "Ack") {
					clearTimeout(timer);
					const clientId = message.data.clientId;
					resolve({
						onEvent(handler) {
							eventHandler = handler;
						},
						send: (command) =>
							connection.emit("message", { type: "TaskCommand", origin: "client", clientId, data: command }),
						close() {
							ipc.config.stopRetrying = true;
							ipc.disconnect(SERVER_ID);
						},
					});
				}
			});
		});
	});
}
