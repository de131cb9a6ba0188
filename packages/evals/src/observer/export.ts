import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toAnomalyView } from "../db/queries/observer.js";
import type { Anomaly } from "../db/schema.js";
import type { Store } from "../db/store.js";
import { type ObserverReport, observerReportJson, observerReportMarkdown } from "./report.js";

/*
 * `--insights export|realtime`: the report next to the run, under $EVALS_HOME/runs/<id>/.
 * observer.json and observer.md are written whole (through a temporary file, so a reader never
 * sees half of one); observer.jsonl gets one line per finding as it is found (realtime).
 */

export function runFolder(evalsHome: string, runId: number): string {
	return join(evalsHome, "runs", String(runId));
}

export async function loadObserverReport(store: Store, runId: number): Promise<ObserverReport | undefined> {
	const [summary, observer] = await Promise.all([store.runs.summary(runId), store.observer.view(runId)]);
	if (!summary) return undefined;
	const { id, model, status, total, passed, failed, cost } = summary;
	return { run: { id, model, status, total, passed, failed, cost }, observer };
}

/** Writes observer.json and observer.md; returns their paths. */
export async function writeObserverReport(
	store: Store,
	evalsHome: string,
	runId: number,
): Promise<{ json: string; markdown: string } | undefined> {
	const report = await loadObserverReport(store, runId);
	if (!report) return undefined;
	const folder = runFolder(evalsHome, runId);
	await mkdir(folder, { recursive: true });
	const json = join(folder, "observer.json");
	const markdown = join(folder, "observer.md");
	await writeWhole(json, `${JSON.stringify(observerReportJson(report), null, 2)}\n`);
	await writeWhole(markdown, observerReportMarkdown(report));
	return { json, markdown };
}

/** Appends each new finding to observer.jsonl, one JSON object per line. */
export async function appendFindings(evalsHome: string, runId: number, anomalies: readonly Anomaly[]): Promise<void> {
	if (anomalies.length === 0) return;
	const folder = runFolder(evalsHome, runId);
	await mkdir(folder, { recursive: true });
	await appendFile(
		join(folder, "observer.jsonl"),
		anomalies.map((anomaly) => `${JSON.stringify(toAnomalyView(anomaly))}\n`).join(""),
	);
}

async function writeWhole(path: string, text: string): Promise<void> {
	const temporary = `${path}.${process.pid}.tmp`;
	await writeFile(temporary, text);
	await rename(temporary, path);
}
