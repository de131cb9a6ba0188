import { describe, expect, it } from "vitest";
import { type Score, score, type TaskFacts } from "../src/grading/score.js";

const graded = (
	agent: "completed" | "aborted" | "timeout" | "crashed",
	verdict: "passed" | "failed" | "infra" | "timeout",
	extra: { notes?: string[]; agentError?: string; cancelled?: boolean } = {},
): TaskFacts => ({
	stage: "agent",
	agent,
	agentError: extra.agentError,
	grade: { verdict, summary: verdict === "passed" ? "3 passed" : "1 passed, 2 failed", notes: extra.notes ?? [] },
	cancelled: extra.cancelled ?? false,
});

const cases: Array<[string, TaskFacts, Score]> = [
	[
		"passing tests pass whatever the agent said",
		graded("crashed", "passed"),
		{ passed: true, failureKind: null, summary: "3 passed" },
	],
	[
		"a finished agent with failing tests",
		graded("completed", "failed"),
		{ passed: false, failureKind: "test_failed", summary: "1 passed, 2 failed" },
	],
	[
		"a command timeout in grading is the agent's work failing",
		graded("completed", "timeout"),
		{ passed: false, failureKind: "test_failed", summary: "1 passed, 2 failed" },
	],
	[
		"the agent ran out of time",
		graded("timeout", "failed"),
		{ passed: false, failureKind: "timeout", summary: "1 passed, 2 failed; agent timeout" },
	],
	[
		"the agent aborted, with its last error",
		graded("aborted", "failed", { agentError: "429 rate limited" }),
		{ passed: false, failureKind: "agent_error", summary: "1 passed, 2 failed; agent aborted: 429 rate limited" },
	],
	[
		"the agent crashed",
		graded("crashed", "failed"),
		{ passed: false, failureKind: "agent_error", summary: "1 passed, 2 failed; agent crashed" },
	],
	[
		"grading could not judge: the machine's fault",
		graded("completed", "infra"),
		{ passed: false, failureKind: "infra", summary: "1 passed, 2 failed" },
	],
	[
		"grading stopped by a cancel",
		graded("completed", "infra", { cancelled: true }),
		{ passed: false, failureKind: "cancelled", summary: "1 passed, 2 failed" },
	],
	[
		"what grading restored or removed is reported beside a pass",
		graded("completed", "passed", {
			notes: [
				"restored from the exercise (changed by the agent): a_test.py",
				"removed (not part of the exercise): conftest.py",
			],
		}),
		{
			passed: true,
			failureKind: null,
			summary:
				"3 passed; restored from the exercise (changed by the agent): a_test.py; removed (not part of the exercise): conftest.py",
		},
	],
	[
		"an agent cancelled mid-task is not graded",
		{ stage: "agent", agent: "cancelled", cancelled: true },
		{ passed: false, failureKind: "cancelled", summary: "cancelled" },
	],
	[
		"set-up failure: infra with its reason",
		{ stage: "setup", error: "the builtin agent did not start: ENOENT", cancelled: false },
		{ passed: false, failureKind: "infra", summary: "the builtin agent did not start: ENOENT" },
	],
	[
		"set-up interrupted by a cancel",
		{ stage: "setup", error: "aborted", cancelled: true },
		{ passed: false, failureKind: "cancelled", summary: "cancelled" },
	],
];

describe("score: the verdict of a task from its facts", () => {
	it.each(cases)("%s", (_name, facts, expected) => {
		expect(score(facts)).toEqual(expected);
	});
});
