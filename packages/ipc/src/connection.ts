import type { Socket } from "node:net";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameTooLargeError } from "./framing.js";

export interface ConnectionLimits {
	/** Largest frame accepted from the peer. */
	maxFrameBytes?: number;
	/** Largest backlog of unsent bytes before a peer that does not read is dropped. */
	maxPendingWriteBytes?: number;
}

export const DEFAULT_MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024;

/**
 * One socket with framing on top: complete frames out, whole frames in. Both ends of the
 * protocol use it; it knows nothing of message types.
 */
export class FramedConnection {
	private readonly decoder: FrameDecoder;
	private readonly maxPendingWriteBytes: number;
	private corked = false;
	private readonly uncork = () => {
		this.corked = false;
		this.socket.uncork();
	};

	constructor(
		readonly socket: Socket,
		handlers: {
			frame: (frame: string) => void;
			/** The connection is unusable (oversized frame, slow reader); it is destroyed after this. */
			violation: (reason: string) => void;
		},
		limits: ConnectionLimits = {},
	) {
		this.decoder = new FrameDecoder(limits.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
		this.maxPendingWriteBytes = limits.maxPendingWriteBytes ?? DEFAULT_MAX_PENDING_WRITE_BYTES;
		socket.on("data", (chunk: Buffer) => {
			let frames: string[];
			try {
				frames = this.decoder.push(chunk);
			} catch (error) {
				if (!(error instanceof FrameTooLargeError)) throw error;
				handlers.violation(error.message);
				this.destroy();
				return;
			}
			for (const frame of frames) {
				if (socket.destroyed) return;
				handlers.frame(frame);
			}
		});
		// Anything still buffered belongs to a frame that will never finish.
		socket.on("close", () => this.decoder.reset());
	}

	/** Writes one encoded frame. Returns false (and drops the peer) when it stopped reading. */
	write(frame: string, onViolation?: (reason: string) => void): boolean {
		if (this.socket.destroyed || !this.socket.writable) return false;
		if (this.socket.writableLength > this.maxPendingWriteBytes) {
			onViolation?.(`peer is not reading: ${this.socket.writableLength} bytes pending`);
			this.destroy();
			return false;
		}
		// Frames written in the same tick leave in one writev: under load that is one syscall and
		// one wake-up of the peer per batch instead of per frame. A lone reply waits only for the
		// end of the current tick.
		if (!this.corked) {
			this.corked = true;
			this.socket.cork();
			process.nextTick(this.uncork);
		}
		this.socket.write(frame);
		return true;
	}

	destroy(): void {
		// Hand frames written earlier in this tick to the kernel first, as an uncorked write would
		// have, so "send, then disconnect" still delivers the send.
		if (this.corked) this.uncork();
		this.decoder.reset();
		this.socket.destroy();
	}
}
