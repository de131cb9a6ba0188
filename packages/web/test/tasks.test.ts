import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../src/api/types.js";
import { applyTaskEvent, countTasks, GROUP_ROW_LIMIT, groupTasks, visibleRows } from "../src/lib/tasks.js";
import { task } from "./fixtures.js";

const now = "2025-01-01T12:00:00.000Z";

describe("groupTasks", () => {
	it("puts running first, then failed, passed, pending and cancelled, skipping empty groups", () => {
		const tasks = [
			task({ status: "pending", exercise: "b" }),
			task({ status: "passed", finishedAt: "2025-01-01T10:00:00Z" }),
			task({ status: "running", startedAt: "2025-01-01T10:00:00Z" }),
			task({ status: "failed", finishedAt: "2025-01-01T10:00:00Z" }),
			task({ status: "pending", exercise: "a" }),
		];
		const groups = groupTasks(tasks);
		expect(groups.map((group) => group.status)).toEqual(["running", "failed", "passed", "pending"]);
		expect(groups[3]?.tasks.map((t) => t.exercise)).toEqual(["a", "b"]);
	});

	it("shows the longest-running task first and the latest verdicts first", () => {
		const old = task({ status: "running", startedAt: "2025-01-01T10:00:00Z" });
		const recent = task({ status: "running", startedAt: "2025-01-01T11:00:00Z" });
		const early = task({ status: "failed", finishedAt: "2025-01-01T10:00:00Z" });
		const late = task({ status: "failed", finishedAt: "2025-01-01T11:00:00Z" });
		const groups = groupTasks([recent, late, old, early]);
		expect(groups[0]?.tasks).toEqual([old, recent]);
		expect(groups[1]?.tasks).toEqual([late, early]);
	});

	it("counts by status", () => {
		const counts = countTasks([task({ status: "passed" }), task({ status: "passed" }), task({ status: "failed" })]);
		expect(counts).toMatchObject({ passed: 2, failed: 1, running: 0, pending: 0, total: 3 });
	});
});

describe("applyTaskEvent", () => {
	it("marks a started task running and keeps the first start time", () => {
		const pending = task({ status: "pending" });
		const started: TaskEvent = { eventName: "taskStarted", payload: ["agent-1"], taskId: pending.id };
		const { tasks } = applyTaskEvent([pending], started, now);
		expect(tasks[0]).toMatchObject({ status: "running", startedAt: now });
	});

	it("applies verdicts and asks for a refetch to learn the failure kind", () => {
		const running = task({ status: "running" });
		const fail = applyTaskEvent([running], { eventName: "evalFail", taskId: running.id }, now);
		expect(fail.tasks[0]).toMatchObject({ status: "failed", passed: false });
		expect(fail.refetch).toBe(true);
		const pass = applyTaskEvent([running], { eventName: "evalPass", taskId: running.id }, now);
		expect(pass.tasks[0]).toMatchObject({ status: "passed", passed: true, failureKind: null });
	});

	it("never lets a replayed start undo a verdict, but asks the API", () => {
		const done = task({ status: "passed" });
		const effect = applyTaskEvent([done], { eventName: "taskStarted", payload: ["a"], taskId: done.id }, now);
		expect(effect.tasks[0]?.status).toBe("passed");
		expect(effect.refetch).toBe(true);
	});

	it("updates tokens, cost and tool usage from usage events", () => {
		const running = task({ status: "running" });
		const event: TaskEvent = {
			eventName: "taskTokenUsageUpdated",
			taskId: running.id,
			payload: [
				"agent-1",
				{ totalTokensIn: 1200, totalTokensOut: 300, totalCost: 0.01, contextTokens: 1500 },
				{ read_file: { attempts: 2, failures: 0 } },
			],
		};
		const { tasks, refetch } = applyTaskEvent([running], event, now);
		expect(tasks[0]).toMatchObject({ tokensIn: 1200, tokensOut: 300, cost: 0.01 });
		expect(tasks[0]?.toolUsage).toEqual({ read_file: { attempts: 2, failures: 0 } });
		expect(refetch).toBe(false);
	});

	it("returns the same array when nothing changes, and refetches for unknown tasks", () => {
		const list = [task({ status: "running" })];
		expect(applyTaskEvent(list, { eventName: "taskIdle", payload: ["a"], taskId: list[0]?.id }, now).tasks).toBe(list);
		expect(applyTaskEvent(list, { eventName: "evalPass", taskId: 99_999 }, now)).toEqual({
			tasks: list,
			refetch: true,
		});
	});
});

describe("visibleRows", () => {
	it("shows a group whole up to the limit, and holds the rest back until it is expanded", () => {
		const rows = Array.from({ length: GROUP_ROW_LIMIT + 5 }, (_, index) => index);
		expect(visibleRows(rows.slice(0, GROUP_ROW_LIMIT), false)).toEqual({
			shown: rows.slice(0, GROUP_ROW_LIMIT),
			hidden: 0,
		});
		const held = visibleRows(rows, false);
		expect(held.shown).toEqual(rows.slice(0, GROUP_ROW_LIMIT));
		expect(held.hidden).toBe(5);
		expect(visibleRows(rows, true)).toEqual({ shown: rows, hidden: 0 });
	});
});
