/**
 * Framing: bytes on the socket <-> JSON text frames. node-ipc (and so Roo Code) ends every frame
 * with a form feed. JSON.stringify escapes U+000C inside strings and UTF-8 continuation bytes are
 * all >= 0x80, so a raw 0x0C byte can only ever be a delimiter: splitting on bytes is safe.
 */
export const FRAME_DELIMITER = "\f";
const DELIMITER_BYTE = 0x0c;

/** Default upper bound of one frame; a peer that sends more is disconnected. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export class FrameTooLargeError extends Error {
	constructor(
		readonly sizeBytes: number,
		readonly maxFrameBytes: number,
	) {
		super(`frame of at least ${sizeBytes} bytes exceeds the limit of ${maxFrameBytes} bytes`);
		this.name = "FrameTooLargeError";
	}
}

/**
 * Reassembles frames from socket reads. A frame may be split over reads and a read may hold
 * several frames. Only the unfinished tail is kept between reads, never more than the limit.
 */
export class FrameDecoder {
	private pending: Buffer[] = [];
	private pendingBytes = 0;

	constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

	/** Bytes held for a frame not yet complete. */
	get bufferedBytes(): number {
		return this.pendingBytes;
	}

	/**
	 * Feeds one read; returns the frames it completed, in order (empty frames are skipped).
	 * Throws FrameTooLargeError when an unfinished frame passes the limit; the decoder is then
	 * reset, and the caller should drop the connection since the stream can no longer be trusted.
	 */
	push(chunk: Buffer): string[] {
		const frames: string[] = [];
		let start = 0;
		let end = chunk.indexOf(DELIMITER_BYTE, start);
		while (end !== -1) {
			if (this.pendingBytes > 0) {
				this.pending.push(chunk.subarray(start, end));
				const size = this.pendingBytes + (end - start);
				this.checkSize(size);
				const frame = Buffer.concat(this.pending, size).toString("utf8");
				this.reset();
				if (frame.length > 0) frames.push(frame);
			} else if (end > start) {
				this.checkSize(end - start);
				frames.push(chunk.toString("utf8", start, end));
			}
			start = end + 1;
			end = chunk.indexOf(DELIMITER_BYTE, start);
		}
		if (start < chunk.length) {
			const tail = chunk.subarray(start);
			this.checkSize(this.pendingBytes + tail.length);
			// Copy so the socket's read buffer is not pinned while we wait for the rest.
			this.pending.push(Buffer.from(tail));
			this.pendingBytes += tail.length;
		}
		return frames;
	}

	reset(): void {
		this.pending = [];
		this.pendingBytes = 0;
	}

	private checkSize(size: number): void {
		if (size > this.maxFrameBytes) {
			this.reset();
			throw new FrameTooLargeError(size, this.maxFrameBytes);
		}
	}
}
