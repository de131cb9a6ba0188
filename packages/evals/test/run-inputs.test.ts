import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SuiteLoadError } from "../src/exercises/types.js";
import { createRun, gatherRunInputs } from "../src/run/plan.js";
import { harness, tempDir } from "./helpers/runner.js";

// `evals run` gathers a run's inputs while its store opens, and hands them to createRun later.
describe("run inputs gathered before the store opens", () => {
	const opened = harness();
	afterAll(async () => (await opened).close());

	it("plan the same run as createRun gathering them itself", async () => {
		const h = await opened;
		const config = h.config({ model: "oracle" });
		const inputs = gatherRunInputs(config);
		const early = await createRun(h.store, config, inputs);
		const late = await createRun(h.store, config);
		for (const planned of [early, late]) {
			expect(planned.tasks.map((task) => `${task.language}/${task.exercise}`)).toEqual(["python/adder"]);
			expect(Object.keys(planned.run.environment?.exerciseHashes ?? {})).toEqual(["python/adder"]);
		}
		expect(early.sandbox.name).toBe(late.sandbox.name);
		expect(early.run.environment?.exerciseHashes).toEqual(late.run.environment?.exerciseHashes);
	});

	it("fail the run with the input's own error, and never as an unhandled rejection", async () => {
		const h = await opened;
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on("unhandledRejection", onUnhandled);
		try {
			const config = h.config({ model: "oracle", suite: path.join(tempDir("inputs"), "no-such-suite") });
			const inputs = gatherRunInputs(config);
			// The store is still opening: the failed loads wait, unobserved, for createRun.
			await new Promise((resolve) => setTimeout(resolve, 200));
			await expect(createRun(h.store, config, inputs)).rejects.toBeInstanceOf(SuiteLoadError);
			// Gathered and never used (the store failed to open): still nothing unhandled.
			gatherRunInputs(config);
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(unhandled).toEqual([]);
		} finally {
			process.off("unhandledRejection", onUnhandled);
		}
	});
});
