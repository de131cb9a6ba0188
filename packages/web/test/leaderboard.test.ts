import { describe, expect, it } from "vitest";
import { bestPerModel, isReferenceModel, languageScores, paretoFrontier, rankEntries } from "../src/lib/leaderboard.js";
import { run, task } from "./fixtures.js";

describe("languageScores", () => {
	it("computes the pass rate per language from verdicts only", () => {
		const scores = languageScores([
			task({ language: "go", status: "passed" }),
			task({ language: "go", status: "failed" }),
			task({ language: "go", status: "cancelled" }),
			task({ language: "rust", status: "pending" }),
		]);
		expect(scores.go).toEqual({ passed: 1, failed: 1, rate: 0.5 });
		expect(scores.rust).toEqual({ passed: 0, failed: 0, rate: null });
	});
});

describe("ranking", () => {
	it("ranks by pass rate, then cheaper, then more verdicts", () => {
		const entries = [
			{ run: run({ id: 1, passRate: 0.5, cost: 1 }) },
			{ run: run({ id: 2, passRate: 0.9, cost: 5 }) },
			{ run: run({ id: 3, passRate: 0.9, cost: 2 }) },
			{ run: run({ id: 4, passRate: null }) },
		];
		expect(rankEntries(entries).map((entry) => entry.run.id)).toEqual([3, 2, 1, 4]);
	});

	it("keeps each model's best run", () => {
		const entries = [
			{ run: run({ id: 1, model: "a:x", passRate: 0.5 }) },
			{ run: run({ id: 2, model: "a:x", passRate: 0.7 }) },
			{ run: run({ id: 3, model: "b:y", passRate: 0.6 }) },
		];
		expect(bestPerModel(entries).map((entry) => entry.run.id)).toEqual([2, 3]);
	});
});

describe("paretoFrontier", () => {
	it("keeps runs no other run beats on both cost and score", () => {
		const points = [
			{ id: 1, cost: 0, score: 0.4 },
			{ id: 2, cost: 1, score: 0.8 },
			{ id: 3, cost: 2, score: 0.7 }, // dearer and worse than 2
			{ id: 4, cost: 3, score: 0.95 },
			{ id: 5, cost: 1, score: 0.6 }, // same cost as 2, worse
		];
		expect(paretoFrontier(points).map((point) => point.id)).toEqual([1, 2, 4]);
	});
});

describe("isReferenceModel", () => {
	it("recognises the offline stand-ins, not real models", () => {
		expect(isReferenceModel("oracle")).toBe(true);
		expect(isReferenceModel("scripted")).toBe(true);
		expect(isReferenceModel("anthropic:claude-sonnet-4-5")).toBe(false);
		expect(isReferenceModel("openrouter:oracle/some-model")).toBe(false);
	});
});
