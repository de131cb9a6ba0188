import { afterAll, describe, expect, it } from "vitest";
import { type Coordination, MemoryCoordination, runnerMember } from "../src/bus/index.js";
import { RedisBus } from "../src/bus/redis-bus.js";
import { redisUrl } from "./helpers/postgres.js";

// The same contract for every backend: the controller only ever talks to this interface.
const backends: Array<[string, () => Promise<{ coordination: Coordination; close(): Promise<void> }>]> = [
	["memory", async () => ({ coordination: new MemoryCoordination(), close: async () => {} })],
];
if (redisUrl) {
	backends.push([
		"redis",
		async () => {
			const bus = await RedisBus.connect(redisUrl ?? "");
			return { coordination: bus.coordination, close: () => bus.close() };
		},
	]);
}

describe.each(backends)("coordination (%s)", (_name, open) => {
	const opened: Array<{ close(): Promise<void> }> = [];
	afterAll(async () => {
		await Promise.all(opened.map((o) => o.close()));
	});
	// Run ids far from any real run's, different per test file run.
	const runId = 900_000_000 + Math.floor(Math.random() * 1_000_000);

	it("keeps a heartbeat until cleared, and lets it expire", async () => {
		const backend = await open();
		opened.push(backend);
		const { coordination } = backend;
		expect(await coordination.heartbeatOf(runId)).toBeUndefined();
		await coordination.beat(runId, 4242, 10);
		expect(await coordination.heartbeatOf(runId)).toBe(4242);
		await coordination.clearBeat(runId);
		expect(await coordination.heartbeatOf(runId)).toBeUndefined();
		await coordination.beat(runId + 1, 7, 1);
		await new Promise((resolve) => setTimeout(resolve, 1_200));
		expect(await coordination.heartbeatOf(runId + 1)).toBeUndefined();
	});

	it("lists the tasks in flight by host", async () => {
		const backend = await open();
		opened.push(backend);
		const { coordination } = backend;
		const a = runnerMember(1, "host-a");
		const b = runnerMember(2, "host-b");
		expect(a).toBe("task-1:host-a");
		await coordination.addRunner(runId + 2, a, 60);
		await coordination.addRunner(runId + 2, b, 60);
		expect((await coordination.runners(runId + 2)).sort()).toEqual([a, b]);
		await coordination.removeRunner(runId + 2, a);
		expect(await coordination.runners(runId + 2)).toEqual([b]);
		await coordination.removeRunner(runId + 2, b);
		expect(await coordination.runners(runId + 2)).toEqual([]);
	});
});
