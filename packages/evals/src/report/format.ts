import type { RunSummary, TaskSummary } from "@agent-evals/types";

/*
 * How numbers and rows read in the terminal and in text exports. Everything here takes the API's
 * shapes (summaries), so a run read from the store and one read over HTTP print the same.
 */

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

/** `language/exercise`, with `#n` from the second iteration on. */
export function taskLabel(task: Pick<TaskSummary, "language" | "exercise" | "iteration">): string {
	return `${task.language}/${task.exercise}${task.iteration > 1 ? ` #${task.iteration}` : ""}`;
}

export function taskVerdict(task: Pick<TaskSummary, "status" | "failureKind">): string {
	if (task.status === "passed") return "passed";
	if (task.status === "failed") return `failed (${task.failureKind ?? "?"})`;
	return task.status;
}

/** One row of `evals runs`. */
export function runLine(run: RunSummary): string[] {
	return [
		String(run.id),
		run.model,
		run.agent,
		run.status,
		run.createdAt.replace("T", " ").slice(0, 16),
		String(run.passed),
		String(run.failed),
		percent(run.passed, run.failed),
		seconds(run.durationMs),
	];
}

/** `1.2 kB`, `340 B`: sizes of MCP answers. */
export function bytes(size: number | null | undefined): string {
	if (size === null || size === undefined) return "-";
	if (size < 1000) return `${Math.round(size)} B`;
	if (size < 1_000_000) return `${(size / 1000).toFixed(1)} kB`;
	return `${(size / 1_000_000).toFixed(1)} MB`;
}

export function ms(value: number | null | undefined): string {
	return value === null || value === undefined ? "-" : `${Math.round(value)} ms`;
}
