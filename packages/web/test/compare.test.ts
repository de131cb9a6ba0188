import { describe, expect, it } from "vitest";
import { buildComparison, parseRunIds } from "../src/lib/compare.js";
import { run, task } from "./fixtures.js";

describe("buildComparison", () => {
	const base = run({ id: 1, passRate: 0.5, cost: 1, durationMs: 100_000 });
	const next = run({ id: 2, passRate: 1, cost: 1.5, durationMs: 80_000 });
	const comparison = buildComparison([
		{
			run: base,
			tasks: [
				task({ runId: 1, language: "go", exercise: "bowling", status: "failed", cost: 0.4, durationMs: 50_000 }),
				task({ runId: 1, language: "python", exercise: "anagram", status: "passed", cost: 0.6, durationMs: 50_000 }),
				task({ runId: 1, language: "rust", exercise: "only-base", status: "passed" }),
			],
		},
		{
			run: next,
			tasks: [
				task({ runId: 2, language: "go", exercise: "bowling", status: "passed", cost: 0.5, durationMs: 40_000 }),
				task({ runId: 2, language: "python", exercise: "anagram", status: "passed", cost: 1, durationMs: 40_000 }),
			],
		},
	]);

	it("has one row per language/exercise, sorted, and one column per run in order", () => {
		expect(comparison.rows.map((row) => row.key)).toEqual(["go/bowling", "python/anagram", "rust/only-base"]);
		expect(comparison.columns.map((column) => column.run.id)).toEqual([1, 2]);
	});

	it("marks fixes, unchanged cells and exercises missing from a run", () => {
		const [bowling, anagram, onlyBase] = comparison.rows;
		expect(bowling?.cells.map((cell) => cell.change)).toEqual(["base", "improved"]);
		expect(bowling?.changed).toBe(true);
		expect(anagram?.cells.map((cell) => cell.change)).toEqual(["base", "same"]);
		expect(anagram?.changed).toBe(false);
		expect(onlyBase?.cells[1]).toMatchObject({ outcome: "missing", change: "changed", costDelta: null });
		expect(comparison.changedRows).toBe(2);
	});

	it("gives cost and duration deltas against the baseline", () => {
		const bowling = comparison.rows[0]?.cells[1];
		expect(bowling?.costDelta).toBeCloseTo(0.1);
		expect(bowling?.durationDelta).toBe(-10_000);
		const column = comparison.columns[1];
		expect(column?.passRateDelta).toBeCloseTo(0.5);
		expect(column?.costDelta).toBeCloseTo(0.5);
		expect(column?.durationDelta).toBe(-20_000);
		expect(column).toMatchObject({ improved: 1, regressed: 0 });
		expect(comparison.columns[0]).toMatchObject({ passRateDelta: null, costDelta: null });
	});

	it("folds iterations into a fractional score and flags regressions", () => {
		const result = buildComparison([
			{
				run: run({ id: 1 }),
				tasks: [task({ exercise: "x", status: "passed" }), task({ exercise: "x", iteration: 2, status: "passed" })],
			},
			{
				run: run({ id: 2 }),
				tasks: [task({ exercise: "x", status: "passed" }), task({ exercise: "x", iteration: 2, status: "failed" })],
			},
		]);
		const cell = result.rows[0]?.cells[1];
		expect(cell).toMatchObject({ outcome: "partial", passed: 1, failed: 1, score: 0.5, change: "regressed" });
		expect(result.columns[1]?.regressed).toBe(1);
	});

	it("does not call a cell changed while it has no verdict", () => {
		const result = buildComparison([
			{ run: run({ id: 1 }), tasks: [task({ exercise: "x", status: "failed" })] },
			{ run: run({ id: 2 }), tasks: [task({ exercise: "x", status: "running" })] },
		]);
		expect(result.rows[0]?.cells[1]).toMatchObject({ outcome: "running", change: "same" });
	});
});

describe("parseRunIds", () => {
	it("keeps order (the baseline first) and drops junk and repeats", () => {
		expect(parseRunIds("3,1,2")).toEqual([3, 1, 2]);
		expect(parseRunIds(" 4, x, 4, -1, 0, 2.5, 7 ")).toEqual([4, 7]);
		expect(parseRunIds(null)).toEqual([]);
	});
});
