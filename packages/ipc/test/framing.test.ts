import { FrameDecoder, FrameTooLargeError } from "@agent-evals/ipc";
import { describe, expect, it } from "vitest";

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("FrameDecoder", () => {
	it("splits several frames in one read", () => {
		expect(new FrameDecoder().push(bytes('{"a":1}\f{"b":2}\f'))).toEqual(['{"a":1}', '{"b":2}']);
	});

	it("reassembles a frame split across reads, byte by byte", () => {
		const decoder = new FrameDecoder();
		const frame = bytes('{"text":"héllo ✓ 𝄞"}\f');
		const out: string[] = [];
		for (const byte of frame) out.push(...decoder.push(Buffer.from([byte])));
		expect(out).toEqual(['{"text":"héllo ✓ 𝄞"}']);
		expect(decoder.bufferedBytes).toBe(0);
	});

	it("keeps a trailing partial frame for the next read", () => {
		const decoder = new FrameDecoder();
		expect(decoder.push(bytes('{"a":1}\f{"b"'))).toEqual(['{"a":1}']);
		expect(decoder.bufferedBytes).toBe(4);
		expect(decoder.push(bytes(":2}\f"))).toEqual(['{"b":2}']);
	});

	it("skips empty frames", () => {
		expect(new FrameDecoder().push(bytes("\f\f{}\f\f"))).toEqual(["{}"]);
	});

	it("refuses a frame over the limit, complete or not, and resets", () => {
		const decoder = new FrameDecoder(8);
		expect(() => decoder.push(bytes("123456789\f"))).toThrow(FrameTooLargeError);
		expect(decoder.bufferedBytes).toBe(0);
		decoder.push(bytes("12345"));
		expect(() => decoder.push(bytes("6789"))).toThrow(/exceeds the limit of 8 bytes/);
		expect(decoder.bufferedBytes).toBe(0);
		expect(decoder.push(bytes("12345678\f"))).toEqual(["12345678"]);
	});

	it("does not keep a reference to the caller's buffer for a partial frame", () => {
		const decoder = new FrameDecoder();
		const chunk = bytes('{"a":');
		decoder.push(chunk);
		chunk.fill(0x20);
		expect(decoder.push(bytes("1}\f"))).toEqual(['{"a":1}']);
	});
});
