import type { Run, Task, TaskMetrics } from "../db/schema.js";

export function seconds(ms: number | null | undefined): string {
	if (ms === null || ms === undefined) return "-";
	return ms < 60_000
		? `${(ms / 1000).toFixed(1)} s`
		: `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function usd(value: number | null | undefined): string {
	return value === null || value === undefined ? "-" : `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

export function percent(passed: number, failed: number): string {
	const total = passed + failed;
	return total === 0 ? "-" : `${((passed / total) * 100).toFixed(1)}%`;
}

/** A plain table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
	const line = (cells: string[]) =>
		cells
			.map((cell, i) => cell.padEnd(widths[i] ?? 0))
			.join("  ")
			.trimEnd();
	return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function taskVerdict(task: Task): string {
	if (task.status === "passed") return "passed";
	if (task.status === "failed") return `failed (${task.failureKind ?? "?"})`;
	return task.status;
}

export function taskDuration(task: Task): number | null {
	return task.startedAt && task.finishedAt ? task.finishedAt.getTime() - task.startedAt.getTime() : null;
}

export function runLine(run: Run): string[] {
	const duration = run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null;
	return [
		String(run.id),
		run.model,
		run.agent,
		run.status,
		run.createdAt?.toISOString().replace("T", " ").slice(0, 16) ?? "",
		String(run.passed),
		String(run.failed),
		percent(run.passed, run.failed),
		seconds(duration),
	];
}

export type TaskWithMetrics = Task & { metrics?: TaskMetrics };
