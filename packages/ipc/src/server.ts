import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { chmod, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { isMainThread } from "node:worker_threads";
import { type IpcMessage, IpcMessageType, IpcOrigin, type TaskCommand, type TaskEvent } from "@agent-evals/types";
import { type ConnectionLimits, FramedConnection } from "./connection.js";
import { decodeClientFrame, encodeFrame, preview } from "./envelope.js";
import { type IpcLogger, stderrLogger } from "./log.js";
import { isNamedPipe, removeStaleSocket, toPlatformSocketPath } from "./socket-path.js";

export interface IpcServerOptions extends ConnectionLimits {
	log?: IpcLogger;
}

export type IpcServerEvents = {
	[IpcMessageType.Connect]: [clientId: string];
	[IpcMessageType.Disconnect]: [clientId: string];
	[IpcMessageType.TaskCommand]: [clientId: string, command: TaskCommand];
	error: [error: Error];
};

/**
 * The agent side of the protocol: listens on a Unix socket (a named pipe on Windows), greets
 * every client with an Ack carrying its id, turns valid TaskCommand frames into events and
 * sends TaskEvents to all clients or one. Bad input is logged and dropped; it never throws
 * into the host.
 */
export class IpcServer extends EventEmitter<IpcServerEvents> {
	readonly socketPath: string;
	private readonly log: IpcLogger;
	private readonly limits: ConnectionLimits;
	private readonly clients = new Map<string, FramedConnection>();
	private server: Server | undefined;
	private pendingListen: Promise<void> | undefined;

	constructor(socketPath: string, options: IpcServerOptions = {}) {
		super();
		this.socketPath = toPlatformSocketPath(socketPath);
		this.log = options.log ?? stderrLogger;
		this.limits = { maxFrameBytes: options.maxFrameBytes, maxPendingWriteBytes: options.maxPendingWriteBytes };
	}

	get clientCount(): number {
		return this.clients.size;
	}

	get clientIds(): string[] {
		return [...this.clients.keys()];
	}

	get isListening(): boolean {
		return this.server?.listening ?? false;
	}

	async listen(): Promise<void> {
		if (this.server || this.pendingListen) throw new Error(`IPC server is already listening on ${this.socketPath}`);
		this.pendingListen = this.startListening();
		try {
			await this.pendingListen;
		} finally {
			this.pendingListen = undefined;
		}
	}

	private async startListening(): Promise<void> {
		await removeStaleSocket(this.socketPath);
		const server = createServer((socket) => this.accept(socket));
		this.server = server;
		try {
			await listenPrivately(server, this.socketPath);
		} catch (error) {
			this.server = undefined;
			throw error;
		}
		server.on("error", (error) => this.log("error", `server error on ${this.socketPath}: ${error.message}`));
		this.log("info", `listening on ${this.socketPath}`);
	}

	/** Stops listening, disconnects every client and removes the socket file. */
	async close(): Promise<void> {
		// A close() that arrives while listen() is still setting up (a signal at start-up) waits
		// for it, so the socket is not removed under a half-finished listen.
		await this.pendingListen?.catch(() => undefined);
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const connection of this.clients.values()) connection.destroy();
		await closed;
		if (!isNamedPipe(this.socketPath)) {
			await unlink(this.socketPath).catch(() => {
				// Already gone (or replaced by someone else's): nothing of ours left to clean.
			});
		}
		this.log("info", `closed ${this.socketPath}`);
	}

	/** Sends an event to every connected client. */
	broadcast(event: TaskEvent): void {
		if (this.clients.size === 0) return;
		const frame = encodeFrame({ type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data: event });
		for (const [clientId, connection] of this.clients) this.writeTo(clientId, connection, frame);
	}

	/** Sends one message to one client (replies to queries). Returns false if it is gone. */
	send(clientId: string, message: IpcMessage): boolean {
		const connection = this.clients.get(clientId);
		if (!connection) {
			this.log("debug", `not sent: client ${clientId} is not connected`);
			return false;
		}
		return this.writeTo(clientId, connection, encodeFrame(message));
	}

	/** Shorthand for `send` of a TaskEvent to one client. */
	sendEvent(clientId: string, event: TaskEvent): boolean {
		return this.send(clientId, { type: IpcMessageType.TaskEvent, origin: IpcOrigin.Server, data: event });
	}

	private accept(socket: Socket): void {
		const clientId = randomBytes(6).toString("hex");
		const connection = new FramedConnection(
			socket,
			{
				frame: (frame) => this.receive(clientId, frame),
				violation: (reason) => this.log("warn", `dropping client ${clientId}: ${reason}`),
			},
			this.limits,
		);
		this.clients.set(clientId, connection);
		socket.on("error", (error) => this.log("debug", `client ${clientId} socket error: ${error.message}`));
		socket.once("close", () => {
			if (this.clients.get(clientId) !== connection) return;
			this.clients.delete(clientId);
			this.emitSafely(IpcMessageType.Disconnect, clientId);
		});
		this.writeTo(
			clientId,
			connection,
			encodeFrame({
				type: IpcMessageType.Ack,
				origin: IpcOrigin.Server,
				data: { clientId, pid: process.pid, ppid: process.ppid },
			}),
		);
		this.emitSafely(IpcMessageType.Connect, clientId);
	}

	private receive(clientId: string, frame: string): void {
		const decoded = decodeClientFrame(frame);
		if (!decoded.ok) {
			this.log("warn", `dropped frame from client ${clientId}: ${decoded.error}: ${preview(frame)}`);
			return;
		}
		const message = decoded.message;
		if (message.clientId !== clientId) {
			// Sent before the Ack, or by a peer replaying another client's id.
			this.log(
				"warn",
				`dropped ${message.data.commandName} from ${clientId}: clientId "${message.clientId}" is not its own`,
			);
			return;
		}
		this.emitSafely(IpcMessageType.TaskCommand, clientId, message.data);
	}

	private writeTo(clientId: string, connection: FramedConnection, frame: string): boolean {
		return connection.write(frame, (reason) => this.log("warn", `dropping client ${clientId}: ${reason}`));
	}

	/** A throwing listener is the host's bug; it must not take the socket layer down with it. */
	private emitSafely<K extends keyof IpcServerEvents>(event: K, ...args: IpcServerEvents[K]): void {
		try {
			(this.emit as (event: K, ...args: IpcServerEvents[K]) => boolean)(event, ...args);
		} catch (error) {
			this.log("error", `listener for ${String(event)} threw: ${(error as Error).stack ?? error}`);
		}
	}
}

/**
 * Listens with the socket file readable and writable by its owner only. The umask covers the
 * moment between bind and chmod; worker threads cannot change the umask, so there only the
 * chmod applies.
 */
async function listenPrivately(server: Server, socketPath: string): Promise<void> {
	const listening = new Promise<void>((resolve, reject) => {
		server.once("listening", resolve);
		server.once("error", reject);
	});
	const restrictUmask = !isNamedPipe(socketPath) && isMainThread;
	const previousUmask = restrictUmask ? process.umask(0o177) : undefined;
	try {
		server.listen(socketPath);
	} finally {
		if (previousUmask !== undefined) process.umask(previousUmask);
	}
	await listening;
	if (!isNamedPipe(socketPath)) await chmod(socketPath, 0o600);
}
