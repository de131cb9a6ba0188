import type { RunSummary, TaskDetail, TaskSummary } from "@agent-evals/types";
import { strToU8, zipSync } from "fflate";

/** One row per task; RFC 4180 quoting. */
export function tasksCsv(tasks: TaskSummary[]): string {
	const columns: [string, (task: TaskSummary) => string | number | boolean | null][] = [
		["taskId", (t) => t.id],
		["runId", (t) => t.runId],
		["language", (t) => t.language],
		["exercise", (t) => t.exercise],
		["iteration", (t) => t.iteration],
		["status", (t) => t.status],
		["passed", (t) => t.passed],
		["failureKind", (t) => t.failureKind],
		["tries", (t) => t.tries.length],
		["passedAtTry", (t) => t.passedAtTry],
		["attempt", (t) => t.attempt],
		["startedAt", (t) => t.startedAt],
		["finishedAt", (t) => t.finishedAt],
		["durationMs", (t) => t.durationMs],
		["tokensIn", (t) => t.tokensIn],
		["tokensOut", (t) => t.tokensOut],
		["cacheWrites", (t) => t.cacheWrites],
		["cacheReads", (t) => t.cacheReads],
		["cost", (t) => t.cost],
		["testsTampered", (t) => t.testsTampered],
		["error", (t) => t.error],
	];
	const lines = [columns.map(([name]) => name).join(",")];
	for (const task of tasks) lines.push(columns.map(([, value]) => csvCell(value(task))).join(","));
	return `${lines.join("\r\n")}\r\n`;
}

function csvCell(value: string | number | boolean | null): string {
	if (value === null) return "";
	if (typeof value !== "string") return String(value);
	// A spreadsheet would run a cell starting like a formula; an apostrophe keeps it text.
	const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** JUnit XML as CI systems read it: a testsuite per language, a testcase per task. */
export function tasksJunit(run: RunSummary, tasks: TaskSummary[]): string {
	const byLanguage = new Map<string, TaskSummary[]>();
	for (const task of tasks) {
		const cases = byLanguage.get(task.language);
		if (cases) cases.push(task);
		else byLanguage.set(task.language, [task]);
	}
	const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
	const failed = (task: TaskSummary) => task.status === "failed";
	const skipped = (task: TaskSummary) => task.status !== "failed" && task.status !== "passed";
	const suites = [...byLanguage].map(([language, cases]) => {
		const testcases = cases.map((task) => {
			const name = `${task.exercise}${task.iteration > 1 ? ` #${task.iteration}` : ""}`;
			const open = `    <testcase classname="${xml(language)}" name="${xml(name)}" time="${seconds(task.durationMs)}"`;
			if (failed(task)) {
				const kind = task.failureKind ?? "failed";
				const message = (task.error ?? kind).split("\n")[0] ?? kind;
				return `${open}>\n      <failure type="${xml(kind)}" message="${xml(message.slice(0, 500))}">${xml(task.error ?? "")}</failure>\n    </testcase>`;
			}
			if (skipped(task)) return `${open}>\n      <skipped message="${xml(task.status)}"/>\n    </testcase>`;
			return `${open}/>`;
		});
		const time = cases.reduce((sum, task) => sum + (task.durationMs ?? 0), 0);
		return [
			`  <testsuite name="${xml(language)}" tests="${cases.length}" failures="${cases.filter(failed).length}" errors="0" skipped="${cases.filter(skipped).length}" time="${seconds(time)}"${run.startedAt ? ` timestamp="${xml(run.startedAt)}"` : ""}>`,
			...testcases,
			"  </testsuite>",
		].join("\n");
	});
	const name = `agent-evals run ${run.id}: ${run.model} (${run.agent})`;
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<testsuites name="${xml(name)}" tests="${tasks.length}" failures="${tasks.filter(failed).length}" skipped="${tasks.filter(skipped).length}" time="${seconds(run.durationMs)}">`,
		...suites,
		"</testsuites>",
		"",
	].join("\n");
}

function xml(text: string): string {
	return (
		text
			// Characters XML 1.0 cannot hold at all, even escaped (test output has the odd control byte).
			.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
			.replaceAll("&", "&amp;")
			.replaceAll("<", "&lt;")
			.replaceAll(">", "&gt;")
			.replaceAll('"', "&quot;")
			.replaceAll("'", "&apos;")
	);
}

/** A folder per failed task with its transcript, test output, diff and error. */
export function failedLogsZip(failed: TaskDetail[]): Uint8Array {
	const files: Record<string, Uint8Array> = {};
	for (const task of failed) {
		const { messages, testOutput, workspaceDiff } = task;
		const folder =
			`${task.language}-${task.exercise}${task.iteration > 1 ? `-${task.iteration}` : ""}-task${task.id}`.replace(
				/[^\w.-]/g,
				"_",
			);
		files[`${folder}/messages.json`] = strToU8(`${JSON.stringify(messages, null, 2)}\n`);
		files[`${folder}/test-output.txt`] = strToU8(testOutput ?? "");
		files[`${folder}/diff.patch`] = strToU8(workspaceDiff ?? "");
		files[`${folder}/error.txt`] = strToU8(
			[task.failureKind ? `failure kind: ${task.failureKind}` : "", task.error ?? ""].filter(Boolean).join("\n\n"),
		);
	}
	return zipSync(files, { level: 6 });
}
