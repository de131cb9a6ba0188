import type { TaskEvent } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import { MemoryBus } from "../src/bus/index.js";
import type { Store } from "../src/db/store.js";
import { EventRecorder } from "../src/run/event-recorder.js";
import { RunNotes } from "../src/run/run-notes.js";

describe("run notes: failures of the platform are kept, never swallowed", () => {
	it("logs each failure with its task and keeps it for the run", () => {
		const logged: string[] = [];
		const notes = new RunNotes(7, (line) => logged.push(line));
		notes.failed("saving a tool error", new Error("connection reset"), 12);
		notes.catcher("the heartbeat key")(new Error("Redis is down"));
		expect(notes.list()).toEqual([
			"task 12: saving a tool error failed: connection reset",
			"the heartbeat key failed: Redis is down",
		]);
		expect(logged).toEqual([
			"run 7 task 12: saving a tool error failed: connection reset",
			"run 7 the heartbeat key failed: Redis is down",
		]);
	});

	it("caps what it keeps and says how many more there were", () => {
		const notes = new RunNotes(1, () => {});
		for (let i = 0; i < 60; i++) notes.failed("publishing an event", new Error(`e${i}`), i);
		const list = notes.list();
		expect(list).toHaveLength(51);
		expect(list.at(-1)).toBe("… and 10 more (see the log)");
	});

	it("notes events the store could not take instead of dropping them silently", async () => {
		const failing = {
			events: { append: async () => Promise.reject(new Error("disk full")) },
		} as unknown as Store;
		const notes = new RunNotes(3, () => {});
		const recorder = new EventRecorder(failing, new MemoryBus(), 3, 9, notes);
		const started: TaskEvent = { eventName: "taskStarted", payload: ["agent-task"] };
		recorder.record(started);
		recorder.record({ ...started });
		await recorder.flush();
		expect(notes.list()).toEqual(["task 9: storing 2 events failed: disk full"]);
	});
});
