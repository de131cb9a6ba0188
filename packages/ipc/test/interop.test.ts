/**
 * Wire compatibility with node-ipc@12, the library Roo Code's IPC is built on. The node-ipc side
 * is driven exactly the way Roo Code drives it (serve + Ack on connect + broadcast; connectTo +
 * emit "message"), over real Unix sockets, so a change to our framing or envelopes that Roo Code
 * would not understand fails here.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { IpcClient, type IpcLogLevel, IpcServer } from "@agent-evals/ipc";
import {
	type Ack,
	ackMessageSchema,
	type IpcMessage,
	IpcMessageType,
	IpcOrigin,
	RooCodeEventName,
	type TaskCommand,
	TaskCommandName,
	type TaskEvent,
	taskCommandMessageSchema,
} from "@agent-evals/types";
import ipcModule from "node-ipc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// node-ipc ships no types; these cover only what Roo Code uses.
interface NodeIpcServer {
	sockets: Socket[];
	server: Server | false;
	on(event: "connect", handler: (socket: Socket) => void): void;
	on(event: "message", handler: (data: unknown, socket: Socket) => void): void;
	emit(socket: Socket, type: string, data: unknown): void;
	broadcast(type: string, data: unknown): void;
	start(): void;
}
interface NodeIpcClient {
	socket: Socket | false;
	on(event: "connect" | "disconnect", handler: () => void): void;
	on(event: "message", handler: (data: unknown) => void): void;
	emit(type: string, data: unknown): void;
}
interface NodeIpc {
	config: { silent: boolean };
	of: Record<string, NodeIpcClient | undefined>;
	server: NodeIpcServer | false;
	serve(path: string, callback: () => void): void;
	connectTo(id: string, path: string, callback: () => void): void;
	disconnect(id: string): void;
}

// The default export is a process-wide singleton; every test takes its own instance instead, so
// a server and a client (or two tests) never share `of`, `server` or `config`.
const NodeIpcClass = (ipcModule as unknown as { IPC: new () => NodeIpc }).IPC;

function newNodeIpc(): NodeIpc {
	const ipc = new NodeIpcClass();
	ipc.config.silent = true;
	return ipc;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(5);
	}
}

function capturingLog() {
	const lines: { level: IpcLogLevel; message: string }[] = [];
	return { lines, log: (level: IpcLogLevel, message: string) => lines.push({ level, message }) };
}

/** A node-ipc server doing what Roo Code's IpcServer does. */
interface RooLikeServer {
	/** Every "message" payload received, with the clientId of the socket it came on. */
	received: { data: unknown; socketClientId: string | undefined }[];
	clientIds: string[];
	pid: number;
	ppid: number;
	broadcast(data: unknown): void;
	stop(): Promise<void>;
}

async function serveLikeRooCode(socketPath: string, options: { ackDelayMs?: number } = {}): Promise<RooLikeServer> {
	const ipc = newNodeIpc();
	const socketIds = new Map<Socket, string>();
	const received: RooLikeServer["received"] = [];
	await new Promise<void>((resolve) => {
		ipc.serve(socketPath, () => {
			const server = ipc.server as NodeIpcServer;
			server.on("connect", (socket) => {
				const clientId = randomBytes(6).toString("hex");
				socketIds.set(socket, clientId);
				const ack = () =>
					server.emit(socket, "message", {
						type: IpcMessageType.Ack,
						origin: IpcOrigin.Server,
						data: { clientId, pid: process.pid, ppid: process.ppid },
					});
				if (options.ackDelayMs) setTimeout(ack, options.ackDelayMs);
				else ack();
			});
			server.on("message", (data, socket) => received.push({ data, socketClientId: socketIds.get(socket) }));
			resolve();
		});
		(ipc.server as NodeIpcServer).start();
	});
	const server = ipc.server as NodeIpcServer;
	return {
		received,
		get clientIds() {
			return [...socketIds.values()];
		},
		pid: process.pid,
		ppid: process.ppid,
		broadcast: (data) => server.broadcast("message", data),
		// node-ipc's own stop() only stops accepting; connected sockets would keep the net server open.
		stop: async () => {
			for (const socket of server.sockets) socket.destroy();
			const netServer = server.server || undefined;
			if (netServer?.listening) await new Promise<void>((resolve) => netServer.close(() => resolve()));
		},
	};
}

/** A node-ipc client doing what Roo Code's evals IpcClient does. */
interface RooLikeClient {
	messages: unknown[];
	ack: Promise<Ack>;
	isConnected(): boolean;
	send(command: TaskCommand, clientId: string): void;
	stop(): void;
}

function connectLikeRooCode(socketPath: string): RooLikeClient {
	const ipc = newNodeIpc();
	const id = `roo-code-evals-${randomBytes(6).toString("hex")}`;
	const messages: unknown[] = [];
	let connected = false;
	let resolveAck: (ack: Ack) => void = () => {};
	const ack = new Promise<Ack>((resolve) => {
		resolveAck = resolve;
	});
	ipc.connectTo(id, socketPath, () => {
		const client = ipc.of[id];
		client?.on("connect", () => {
			connected = true;
		});
		client?.on("disconnect", () => {
			connected = false;
		});
		client?.on("message", (data) => {
			messages.push(data);
			const parsed = ackMessageSchema.safeParse(data);
			if (parsed.success) resolveAck(parsed.data.data);
		});
	});
	return {
		messages,
		ack,
		isConnected: () => connected,
		send: (command, clientId) =>
			ipc.of[id]?.emit("message", {
				type: IpcMessageType.TaskCommand,
				origin: IpcOrigin.Client,
				clientId,
				data: command,
			}),
		// Marks the client explicitly disconnected, which also stops node-ipc's retry timer.
		stop: () => ipc.disconnect(id),
	};
}

const startNewTask: TaskCommand = {
	commandName: TaskCommandName.StartNewTask,
	data: {
		configuration: {
			apiProvider: "openrouter",
			openRouterModelId: "anthropic/claude-sonnet-4",
			autoApprovalEnabled: true,
			alwaysAllowWrite: true,
			alwaysAllowExecute: true,
			allowedCommands: ["*"],
			// Keys we do not model must survive the trip.
			rateLimitSeconds: 0,
			experiments: { powerSteering: false },
		},
		text: "Implement the exercise in two-fer.py so that the tests pass.",
		newTab: true,
	},
};

const taskStarted: TaskEvent = { eventName: RooCodeEventName.TaskStarted, payload: ["roo-task-1"] };

const messageEvent = (text: string): TaskEvent => ({
	eventName: RooCodeEventName.Message,
	payload: [
		{
			taskId: "roo-task-1",
			action: "created",
			message: { ts: 1_763_700_000_000, type: "say", say: "text", text, partial: false, checkpoint: { hash: "abc" } },
		},
	],
});

const taskCompleted: TaskEvent = {
	eventName: RooCodeEventName.TaskCompleted,
	payload: [
		"roo-task-1",
		{
			totalTokensIn: 12_345,
			totalTokensOut: 678,
			totalCacheWrites: 100,
			totalCacheReads: 9_000,
			totalCost: 0.0421,
			contextTokens: 13_023,
		},
		{ read_file: { attempts: 3, failures: 0 }, apply_diff: { attempts: 2, failures: 1 } },
		{ isSubtask: false },
	],
	taskId: 42,
};

/** About 1 MB of text with multi-byte characters, form feeds and JSON metacharacters. */
function bigText(): string {
	const line = 'line ✓ 漢字 🚀 "quoted" \\ back\tslash \f form feed\n';
	return line.repeat(Math.ceil(1_000_000 / line.length));
}

let dir: string;
let socketPath: string;
let cleanups: (() => unknown)[];

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), "ipc-interop-"));
	socketPath = join(dir, "roo.sock");
	cleanups = [];
});

afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await rm(dir, { recursive: true, force: true });
});

describe("node-ipc client (Roo Code evals runner) -> our IpcServer", () => {
	async function start() {
		const { lines, log } = capturingLog();
		const server = new IpcServer(socketPath, { log });
		const commands: { clientId: string; command: TaskCommand }[] = [];
		const disconnects: string[] = [];
		server.on(IpcMessageType.TaskCommand, (clientId, command) => commands.push({ clientId, command }));
		server.on(IpcMessageType.Disconnect, (clientId) => disconnects.push(clientId));
		await server.listen();
		cleanups.push(() => server.close());
		const connect = async () => {
			const client = connectLikeRooCode(socketPath);
			cleanups.push(() => client.stop());
			return { client, ack: await client.ack };
		};
		return { server, commands, disconnects, lines, connect };
	}

	it("acks with a 12-hex clientId and our pid, and emits the StartNewTask it then sends", async () => {
		const { server, commands, lines, connect } = await start();
		const { client, ack } = await connect();

		expect(client.messages[0]).toEqual({
			type: IpcMessageType.Ack,
			origin: IpcOrigin.Server,
			data: { clientId: ack.clientId, pid: process.pid, ppid: process.ppid },
		});
		expect(ack.clientId).toMatch(/^[0-9a-f]{12}$/);
		expect(server.clientIds).toEqual([ack.clientId]);

		client.send(startNewTask, ack.clientId);
		await until(() => commands.length === 1, "the StartNewTask command");
		expect(commands[0]).toEqual({ clientId: ack.clientId, command: startNewTask });
		expect(lines.filter((line) => line.level === "warn")).toEqual([]);
	});

	it("delivers broadcast() to every client and send() to one, as the objects we sent", async () => {
		const { server, connect } = await start();
		const first = await connect();
		const second = await connect();
		expect(first.ack.clientId).not.toBe(second.ack.clientId);

		server.broadcast(taskStarted);
		const direct: IpcMessage = {
			type: IpcMessageType.TaskEvent,
			origin: IpcOrigin.Server,
			relayClientId: first.ack.clientId,
			data: taskCompleted,
		};
		expect(server.send(second.ack.clientId, direct)).toBe(true);
		expect(server.sendEvent(first.ack.clientId, messageEvent("only for the first"))).toBe(true);

		const broadcastMessage = { type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data: taskStarted };
		await until(() => first.client.messages.length === 3 && second.client.messages.length === 3, "3 messages each");
		expect(first.client.messages.slice(1)).toEqual([
			broadcastMessage,
			{ type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data: messageEvent("only for the first") },
		]);
		expect(second.client.messages.slice(1)).toEqual([broadcastMessage, direct]);
	});

	it("keeps back-to-back frames intact in both directions", async () => {
		const { server, commands, connect } = await start();
		const { client, ack } = await connect();
		const count = 500;

		const events: TaskEvent[] = [];
		for (let i = 0; i < count; i++) events.push(messageEvent(`event ${i} ✓`));
		for (const event of events) server.broadcast(event);
		const sent: TaskCommand[] = [];
		for (let i = 0; i < count; i++) sent.push({ commandName: TaskCommandName.CancelTask, data: `task-${i}` });
		for (const command of sent) client.send(command, ack.clientId);

		await until(() => client.messages.length === count + 1 && commands.length === count, "all frames");
		expect(client.messages.slice(1)).toEqual(
			events.map((data) => ({ type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data })),
		);
		expect(commands).toEqual(sent.map((command) => ({ clientId: ack.clientId, command })));
	});

	it("carries a ~1 MB event and a ~1 MB command intact", async () => {
		const { server, commands, connect } = await start();
		const { client, ack } = await connect();
		const text = bigText();
		expect(Buffer.byteLength(text)).toBeGreaterThan(1_000_000);

		server.broadcast(messageEvent(text));
		const command: TaskCommand = {
			commandName: TaskCommandName.StartNewTask,
			data: { configuration: { apiProvider: "scripted" }, text },
		};
		client.send(command, ack.clientId);

		await until(() => client.messages.length === 2 && commands.length === 1, "the large frames");
		expect(client.messages[1]).toEqual({
			type: IpcMessageType.TaskEvent,
			origin: IpcOrigin.Server,
			data: messageEvent(text),
		});
		expect(commands[0]).toEqual({ clientId: ack.clientId, command });
	});

	it("emits Disconnect when the node-ipc client disconnects", async () => {
		const { server, disconnects, connect } = await start();
		const { client, ack } = await connect();
		expect(server.clientCount).toBe(1);

		client.stop();
		await until(() => disconnects.length === 1, "Disconnect");
		expect(disconnects).toEqual([ack.clientId]);
		expect(server.clientCount).toBe(0);
	});
});

describe("our IpcClient -> node-ipc server (Roo Code)", () => {
	async function start(options: { ackDelayMs?: number } = {}) {
		const roo = await serveLikeRooCode(socketPath, options);
		cleanups.push(() => roo.stop());
		const { lines, log } = capturingLog();
		const client = new IpcClient(socketPath, { log, reconnect: true });
		cleanups.push(() => client.disconnect());
		const events: { event: TaskEvent; relayClientId: string | undefined }[] = [];
		let disconnects = 0;
		client.on(IpcMessageType.TaskEvent, (event, relayClientId) => events.push({ event, relayClientId }));
		client.on(IpcMessageType.Disconnect, () => disconnects++);
		return { roo, client, events, lines, disconnects: () => disconnects };
	}

	it("connect() resolves with the server's Ack", async () => {
		const { roo, client } = await start();
		const ack = await client.connect({ timeoutMs: 5_000 });

		expect(roo.clientIds).toHaveLength(1);
		expect(ack).toEqual({ clientId: roo.clientIds[0], pid: roo.pid, ppid: roo.ppid });
		expect(client.clientId).toBe(roo.clientIds[0]);
		expect(client.serverProcess).toEqual({ pid: roo.pid, ppid: roo.ppid });
		expect(client.isReady).toBe(true);
	});

	it("sendCommand reaches the node-ipc server with our clientId and origin, in order", async () => {
		const { roo, client } = await start();
		const { clientId } = await client.connect({ timeoutMs: 5_000 });
		const sent: TaskCommand[] = [
			startNewTask,
			{ commandName: TaskCommandName.GetModes },
			{ commandName: TaskCommandName.SendMessage, data: { text: "continue ✓" } },
			...Array.from(
				{ length: 200 },
				(_, i): TaskCommand => ({ commandName: TaskCommandName.CancelTask, data: `${i}` }),
			),
		];
		for (const command of sent) client.sendCommand(command);

		await until(() => roo.received.length === sent.length, "all commands");
		for (const [i, { data, socketClientId }] of roo.received.entries()) {
			expect(socketClientId).toBe(clientId);
			expect(data).toEqual({ type: IpcMessageType.TaskCommand, origin: IpcOrigin.Client, clientId, data: sent[i] });
			expect(taskCommandMessageSchema.safeParse(data).success).toBe(true);
		}
	});

	it("turns broadcast events (taskStarted, message, taskCompleted) into TaskEvent", async () => {
		const { roo, client, events, lines } = await start();
		const { clientId } = await client.connect({ timeoutMs: 5_000 });
		const big = messageEvent(bigText());

		for (const data of [taskStarted, messageEvent("Hello from Roo Code"), taskCompleted, big]) {
			roo.broadcast({ type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data });
		}
		roo.broadcast({
			type: IpcMessageType.TaskEvent,
			origin: IpcOrigin.Server,
			relayClientId: clientId,
			data: taskStarted,
		});

		await until(() => events.length === 5, "5 events");
		expect(events).toEqual([
			{ event: taskStarted, relayClientId: undefined },
			{ event: messageEvent("Hello from Roo Code"), relayClientId: undefined },
			{ event: taskCompleted, relayClientId: undefined },
			{ event: big, relayClientId: undefined },
			{ event: taskStarted, relayClientId: clientId },
		]);
		expect(lines.filter((line) => line.level === "warn")).toEqual([]);
	});

	it("drops events with invalid payloads, logs them and stays connected", async () => {
		const { roo, client, events, lines, disconnects } = await start();
		await client.connect({ timeoutMs: 5_000 });
		const envelope = (data: unknown) => ({ type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data });

		roo.broadcast(envelope({ eventName: RooCodeEventName.TaskCompleted, payload: ["roo-task-1"] }));
		roo.broadcast(envelope({ eventName: "noSuchEvent", payload: [] }));
		roo.broadcast(envelope({ eventName: RooCodeEventName.TaskStarted, payload: [42] }));
		roo.broadcast({ type: IpcMessageType.TaskCommand, origin: IpcOrigin.Client, clientId: "x", data: startNewTask });
		roo.broadcast("not an object");
		roo.broadcast(envelope(taskStarted));

		await until(() => events.length === 1, "the one valid event");
		const dropped = lines.filter((line) => line.level === "warn" && line.message.startsWith("dropped frame"));
		expect(dropped).toHaveLength(5);
		expect(dropped[0]?.message).toContain("taskCompleted");
		expect(events).toEqual([{ event: taskStarted, relayClientId: undefined }]);
		expect(client.isReady).toBe(true);
		expect(disconnects()).toBe(0);
	});

	it("reconnects after the node-ipc server restarts, even when its Ack takes a while", async () => {
		const ackDelayMs = 50;
		const { roo, client } = await start({ ackDelayMs });
		const first = await client.connect({ timeoutMs: 5_000 });

		await roo.stop();
		await until(() => !client.isReady, "the client to notice the restart");
		const restarted = await serveLikeRooCode(socketPath, { ackDelayMs });
		cleanups.push(() => restarted.stop());

		await until(() => client.isReady, "the background reconnect", 5_000);
		// One connection, not a churn of attempts each abandoned before the Ack could arrive.
		expect(restarted.clientIds).toHaveLength(1);
		expect(client.clientId).toBe(restarted.clientIds[0]);
		expect(client.clientId).not.toBe(first.clientId);
	});
});
