import { implausibleValues, type TaskEvent, taskEventSchema } from "@agent-evals/types";
import { describe, expect, it } from "vitest";

const usage = { totalTokensIn: 10, totalTokensOut: 5, totalCacheReads: 0, totalCost: 0.01, contextTokens: 15 };
const tools = { read_file: { attempts: 2, failures: 1 } };

/** Parses first: the values under test must be ones the wire schema lets through. */
function check(event: unknown): string[] {
	return implausibleValues(taskEventSchema.parse(event) as TaskEvent);
}

describe("implausibleValues", () => {
	it("finds nothing wrong with ordinary events, zeros included", () => {
		expect(
			check({ eventName: "taskCompleted", payload: ["t", usage, tools, { isSubtask: false }], taskId: 0 }),
		).toEqual([]);
		expect(check({ eventName: "taskTokenUsageUpdated", payload: ["t", usage] })).toEqual([]);
		expect(check({ eventName: "evalPass", taskId: 7 })).toEqual([]);
	});

	it("names each negative TokenUsage field of taskCompleted and taskTokenUsageUpdated", () => {
		const negative = { ...usage, totalTokensIn: -1, totalCost: -0.5 };
		expect(check({ eventName: "taskCompleted", payload: ["t", negative, tools, { isSubtask: false }] })).toEqual([
			"taskCompleted: TokenUsage.totalTokensIn is negative (-1)",
			"taskCompleted: TokenUsage.totalCost is negative (-0.5)",
		]);
		expect(
			check({ eventName: "taskTokenUsageUpdated", payload: ["t", { ...usage, totalCacheReads: -3 }, tools] }),
		).toEqual(["taskTokenUsageUpdated: TokenUsage.totalCacheReads is negative (-3)"]);
	});

	it("names tool counts below zero or with a fraction", () => {
		const odd = { read_file: { attempts: 1.5, failures: -1 } };
		expect(check({ eventName: "taskTokenUsageUpdated", payload: ["t", usage, odd] })).toEqual([
			"taskTokenUsageUpdated: ToolUsage.read_file.attempts is not a whole number >= 0 (1.5)",
			"taskTokenUsageUpdated: ToolUsage.read_file.failures is not a whole number >= 0 (-1)",
		]);
	});

	it("names an evals task id that cannot be a database id, on any event", () => {
		expect(check({ eventName: "taskStarted", payload: ["t"], taskId: -2 })).toEqual([
			"taskStarted: taskId -2 is not a whole number >= 0",
		]);
		expect(check({ eventName: "evalFail", taskId: 1.5 })).toEqual(["evalFail: taskId 1.5 is not a whole number >= 0"]);
	});
});
