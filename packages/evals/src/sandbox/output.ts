/**
 * Keeps the first and the last bytes of a stream and counts what it drops in between. Test output
 * has its useful parts at both ends (compile errors at the start, the summary at the end), so a
 * cap that keeps only one end loses half of what a reader needs.
 */
export class HeadTailCapture {
	private readonly headMax: number;
	private readonly tailMax: number;
	private head: Buffer[] = [];
	private headBytes = 0;
	private tail: Buffer[] = [];
	private tailBytes = 0;
	private total = 0;

	constructor(maxBytes: number) {
		const max = Math.max(Math.floor(maxBytes), 2);
		this.headMax = Math.floor(max / 2);
		this.tailMax = max - this.headMax;
	}

	append(chunk: Buffer): void {
		this.total += chunk.length;
		let rest = chunk;
		if (this.headBytes < this.headMax) {
			const take = Math.min(this.headMax - this.headBytes, rest.length);
			this.head.push(rest.subarray(0, take));
			this.headBytes += take;
			rest = rest.subarray(take);
		}
		if (rest.length === 0) return;
		this.tail.push(rest);
		this.tailBytes += rest.length;
		while (this.tailBytes > this.tailMax) {
			const first = this.tail[0];
			if (first === undefined) break;
			const excess = this.tailBytes - this.tailMax;
			if (first.length <= excess) {
				this.tail.shift();
				this.tailBytes -= first.length;
			} else {
				this.tail[0] = first.subarray(excess);
				this.tailBytes -= excess;
			}
		}
	}

	get totalBytes(): number {
		return this.total;
	}

	get truncated(): boolean {
		return this.total > this.headBytes + this.tailBytes;
	}

	toString(): string {
		const head = Buffer.concat(this.head);
		const tail = Buffer.concat(this.tail);
		if (!this.truncated) return Buffer.concat([head, tail]).toString("utf8");
		const omitted = this.total - head.length - tail.length;
		return `${decodeHead(head)}\n[… ${omitted} bytes of output omitted …]\n${decodeTail(tail)}`;
	}
}

/** Caps a string to about `maxBytes` of UTF-8 the same way `HeadTailCapture` caps a stream. */
export function capText(text: string, maxBytes: number): string {
	const bytes = Buffer.from(text, "utf8");
	if (bytes.length <= maxBytes) return text;
	const capture = new HeadTailCapture(maxBytes);
	capture.append(bytes);
	return capture.toString();
}

function isContinuationByte(byte: number | undefined): boolean {
	return byte !== undefined && (byte & 0xc0) === 0x80;
}

// The cut may fall inside a multi-byte character; drop its pieces instead of printing U+FFFD.
function decodeHead(bytes: Buffer): string {
	let end = bytes.length;
	let back = 0;
	while (back < 4 && end - back - 1 >= 0 && isContinuationByte(bytes[end - back - 1])) back++;
	const lead = bytes[end - back - 1];
	if (lead !== undefined && lead >= 0xc0) {
		const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (back + 1 < needed) end = end - back - 1;
	}
	return bytes.subarray(0, end).toString("utf8");
}

function decodeTail(bytes: Buffer): string {
	let start = 0;
	while (start < bytes.length && start < 4 && isContinuationByte(bytes[start])) start++;
	return bytes.subarray(start).toString("utf8");
}
