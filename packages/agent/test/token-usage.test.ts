import type { TokenUsage, ToolUsage } from "@agent-evals/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenUsageReporter } from "../src/task/token-usage.js";

const usage = (tokensIn: number): TokenUsage => ({
	totalTokensIn: tokensIn,
	totalTokensOut: 0,
	totalCost: 0,
	contextTokens: tokensIn,
});
const tools: ToolUsage = {};

describe("TokenUsageReporter", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("sends at most once per interval and the latest value at the end of it", () => {
		vi.useFakeTimers();
		const sent: number[] = [];
		const reporter = new TokenUsageReporter((u) => sent.push(u.totalTokensIn), 2_000);
		reporter.update(usage(1), tools);
		reporter.update(usage(2), tools);
		reporter.update(usage(3), tools);
		expect(sent).toEqual([1]);
		vi.advanceTimersByTime(1_999);
		expect(sent).toEqual([1]);
		vi.advanceTimersByTime(1);
		expect(sent).toEqual([1, 3]);
	});

	it("sends nothing when nothing changed", () => {
		vi.useFakeTimers();
		const sent: number[] = [];
		const reporter = new TokenUsageReporter((u) => sent.push(u.totalTokensIn), 2_000);
		reporter.update(usage(5), tools);
		vi.advanceTimersByTime(5_000);
		reporter.update(usage(5), tools);
		reporter.flush();
		expect(sent).toEqual([5]);
	});

	it("counts a ToolUsage change as a change", () => {
		vi.useFakeTimers();
		const sent: ToolUsage[] = [];
		const reporter = new TokenUsageReporter((_u, t) => sent.push(t), 2_000);
		const counts: ToolUsage = { read_file: { attempts: 1, failures: 0 } };
		reporter.update(usage(1), counts);
		counts.read_file = { attempts: 2, failures: 1 };
		vi.advanceTimersByTime(2_000);
		reporter.update(usage(1), counts);
		expect(sent).toEqual([{ read_file: { attempts: 1, failures: 0 } }, { read_file: { attempts: 2, failures: 1 } }]);
	});

	it("flush sends a pending change at once", () => {
		vi.useFakeTimers();
		const sent: number[] = [];
		const reporter = new TokenUsageReporter((u) => sent.push(u.totalTokensIn), 2_000);
		reporter.update(usage(1), tools);
		reporter.update(usage(9), tools);
		reporter.flush();
		expect(sent).toEqual([1, 9]);
		vi.advanceTimersByTime(10_000);
		expect(sent).toEqual([1, 9]);
	});
});
