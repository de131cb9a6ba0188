/**
 * A simulated agent for bench:events: serves the IPC protocol on a socket and, on StartNewTask,
 * says `count` final (stored) messages of about 1 KB as fast as the socket takes them, then
 * `taskCompleted`. It exits on CloseTask or when its parent goes.
 *
 *   node agent.mjs <socket path> <count>
 */
import { IpcServer } from "@agent-evals/ipc";
import { messageEvent } from "../ipc/payloads.mjs";

const [socketPath, countText] = process.argv.slice(2);
const count = Number(countText);
if (!socketPath || !(count >= 1)) throw new Error("usage: agent.mjs <socket path> <count>");

const server = new IpcServer(socketPath);
await server.listen();
process.on("disconnect", () => process.exit(0));

const NO_USAGE = { totalTokensIn: 0, totalTokensOut: 0, totalCost: 0, contextTokens: 0 };

/** A complete message: the runner stores it (a partial one would only be relayed). */
function finalMessage(seq) {
	const event = messageEvent(seq);
	const [payload] = event.payload;
	return { ...event, payload: [{ ...payload, message: { ...payload.message, partial: false } }] };
}

server.on("TaskCommand", (clientId, command) => {
	if (command.commandName === "CloseTask") {
		void server.close().then(() => process.exit(0));
		return;
	}
	if (command.commandName !== "StartNewTask") return;
	const taskId = finalMessage(0).payload[0].taskId;
	server.sendEvent(clientId, { eventName: "taskStarted", payload: [taskId] });
	let seq = 0;
	// Batches with a turn of the event loop between them, so the socket drains as it fills.
	const pump = () => {
		for (const end = Math.min(count, seq + 200); seq < end; seq++) server.sendEvent(clientId, finalMessage(seq));
		if (seq < count) setImmediate(pump);
		else
			server.sendEvent(clientId, { eventName: "taskCompleted", payload: [taskId, NO_USAGE, {}, { isSubtask: false }] });
	};
	pump();
});
process.send?.("ready");
