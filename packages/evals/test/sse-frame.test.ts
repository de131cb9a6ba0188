import { describe, expect, it } from "vitest";
import type { TaskEventRow } from "../src/db/schema.js";
import { sseFrame, storedEventFrame } from "../src/server/sse-frame.js";

describe("SSE frames", () => {
	it("puts each line of the data on a data: line, and ends with a blank line", () => {
		expect(sseFrame({ event: "run", data: "a\nb\r\nc", id: "7" })).toBe(
			"event: run\ndata: a\ndata: b\ndata: c\nid: 7\n\n",
		);
		expect(sseFrame({ data: "{}" })).toBe("data: {}\n\n");
	});

	it("frames a stored event with its id and name, once however many streams send it", () => {
		const row = { id: 42, eventName: "taskStarted", event: { eventName: "taskStarted", payload: ["t"] } };
		const frame = storedEventFrame(row as unknown as TaskEventRow);
		expect(frame).toBe(`event: taskStarted\ndata: ${JSON.stringify(row.event)}\nid: 42\n\n`);
		// The same row object: the cached text, even if the row were changed afterwards.
		row.event.payload = ["changed"];
		expect(storedEventFrame(row as unknown as TaskEventRow)).toBe(frame);
	});
});
