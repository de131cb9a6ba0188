import type { Store } from "../db/store.js";
import { runFolder } from "../observer/export.js";

/*
 * What `evals run` and `evals resume` say about the observer once a run ends: a paused run and
 * how to continue it, how many findings there are and where to read them. On stderr, so
 * `--json` output stays one JSON document.
 */

const usd = (value: number | null) => (value === null ? "?" : `$${value.toFixed(4)}`);

export async function printObserverNotes(
	store: Store,
	runs: Array<{ id: number; status: string }>,
	options: { home: string; json: boolean },
): Promise<void> {
	for (const run of runs) {
		const session = await store.observer.session(run.id);
		if (run.status === "paused") {
			const budget =
				session?.budgetUsd != null
					? ` at its budget of ${usd(session.budgetUsd)} (spent ${usd(session.spentUsd)}, projected ${usd(session.projectedUsd)})`
					: "";
			process.stderr.write(
				`Run ${run.id} is paused${budget}: finished verdicts are kept, the other tasks wait. Continue with: npx evals resume ${run.id}${session?.budgetUsd != null ? " --budget USD" : ""}\n`,
			);
		}
		if (!session) continue;
		const findings = await store.observer.anomalies(run.id);
		const bySeverity = new Map<string, number>();
		for (const finding of findings) bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
		const counts = [...bySeverity].map(([severity, n]) => `${n} ${severity}`).join(", ");
		process.stderr.write(
			findings.length === 0
				? `Observer (${session.observerLevel}): no findings in run ${run.id}.\n`
				: `Observer (${session.observerLevel}): ${findings.length} finding${findings.length === 1 ? "" : "s"} in run ${run.id} (${counts}): npx evals observe ${run.id}\n`,
		);
		if (session.insightsConfig !== "store" && !options.json) {
			process.stderr.write(`Observer report: ${runFolder(options.home, run.id)}/observer.md (and observer.json)\n`);
		}
	}
}
