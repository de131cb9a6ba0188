import type { RunSummary, TaskEvent, TaskStatus, TaskSummary } from "../api/types.js";

/** What needs attention first: live work, then failures, then the rest. */
export const taskGroupOrder: TaskStatus[] = ["running", "failed", "passed", "pending", "cancelled"];

export interface TaskGroup {
	status: TaskStatus;
	tasks: TaskSummary[];
}

function time(iso: string | null): number {
	if (!iso) return Number.NaN;
	return new Date(iso).getTime();
}

function byName(a: TaskSummary, b: TaskSummary): number {
	return (
		a.language.localeCompare(b.language) ||
		a.exercise.localeCompare(b.exercise) ||
		a.iteration - b.iteration ||
		a.id - b.id
	);
}

/** Latest first; tasks without the timestamp go last, then by name. */
function byTimeDesc(key: "finishedAt" | "startedAt") {
	return (a: TaskSummary, b: TaskSummary): number => {
		const ta = time(a[key]);
		const tb = time(b[key]);
		if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
		if (!Number.isNaN(ta) && ta !== tb) return tb - ta;
		return byName(a, b);
	};
}

/** Longest-running first, so a stuck task stands out at the top. */
function byStartAsc(a: TaskSummary, b: TaskSummary): number {
	const ta = time(a.startedAt);
	const tb = time(b.startedAt);
	if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
	if (!Number.isNaN(ta) && ta !== tb) return ta - tb;
	return byName(a, b);
}

const sorters: Record<TaskStatus, (a: TaskSummary, b: TaskSummary) => number> = {
	running: byStartAsc,
	failed: byTimeDesc("finishedAt"),
	passed: byTimeDesc("finishedAt"),
	pending: byName,
	cancelled: byTimeDesc("finishedAt"),
};

/** Tasks grouped by status in `taskGroupOrder`; empty groups are left out. */
export function groupTasks(tasks: TaskSummary[]): TaskGroup[] {
	const buckets = new Map<TaskStatus, TaskSummary[]>();
	for (const task of tasks) {
		const status = taskGroupOrder.includes(task.status) ? task.status : "pending";
		const bucket = buckets.get(status) ?? [];
		bucket.push(task);
		buckets.set(status, bucket);
	}
	return taskGroupOrder.flatMap((status) => {
		const bucket = buckets.get(status);
		return bucket ? [{ status, tasks: [...bucket].sort(sorters[status]) }] : [];
	});
}

/*
 * A run of ten thousand tasks drew every row before the first one showed (15 s in Chromium).
 * Each group shows its first rows; the rest come when asked for.
 */
export const GROUP_ROW_LIMIT = 200;

/** The rows a group shows, and how many it holds back until it is expanded. */
export function visibleRows<T>(rows: T[], expanded: boolean, limit = GROUP_ROW_LIMIT): { shown: T[]; hidden: number } {
	if (expanded || rows.length <= limit) return { shown: rows, hidden: 0 };
	return { shown: rows.slice(0, limit), hidden: rows.length - limit };
}

export type TaskCounts = Record<TaskStatus, number> & { total: number };

export function countTasks(tasks: TaskSummary[]): TaskCounts {
	const counts: TaskCounts = { pending: 0, running: 0, passed: 0, failed: 0, cancelled: 0, total: tasks.length };
	for (const task of tasks) counts[task.status] = (counts[task.status] ?? 0) + 1;
	return counts;
}

export interface TaskEventEffect {
	tasks: TaskSummary[];
	/** The event changes something only the API knows (failure kind, durations): refetch soon. */
	refetch: boolean;
}

/**
 * Applies one live event to the task list. Events may arrive again after a reconnect (the
 * server replays from Last-Event-ID, or from the start), so every update is idempotent and a
 * verdict is never undone by a late "started".
 */
export function applyTaskEvent(tasks: TaskSummary[], event: TaskEvent, nowIso: string): TaskEventEffect {
	const taskId = event.taskId;
	if (taskId === undefined) return { tasks, refetch: false };
	const index = tasks.findIndex((task) => task.id === taskId);
	if (index < 0) return { tasks, refetch: true };
	const task = tasks[index] as TaskSummary;
	let next: TaskSummary = task;
	let refetch = false;
	const finished = task.status === "passed" || task.status === "failed" || task.status === "cancelled";

	switch (event.eventName) {
		case "taskStarted":
		case "taskCreated":
			if (finished) {
				// A replayed start of an earlier attempt, or a requeue made elsewhere: ask the API.
				refetch = true;
			} else if (task.status !== "running") {
				next = { ...task, status: "running", startedAt: task.startedAt ?? nowIso };
			}
			break;
		case "taskTokenUsageUpdated":
		case "taskCompleted": {
			const usage = event.payload[1];
			const toolUsage = event.payload[2];
			if (usage) {
				next = {
					...task,
					tokensIn: usage.totalTokensIn,
					tokensOut: usage.totalTokensOut,
					cost: usage.totalCost,
					toolUsage: toolUsage ?? task.toolUsage,
				};
			}
			break;
		}
		case "taskAborted":
			refetch = true;
			break;
		case "evalPass":
			next = { ...task, status: "passed", passed: true, failureKind: null, finishedAt: task.finishedAt ?? nowIso };
			refetch = true;
			break;
		case "evalFail":
			next = { ...task, status: "failed", passed: false, finishedAt: task.finishedAt ?? nowIso };
			refetch = true;
			break;
		default:
			break;
	}
	if (next === task) return { tasks, refetch };
	const copy = [...tasks];
	copy[index] = next;
	return { tasks: copy, refetch };
}

export function isRunActive(run: Pick<RunSummary, "status"> | null | undefined): boolean {
	return run?.status === "running" || run?.status === "pending";
}

export function canCancelTask(task: TaskSummary): boolean {
	return task.status === "running" || task.status === "pending";
}

export function canRequeueTask(task: TaskSummary): boolean {
	return task.status === "failed" || task.status === "cancelled";
}

export function taskLabel(task: Pick<TaskSummary, "language" | "exercise">): string {
	return `${task.language}/${task.exercise}`;
}
