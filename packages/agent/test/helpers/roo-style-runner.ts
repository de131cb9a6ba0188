import { randomBytes } from "node:crypto";
import { ipcMessageSchema, taskCommandSchema } from "@roo-code/types";
import ipcModule from "node-ipc";

// node-ipc ships no types; this is the part a Roo Code runner uses.
interface NodeIpcClient {
	on(event: "message", handler: (data: unknown) => void): void;
	emit(type: string, data: unknown): void;
}
interface NodeIpc {
	config: { silent: boolean };
	of: Record<string, NodeIpcClient | undefined>;
	connectTo(id: string, path: string, callback: () => void): void;
	disconnect(id: string): void;
}
const NodeIpcClass = (ipcModule as { IPC: new () => NodeIpc }).IPC;

/** A TaskEvent as it arrived, unvalidated. */
export interface RawEvent {
	eventName: string;
	payload?: unknown[];
	taskId?: unknown;
}

/**
 * A runner that talks to an agent the way Roo Code's evals runner does: over node-ipc@12 (the
 * library under Roo Code's IpcClient), without SetTaskContext, and sending only commands Roo
 * Code's own schema accepts. It keeps every message exactly as it arrived, so a test can hold
 * each one against Roo Code's schemas instead of ours.
 */
export class RooStyleRunner {
	/** Every "message" payload, in order, unvalidated. */
	readonly messages: unknown[] = [];
	private readonly ipc = new NodeIpcClass();
	private readonly id = `roo-style-runner-${randomBytes(6).toString("hex")}`;
	private clientId: string | undefined;

	static async connect(socketPath: string, timeoutMs = 15_000): Promise<RooStyleRunner> {
		const runner = new RooStyleRunner();
		await runner.start(socketPath, timeoutMs);
		return runner;
	}

	/** The TaskEvents received so far (their `data`), in order. */
	get events(): RawEvent[] {
		return this.messages.flatMap((message) => {
			const { type, data } = message as { type?: unknown; data?: unknown };
			return type === "TaskEvent" && typeof data === "object" && data !== null ? [data as RawEvent] : [];
		});
	}

	/** Sends a command after checking it against Roo Code's schema, as Roo Code's runner would. */
	send(command: unknown): void {
		const checked = taskCommandSchema.safeParse(command);
		if (!checked.success) throw new Error(`Roo Code would not send this command: ${checked.error.message}`);
		if (!this.clientId) throw new Error("not acked yet");
		this.ipc.of[this.id]?.emit("message", {
			type: "TaskCommand",
			origin: "client",
			clientId: this.clientId,
			data: command,
		});
	}

	async waitFor(predicate: (event: RawEvent) => boolean, what: string, timeoutMs = 30_000): Promise<RawEvent> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.events.find(predicate);
			if (found) return found;
			if (Date.now() > deadline) {
				throw new Error(`timed out waiting for ${what}; got: ${this.events.map((e) => e.eventName).join(", ")}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	/** Stops node-ipc's reconnect loop and closes the socket. */
	stop(): void {
		this.ipc.disconnect(this.id);
	}

	private start(socketPath: string, timeoutMs: number): Promise<void> {
		this.ipc.config.silent = true;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no Ack from ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
			this.ipc.connectTo(this.id, socketPath, () => {
				this.ipc.of[this.id]?.on("message", (data) => {
					this.messages.push(data);
					const parsed = ipcMessageSchema.safeParse(data);
					if (parsed.success && parsed.data.type === "Ack" && !this.clientId) {
						this.clientId = parsed.data.data.clientId;
						clearTimeout(timer);
						resolve();
					}
				});
			});
		});
	}
}
