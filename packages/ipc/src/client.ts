import { EventEmitter } from "node:events";
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
	type Ack,
	IpcMessageType,
	IpcOrigin,
	implausibleValues,
	type TaskCommand,
	type TaskEvent,
	taskCommandSchema,
} from "@agent-evals/types";
import { type ConnectionLimits, FramedConnection } from "./connection.js";
import { decodeServerFrame, encodeFrame, preview } from "./envelope.js";
import { IpcClientError } from "./errors.js";
import { type IpcLogger, stderrLogger } from "./log.js";
import { toPlatformSocketPath } from "./socket-path.js";

export interface IpcClientOptions extends ConnectionLimits {
	log?: IpcLogger;
	/** After an unexpected disconnect, keep trying to reconnect until `disconnect()`. */
	reconnect?: boolean;
}

export interface ConnectOptions {
	/** Total time for the socket to appear, accept and Ack. Default 30 s. */
	timeoutMs?: number;
	/** Pause between attempts while the socket is missing or refuses. Default 50 ms. */
	retryDelayMs?: number;
}

export type IpcClientEvents = {
	[IpcMessageType.Connect]: [];
	[IpcMessageType.Disconnect]: [];
	[IpcMessageType.Ack]: [ack: Ack];
	[IpcMessageType.TaskEvent]: [event: TaskEvent, relayClientId: string | undefined];
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY_DELAY_MS = 50;

/** Errors that mean "the server is not there yet", worth retrying until the deadline. */
const NOT_YET_LISTENING = new Set(["ENOENT", "ECONNREFUSED", "EAGAIN", "ECONNRESET"]);

/** setTimeout turns anything above this (e.g. the reconnect loop's infinite deadline) into 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The runner side of the protocol. `connect()` resolves once the socket is connected and the
 * server's Ack has arrived, so `sendCommand` can be used straight away.
 */
export class IpcClient extends EventEmitter<IpcClientEvents> {
	readonly socketPath: string;
	private readonly log: IpcLogger;
	private readonly options: IpcClientOptions;
	private connection: FramedConnection | undefined;
	private ack: Ack | undefined;
	private connecting: Promise<Ack> | undefined;
	private abort = new AbortController();
	private closedByUser = false;

	constructor(socketPath: string, options: IpcClientOptions = {}) {
		super();
		this.socketPath = toPlatformSocketPath(socketPath);
		this.log = options.log ?? stderrLogger;
		this.options = options;
	}

	get isReady(): boolean {
		return this.ack !== undefined && this.connection !== undefined && !this.connection.socket.destroyed;
	}

	get clientId(): string | undefined {
		return this.ack?.clientId;
	}

	/** The agent's pid and its parent's, from the Ack. */
	get serverProcess(): { pid: number; ppid: number } | undefined {
		return this.ack && { pid: this.ack.pid, ppid: this.ack.ppid };
	}

	connect(options: ConnectOptions = {}): Promise<Ack> {
		if (this.isReady && this.ack) return Promise.resolve(this.ack);
		if (!this.connecting) {
			this.closedByUser = false;
			if (this.abort.signal.aborted) this.abort = new AbortController();
			this.connecting = this.connectLoop(options).finally(() => {
				this.connecting = undefined;
			});
		}
		return this.connecting;
	}

	/** Sends a command. Throws if the client has not been acked (the server would drop it). */
	sendCommand(command: TaskCommand): void {
		const connection = this.connection;
		if (!this.isReady || !connection || !this.ack) {
			throw new IpcClientError("not_ready", `IPC client is not connected to ${this.socketPath}`);
		}
		const checked = taskCommandSchema.safeParse(command);
		if (!checked.success) {
			throw new TypeError(`invalid ${command?.commandName ?? "command"}: ${checked.error.message}`);
		}
		connection.write(
			encodeFrame({
				type: IpcMessageType.TaskCommand,
				origin: IpcOrigin.Client,
				clientId: this.ack.clientId,
				data: checked.data,
			}),
		);
	}

	/** Closes the connection and stops any connect or reconnect in progress. */
	disconnect(): void {
		this.closedByUser = true;
		this.abort.abort();
		this.connection?.destroy();
	}

	private async connectLoop(options: ConnectOptions): Promise<Ack> {
		const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
		const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
		const deadline = Date.now() + timeoutMs;
		const signal = this.abort.signal;
		let lastProblem = "no attempt made";
		for (;;) {
			if (signal.aborted) throw new IpcClientError("disconnected", "connect cancelled by disconnect()");
			const attempt = await this.attempt(deadline, signal);
			if (attempt.ok) return attempt.ack;
			// disconnect() may land during an attempt as well as between attempts: the same answer.
			if (signal.aborted) throw new IpcClientError("disconnected", "connect cancelled by disconnect()");
			lastProblem = attempt.problem;
			if (!attempt.retry) {
				throw new IpcClientError("connect_failed", `cannot connect to ${this.socketPath}: ${lastProblem}`);
			}
			const wait = Math.min(retryDelayMs, deadline - Date.now());
			if (wait <= 0) {
				throw new IpcClientError(
					"timeout",
					`timed out after ${timeoutMs} ms connecting to ${this.socketPath} (last: ${lastProblem})`,
				);
			}
			await sleep(wait, undefined, { signal }).catch(() => undefined);
		}
	}

	/** One try: connect, then wait for the Ack until the deadline. */
	private attempt(
		deadline: number,
		signal: AbortSignal,
	): Promise<{ ok: true; ack: Ack } | { ok: false; retry: boolean; problem: string }> {
		return new Promise((resolve) => {
			const socket = createConnection(this.socketPath);
			let settled = false;
			let connected = false;
			const finish = (result: { ok: true; ack: Ack } | { ok: false; retry: boolean; problem: string }) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				signal.removeEventListener("abort", onAbort);
				if (!result.ok) socket.destroy();
				resolve(result);
			};
			const onAbort = () => finish({ ok: false, retry: false, problem: "cancelled by disconnect()" });
			signal.addEventListener("abort", onAbort, { once: true });
			const timer = setTimeout(
				() => finish({ ok: false, retry: true, problem: connected ? "connected but no Ack arrived" : "no answer" }),
				Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())),
			);

			socket.once("error", (error: NodeJS.ErrnoException) => {
				const code = error.code ?? "";
				finish({ ok: false, retry: NOT_YET_LISTENING.has(code), problem: `${code || "error"}: ${error.message}` });
			});
			socket.once("connect", () => {
				connected = true;
				this.adopt(socket, (ack) => finish({ ok: true, ack }));
				socket.once("close", () => finish({ ok: false, retry: true, problem: "closed before the Ack" }));
			});
		});
	}

	private adopt(socket: Socket, onAck: (ack: Ack) => void): void {
		const connection = new FramedConnection(
			socket,
			{
				frame: (frame) => this.receive(frame, onAck),
				violation: (reason) => this.log("warn", `disconnecting from ${this.socketPath}: ${reason}`),
			},
			this.options,
		);
		this.connection = connection;
		socket.on("error", (error) => this.log("debug", `socket error: ${error.message}`));
		socket.once("close", () => {
			if (this.connection !== connection) return;
			const wasReady = this.ack !== undefined;
			this.connection = undefined;
			this.ack = undefined;
			this.emit(IpcMessageType.Disconnect);
			if (wasReady && this.options.reconnect && !this.closedByUser) this.reconnectInBackground();
		});
		this.emit(IpcMessageType.Connect);
	}

	private receive(frame: string, onAck: (ack: Ack) => void): void {
		const decoded = decodeServerFrame(frame);
		if (!decoded.ok) {
			this.log("warn", `dropped frame from server: ${decoded.error}: ${preview(frame)}`);
			return;
		}
		const message = decoded.message;
		if (message.type === IpcMessageType.Ack) {
			this.ack = message.data;
			this.emit(IpcMessageType.Ack, message.data);
			onAck(message.data);
			return;
		}
		// Roo Code's schemas allow values such as negative token counts, so the event is kept; the
		// log says what is wrong with it.
		for (const problem of implausibleValues(message.data))
			this.log("warn", `implausible event from server: ${problem}`);
		this.emit(IpcMessageType.TaskEvent, message.data, message.relayClientId);
	}

	private reconnectInBackground(): void {
		this.log("info", `connection to ${this.socketPath} lost; reconnecting`);
		this.connect({ timeoutMs: Number.POSITIVE_INFINITY }).catch((error: Error) => {
			if (!this.closedByUser) this.log("warn", `reconnect to ${this.socketPath} stopped: ${error.message}`);
		});
	}
}
