import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { encodeFrame, IpcClient, IpcClientError, IpcServer } from "@agent-evals/ipc";
import type { TaskCommand, TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { captureLog, nextEvent, socketPath, waitFor } from "./helpers/sockets.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(path = socketPath(), options: ConstructorParameters<typeof IpcServer>[1] = {}) {
	const log = captureLog();
	const server = new IpcServer(path, { log, ...options });
	await server.listen();
	cleanups.push(() => server.close());
	return { server, path, log };
}

async function connectClient(path: string, options: ConstructorParameters<typeof IpcClient>[1] = {}) {
	const client = new IpcClient(path, { log: captureLog(), ...options });
	cleanups.push(() => client.disconnect());
	await client.connect({ timeoutMs: 5_000 });
	return client;
}

const started = (id: string): TaskEvent => ({ eventName: "taskStarted", payload: [id] });

describe("handshake", () => {
	it("acks each client with its own 12-hex id and the server's pids", async () => {
		const { server, path } = await startServer();
		const connects: string[] = [];
		server.on("Connect", (id) => connects.push(id));
		const a = await connectClient(path);
		const b = await connectClient(path);
		expect(a.clientId).toMatch(/^[0-9a-f]{12}$/);
		expect(b.clientId).toMatch(/^[0-9a-f]{12}$/);
		expect(a.clientId).not.toBe(b.clientId);
		expect(a.serverProcess).toEqual({ pid: process.pid, ppid: process.ppid });
		expect(a.isReady).toBe(true);
		expect(connects.sort()).toEqual([a.clientId, b.clientId].sort());
		expect(server.clientCount).toBe(2);
	});

	it("sends the Ack to the new socket only", async () => {
		const { path } = await startServer();
		const first = await connectClient(path);
		const acks: unknown[] = [];
		first.on("Ack", (ack) => acks.push(ack));
		await connectClient(path);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(acks).toEqual([]);
	});
});

describe("commands and events", () => {
	it("delivers commands to the server with the sender's id", async () => {
		const { server, path } = await startServer();
		const client = await connectClient(path);
		const received = nextEvent<[string, TaskCommand]>(server, "TaskCommand");
		const command: TaskCommand = {
			commandName: "StartNewTask",
			data: { configuration: { apiProvider: "oracle", extra: { kept: true } }, text: "Fix the tests" },
		};
		client.sendCommand(command);
		const [clientId, got] = await received;
		expect(clientId).toBe(client.clientId);
		expect(got).toEqual(command);
	});

	it("broadcasts events to every client", async () => {
		const { server, path } = await startServer();
		const clients = await Promise.all([1, 2, 3, 4, 5].map(() => connectClient(path)));
		const all = Promise.all(clients.map((client) => nextEvent<[TaskEvent]>(client, "TaskEvent")));
		server.broadcast(started("t1"));
		for (const [event] of await all) expect(event).toEqual(started("t1"));
	});

	it("replies to one client only", async () => {
		const { server, path } = await startServer();
		const asker = await connectClient(path);
		const bystander = await connectClient(path);
		const bystanderEvents: TaskEvent[] = [];
		bystander.on("TaskEvent", (event) => bystanderEvents.push(event));
		server.on("TaskCommand", (clientId, command) => {
			if (command.commandName === "GetModes") {
				server.sendEvent(clientId, { eventName: "modesResponse", payload: [[{ slug: "code", name: "Code" }]] });
			}
		});
		const reply = nextEvent<[TaskEvent]>(asker, "TaskEvent");
		asker.sendCommand({ commandName: "GetModes" });
		expect((await reply)[0]).toEqual({ eventName: "modesResponse", payload: [[{ slug: "code", name: "Code" }]] });
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(bystanderEvents).toEqual([]);
		expect(server.send("000000000000", { type: "TaskEvent", origin: "server", data: started("x") })).toBe(false);
	});

	it("keeps order over many events and survives large ones", async () => {
		const { server, path } = await startServer();
		const client = await connectClient(path);
		const got: string[] = [];
		client.on("TaskEvent", (event) => {
			if (event.eventName === "taskStarted") got.push(event.payload[0]);
		});
		const big = "x".repeat(2 * 1024 * 1024);
		for (let i = 0; i < 2_000; i++) server.broadcast(started(i === 1_000 ? big : `t${i}`));
		await waitFor(() => got.length === 2_000, 10_000, "2000 events");
		expect(got[0]).toBe("t0");
		expect(got[1_000]).toBe(big);
		expect(got[1_999]).toBe("t1999");
	});

	it("passes on an event with values Roo Code allows but that cannot be right, and warns about them", async () => {
		const { server, path } = await startServer();
		const log = captureLog();
		const client = await connectClient(path, { log });
		const received = nextEvent<[TaskEvent]>(client, "TaskEvent");
		const usage = { totalTokensIn: -5, totalTokensOut: 1, totalCost: 0, contextTokens: 1 };
		const event: TaskEvent = {
			eventName: "taskTokenUsageUpdated",
			payload: ["t1", usage, { read_file: { attempts: 1, failures: 0 } }],
		};
		server.broadcast(event);
		expect((await received)[0]).toEqual(event);
		expect(log.lines).toEqual([
			{
				level: "warn",
				message: "implausible event from server: taskTokenUsageUpdated: TokenUsage.totalTokensIn is negative (-5)",
			},
		]);
	});

	it("emits Disconnect on both sides", async () => {
		const { server, path } = await startServer();
		const client = await connectClient(path);
		const serverSaw = nextEvent<[string]>(server, "Disconnect");
		const clientSaw = nextEvent(client, "Disconnect");
		const id = client.clientId;
		client.disconnect();
		expect((await serverSaw)[0]).toBe(id);
		await clientSaw;
		expect(server.clientCount).toBe(0);
		expect(client.isReady).toBe(false);
	});
});

describe("client readiness and timeouts", () => {
	it("refuses to send before it is connected", () => {
		const client = new IpcClient(socketPath());
		expect(() => client.sendCommand({ commandName: "GetModes" })).toThrow(IpcClientError);
	});

	it("rejects a malformed command before it reaches the wire", async () => {
		const { path } = await startServer();
		const client = await connectClient(path);
		const malformed = { commandName: "ResumeTask", data: 42 } as unknown as TaskCommand;
		expect(() => client.sendCommand(malformed)).toThrow(/invalid ResumeTask/);
	});

	it("waits for a server that starts later", async () => {
		const path = socketPath();
		const client = new IpcClient(path, { log: captureLog() });
		cleanups.push(() => client.disconnect());
		const connecting = client.connect({ timeoutMs: 5_000, retryDelayMs: 20 });
		await new Promise((resolve) => setTimeout(resolve, 200));
		await startServer(path);
		const ack = await connecting;
		expect(ack.clientId).toMatch(/^[0-9a-f]{12}$/);
	});

	it("times out with the path and the last problem when nothing listens", async () => {
		const path = socketPath();
		const client = new IpcClient(path, { log: captureLog() });
		const began = Date.now();
		const error = await client.connect({ timeoutMs: 300, retryDelayMs: 20 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(IpcClientError);
		expect((error as IpcClientError).code).toBe("timeout");
		expect((error as Error).message).toContain(path);
		expect((error as Error).message).toMatch(/ENOENT/);
		expect(Date.now() - began).toBeLessThan(2_000);
	});

	it("times out when the peer accepts but never acks", async () => {
		const path = socketPath();
		const silent = createServer(() => {});
		await new Promise<void>((resolve) => silent.listen(path, resolve));
		const sockets: Socket[] = [];
		silent.on("connection", (socket) => sockets.push(socket));
		cleanups.push(() => {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => silent.close(resolve));
		});
		const client = new IpcClient(path, { log: captureLog() });
		const error = await client.connect({ timeoutMs: 300 }).catch((e: unknown) => e);
		expect((error as IpcClientError).code).toBe("timeout");
		expect((error as Error).message).toMatch(/no Ack/);
	});

	it("stops connecting when disconnect() is called", async () => {
		const client = new IpcClient(socketPath(), { log: captureLog() });
		const connecting = client.connect({ timeoutMs: 10_000, retryDelayMs: 20 });
		setTimeout(() => client.disconnect(), 50);
		await expect(connecting).rejects.toMatchObject({ code: "disconnected" });
	});

	it("reports disconnected also when disconnect() lands while an attempt waits for the Ack", async () => {
		const path = socketPath();
		const silent = createServer(() => {});
		await new Promise<void>((resolve) => silent.listen(path, resolve));
		const sockets: Socket[] = [];
		silent.on("connection", (socket) => sockets.push(socket));
		cleanups.push(() => {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => silent.close(resolve));
		});
		const client = new IpcClient(path, { log: captureLog() });
		const connecting = client.connect({ timeoutMs: 10_000 });
		await waitFor(() => sockets.length === 1, 2_000, "the connection");
		client.disconnect();
		await expect(connecting).rejects.toMatchObject({ code: "disconnected" });
	});
});

describe("restarts", () => {
	it("reconnects on its own after the server restarts", async () => {
		const path = socketPath();
		const first = await startServer(path);
		const client = await connectClient(path, { reconnect: true });
		const oldId = client.clientId;
		const lost = nextEvent(client, "Disconnect");
		await first.server.close();
		await lost;
		const reacked = nextEvent(client, "Ack");
		const second = await startServer(path);
		await reacked;
		expect(client.isReady).toBe(true);
		expect(client.clientId).not.toBe(oldId);
		const received = nextEvent<[string, TaskCommand]>(second.server, "TaskCommand");
		client.sendCommand({ commandName: "GetModels" });
		expect((await received)[1]).toEqual({ commandName: "GetModels" });
	});

	it("can connect again by hand after a restart without reconnect", async () => {
		const path = socketPath();
		const first = await startServer(path);
		const client = await connectClient(path);
		const lost = nextEvent(client, "Disconnect");
		await first.server.close();
		await lost;
		expect(() => client.sendCommand({ commandName: "GetModes" })).toThrow(/not connected/);
		await startServer(path);
		await client.connect({ timeoutMs: 2_000 });
		expect(client.isReady).toBe(true);
	});
});

describe("socket file", () => {
	it("is owner-only while listening and removed on close", async () => {
		const { server, path } = await startServer();
		expect(statSync(path).mode & 0o777).toBe(0o600);
		await server.close();
		expect(existsSync(path)).toBe(false);
	});

	it("replaces a stale socket left by a killed server", async () => {
		const path = socketPath();
		const child = spawn(
			process.execPath,
			["-e", `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`],
			{ stdio: ["ignore", "pipe", "inherit"] },
		);
		await nextEvent(child.stdout, "data");
		const exited = nextEvent(child, "exit");
		child.kill("SIGKILL");
		await exited;
		expect(existsSync(path)).toBe(true);
		const { server } = await startServer(path);
		expect(server.isListening).toBe(true);
		await connectClient(path);
	});

	it("will not steal a socket a live server answers on", async () => {
		const { path } = await startServer();
		const second = new IpcServer(path, { log: captureLog() });
		await expect(second.listen()).rejects.toThrow(/already serving/);
	});
});

describe("hostile peers", () => {
	it("logs and drops bad frames and commands sent with someone else's id, and keeps serving", async () => {
		const { server, path, log } = await startServer();
		const good = await connectClient(path);
		const commands: TaskCommand[] = [];
		server.on("TaskCommand", (_id, command) => commands.push(command));
		const raw = createConnection(path);
		cleanups.push(() => raw.destroy());
		await nextEvent(raw, "connect");
		raw.write("{not json\f");
		raw.write(
			encodeFrame({
				type: "TaskCommand",
				origin: "client",
				clientId: "ffffffffffff",
				data: { commandName: "GetModes" },
			}),
		);
		raw.write(
			'{"type":"message","data":{"type":"TaskCommand","origin":"client","clientId":"x","data":{"commandName":"Nope"}}}\f',
		);
		await waitFor(() => log.lines.filter((l) => l.level === "warn").length >= 3, 2_000, "three warnings");
		expect(log.lines.map((l) => l.message).join("\n")).toMatch(
			/malformed JSON[\s\S]*is not its own[\s\S]*invalid message/,
		);
		good.sendCommand({ commandName: "GetCommands" });
		await waitFor(() => commands.length === 1, 2_000, "the good command");
		expect(commands).toEqual([{ commandName: "GetCommands" }]);
	});

	it("disconnects a client whose frame exceeds maxFrameBytes, and only that client", async () => {
		const { server, path, log } = await startServer(undefined, { maxFrameBytes: 1024 });
		const good = await connectClient(path);
		const raw = createConnection(path);
		raw.on("error", () => {});
		raw.resume(); // a paused socket never reads the EOF, so it would never see "close"
		await nextEvent(raw, "connect");
		const closed = nextEvent(raw, "close");
		raw.write("x".repeat(4096));
		await closed;
		expect(log.lines.some((l) => /exceeds the limit of 1024 bytes/.test(l.message))).toBe(true);
		await waitFor(() => server.clientCount === 1, 2_000, "the raw client to be dropped");
		const event = nextEvent<[TaskEvent]>(good, "TaskEvent");
		server.broadcast(started("still-here"));
		expect((await event)[0]).toEqual(started("still-here"));
	});

	it("forgets a client that vanishes mid-frame", async () => {
		const { server, path } = await startServer();
		const raw = createConnection(path);
		await nextEvent(raw, "connect");
		await waitFor(() => server.clientCount === 1, 2_000, "the raw client");
		raw.write('{"type":"message","data":{"type":"TaskCo');
		raw.destroy();
		await waitFor(() => server.clientCount === 0, 2_000, "the client to be forgotten");
	});

	it("survives a listener that throws", async () => {
		const { server, path, log } = await startServer();
		server.on("TaskCommand", () => {
			throw new Error("host bug");
		});
		const client = await connectClient(path);
		client.sendCommand({ commandName: "GetModes" });
		await waitFor(
			() => log.lines.some((l) => l.level === "error" && /host bug/.test(l.message)),
			2_000,
			"the error log",
		);
		const event = nextEvent<[TaskEvent]>(client, "TaskEvent");
		server.broadcast(started("alive"));
		expect((await event)[0]).toEqual(started("alive"));
	});
});

describe("closing while listening", () => {
	it("settles both calls without an error and leaves no socket", async () => {
		const path = socketPath();
		const server = new IpcServer(path, { log: captureLog() });
		const listening = server.listen();
		const closing = server.close();
		await expect(listening).resolves.toBeUndefined();
		await closing;
		expect(server.isListening).toBe(false);
		expect(existsSync(path)).toBe(false);
	});
});
