import { describe, expect, it } from "vitest";
import {
	formatCost,
	formatDelta,
	formatDuration,
	formatPercent,
	formatRelative,
	formatTokens,
	passRateTone,
	runTitle,
	splitModel,
	toolStats,
} from "../src/lib/format.js";

describe("pass rate colours", () => {
	it("is green from 80 %, amber from 50 %, red below, none without verdicts", () => {
		expect(passRateTone(1)).toBe("good");
		expect(passRateTone(0.8)).toBe("good");
		expect(passRateTone(0.7999)).toBe("warn");
		expect(passRateTone(0.5)).toBe("warn");
		expect(passRateTone(0.49)).toBe("bad");
		expect(passRateTone(0)).toBe("bad");
		expect(passRateTone(null)).toBe("none");
		expect(passRateTone(undefined)).toBe("none");
	});
});

describe("formatting", () => {
	it("formats percentages without a needless decimal", () => {
		expect(formatPercent(1)).toBe("100%");
		expect(formatPercent(0.5)).toBe("50%");
		expect(formatPercent(0.825)).toBe("82.5%");
		expect(formatPercent(2 / 3)).toBe("66.7%");
		expect(formatPercent(null)).toBe("—");
	});

	it("abbreviates token counts", () => {
		expect(formatTokens(0)).toBe("0");
		expect(formatTokens(950)).toBe("950");
		expect(formatTokens(1234)).toBe("1.2k");
		expect(formatTokens(1000)).toBe("1k");
		expect(formatTokens(45_678)).toBe("46k");
		expect(formatTokens(1_234_567)).toBe("1.23M");
		expect(formatTokens(25_500_000)).toBe("25.5M");
		expect(formatTokens(null)).toBe("—");
	});

	it("gives small costs enough decimals to tell apart", () => {
		expect(formatCost(0)).toBe("$0");
		expect(formatCost(0.00004)).toBe("<$0.0001");
		expect(formatCost(0.0042)).toBe("$0.0042");
		expect(formatCost(0.1234)).toBe("$0.123");
		expect(formatCost(12.345)).toBe("$12.35");
		expect(formatCost(1234.5)).toBe("$1,235");
		expect(formatCost(-0.5)).toBe("-$0.500");
	});

	it("formats durations from milliseconds to hours", () => {
		expect(formatDuration(850)).toBe("850 ms");
		expect(formatDuration(12_340)).toBe("12.3 s");
		expect(formatDuration(5_000)).toBe("5 s");
		expect(formatDuration(65_000)).toBe("1m 05s");
		expect(formatDuration(3_725_000)).toBe("1h 02m");
		expect(formatDuration(null)).toBe("—");
	});

	it("signs deltas and marks no change explicitly", () => {
		expect(formatDelta(0.02, "cost")).toBe("+$0.020");
		expect(formatDelta(-65_000, "duration")).toBe("−1m 05s");
		expect(formatDelta(0.125, "percent")).toBe("+12.5 pp");
		expect(formatDelta(0, "cost")).toBe("±0");
		expect(formatDelta(null, "cost")).toBe("—");
	});

	it("says how long ago", () => {
		const now = Date.parse("2025-01-02T12:00:00Z");
		expect(formatRelative("2025-01-02T11:59:30Z", now)).toBe("just now");
		expect(formatRelative("2025-01-02T11:55:00Z", now)).toBe("5 min ago");
		expect(formatRelative("2025-01-02T09:00:00Z", now)).toBe("3 h ago");
		expect(formatRelative("2024-12-30T12:00:00Z", now)).toBe("3 d ago");
		expect(formatRelative(null, now)).toBe("—");
	});
});

describe("models and tools", () => {
	it("splits provider:model, keeping colons in the model id", () => {
		expect(splitModel("anthropic:claude-sonnet-4-5")).toEqual({ provider: "anthropic", modelId: "claude-sonnet-4-5" });
		expect(splitModel("openrouter:meta/llama:free")).toEqual({ provider: "openrouter", modelId: "meta/llama:free" });
		expect(splitModel("oracle")).toEqual({ provider: "oracle", modelId: "oracle" });
	});

	it("titles a run by name, else by id and model", () => {
		expect(runTitle({ id: 3, name: "baseline", model: "openai:gpt-5" })).toBe("baseline");
		expect(runTitle({ id: 3, name: null, model: "openai:gpt-5" })).toBe("#3 gpt-5");
	});

	it("orders tools by use and computes success rates", () => {
		const stats = toolStats({
			read_file: { attempts: 4, failures: 0 },
			execute_command: { attempts: 10, failures: 3 },
			apply_diff: { attempts: 0, failures: 0 },
		});
		expect(stats.map((stat) => stat.tool)).toEqual(["execute_command", "read_file"]);
		expect(stats[0]?.successRate).toBeCloseTo(0.7);
		expect(stats[1]?.successRate).toBe(1);
	});
});
