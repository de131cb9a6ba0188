import { decodeClientFrame, decodeServerFrame, encodeFrame } from "@agent-evals/ipc";
import { describe, expect, it } from "vitest";

const strip = (frame: string) => frame.slice(0, -1);

describe("envelope", () => {
	it("wraps messages the way node-ipc does", () => {
		const frame = encodeFrame({ type: "Ack", origin: "server", data: { clientId: "abc", pid: 1, ppid: 2 } });
		expect(frame.endsWith("\f")).toBe(true);
		expect(JSON.parse(strip(frame))).toEqual({
			type: "message",
			data: { type: "Ack", origin: "server", data: { clientId: "abc", pid: 1, ppid: 2 } },
		});
	});

	it("escapes form feeds inside strings so they cannot end a frame", () => {
		const frame = encodeFrame({
			type: "TaskEvent",
			origin: "server",
			data: { eventName: "taskModeSwitched", payload: ["t\f1", "code\f"] },
		});
		expect(strip(frame)).not.toContain("\f");
		const decoded = decodeServerFrame(strip(frame));
		expect(decoded.ok && decoded.message.type === "TaskEvent" && decoded.message.data.payload).toEqual([
			"t\f1",
			"code\f",
		]);
	});

	it("accepts commands only from clients and Acks/events only from servers", () => {
		const command = strip(
			encodeFrame({ type: "TaskCommand", origin: "client", clientId: "abc", data: { commandName: "GetModes" } }),
		);
		const ack = strip(encodeFrame({ type: "Ack", origin: "server", data: { clientId: "abc", pid: 1, ppid: 2 } }));
		expect(decodeClientFrame(command).ok).toBe(true);
		expect(decodeServerFrame(command).ok).toBe(false);
		expect(decodeServerFrame(ack).ok).toBe(true);
		expect(decodeClientFrame(ack).ok).toBe(false);
	});

	it.each([
		["malformed JSON", "{nope", /malformed JSON/],
		["another node-ipc event", '{"type":"ping","data":{}}', /not a node-ipc "message" frame/],
		[
			"a bare IpcMessage",
			'{"type":"TaskCommand","origin":"client","clientId":"a","data":{"commandName":"GetModes"}}',
			/not a node-ipc/,
		],
		[
			"an unknown command",
			'{"type":"message","data":{"type":"TaskCommand","origin":"client","clientId":"a","data":{"commandName":"Boom"}}}',
			/invalid message/,
		],
	])("explains why it drops %s", (_name, frame, reason) => {
		const decoded = decodeClientFrame(frame);
		expect(decoded.ok).toBe(false);
		expect(!decoded.ok && decoded.error).toMatch(reason);
	});
});
