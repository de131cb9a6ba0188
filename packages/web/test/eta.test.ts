import { describe, expect, it } from "vitest";
import { elapsedMs, estimateRemainingMs, runEtaMs } from "../src/lib/eta.js";
import { run } from "./fixtures.js";

describe("estimateRemainingMs", () => {
	it("extrapolates the run's own throughput", () => {
		// 4 tasks finished in 8 minutes, 6 to go: 2 minutes each → 12 minutes.
		expect(estimateRemainingMs({ elapsedMs: 480_000, finished: 4, remaining: 6 })).toBe(720_000);
	});

	it("is zero when nothing remains and unknown before the first verdict", () => {
		expect(estimateRemainingMs({ elapsedMs: 1000, finished: 3, remaining: 0 })).toBe(0);
		expect(estimateRemainingMs({ elapsedMs: 1000, finished: 0, remaining: 3 })).toBeNull();
	});

	it("falls back to the server's estimate, aged, before the first verdict", () => {
		expect(
			estimateRemainingMs({ elapsedMs: 1000, finished: 0, remaining: 3, serverEtaMs: 60_000, serverEtaAgeMs: 10_000 }),
		).toBe(50_000);
		expect(
			estimateRemainingMs({ elapsedMs: 1000, finished: 0, remaining: 3, serverEtaMs: 5_000, serverEtaAgeMs: 10_000 }),
		).toBe(0);
	});
});

describe("run clock", () => {
	const clock = { elapsedMs: 60_000, etaMs: 120_000, fetchedAt: 1_000_000 };

	it("ticks from the server's elapsed time while running", () => {
		expect(elapsedMs(run({ status: "running", durationMs: 60_000 }), clock, 1_005_000)).toBe(65_000);
	});

	it("uses the final duration once the run is over", () => {
		expect(elapsedMs(run({ status: "completed", durationMs: 90_000 }), clock, 9_999_999)).toBe(90_000);
	});

	it("estimates a running run from its counters", () => {
		const live = run({ status: "running", total: 10, passed: 3, failed: 1, running: 2, pending: 4 });
		// 4 finished in 60 s, 6 remain → 90 s.
		expect(runEtaMs(live, clock, 1_000_000)).toBe(90_000);
		expect(runEtaMs(run({ status: "completed" }), clock, 1_000_000)).toBeNull();
	});
});
