import type { AnomalyView, ObserverView, RecommendationView, RunSummary, Severity } from "@agent-evals/types";
import { severities } from "@agent-evals/types";

/*
 * The observer's report of a run, in the three shapes it is read in: plain text (`evals
 * observe`), Markdown and JSON (the files `--insights export` writes next to the run). All
 * from the stored view, so they say exactly what the tables hold.
 */

export interface ObserverReport {
	run: Pick<RunSummary, "id" | "model" | "status" | "total" | "passed" | "failed" | "cost">;
	observer: ObserverView;
}

/** Most severe first, then in the order found. */
export function bySeverity(anomalies: readonly AnomalyView[]): AnomalyView[] {
	const rank = (severity: Severity) => severities.indexOf(severity);
	return [...anomalies].sort((a, b) => rank(b.severity) - rank(a.severity) || a.id - b.id);
}

const usd = (value: number | null | undefined) =>
	value === null || value === undefined ? "—" : `$${value.toFixed(4)}`;

function valueLine(anomaly: AnomalyView): string {
	const parts: string[] = [];
	const unit = anomaly.unit === "USD" ? "" : ` ${anomaly.unit}`;
	const show = (value: number) => (anomaly.unit === "USD" ? usd(value) : `${value}${unit}`);
	if (anomaly.detectedValue !== null) parts.push(`detected ${show(anomaly.detectedValue)}`);
	if (anomaly.expectedValue !== null) parts.push(`expected ${show(anomaly.expectedValue)}`);
	if (anomaly.threshold !== null) parts.push(`threshold ${show(anomaly.threshold)}`);
	parts.push(`confidence ${Math.round(anomaly.confidence * 100)}%`);
	if (anomaly.taskIds.length > 0) parts.push(`tasks ${anomaly.taskIds.join(", ")}`);
	return parts.join(" · ");
}

function recommendationLine(recommendation: RecommendationView): string {
	const who = recommendation.appliedBy ? ` by ${recommendation.appliedBy}` : "";
	const outcome = recommendation.outcome ? `: ${recommendation.outcome}` : "";
	return `#${recommendation.id} ${recommendation.type} [${recommendation.priority}] ${recommendation.status}${who}${outcome} — ${recommendation.description}`;
}

function budgetLine(view: ObserverView): string | undefined {
	const session = view.session;
	if (!session || session.budgetUsd === null) return undefined;
	const interval =
		session.projectedLowUsd !== null ? ` (95% ${usd(session.projectedLowUsd)}–${usd(session.projectedHighUsd)})` : "";
	return `Budget ${usd(session.budgetUsd)}: spent ${usd(session.spentUsd)}, projected ${usd(session.projectedUsd)}${interval}`;
}

/** What `evals observe` prints. */
export function observerReportText(report: ObserverReport): string {
	const { run, observer } = report;
	const session = observer.session;
	const lines: string[] = [];
	lines.push(
		session
			? `Run ${run.id} (${run.model}, ${run.status}): observer ${session.level}, steering ${session.steering}, insights ${session.insights}`
			: `Run ${run.id} (${run.model}, ${run.status}): not observed`,
	);
	const budget = budgetLine(observer);
	if (budget) lines.push(budget);
	const anomalies = bySeverity(observer.anomalies);
	lines.push("");
	if (anomalies.length === 0) lines.push("No findings.");
	else {
		lines.push(`${anomalies.length} finding${anomalies.length === 1 ? "" : "s"}:`);
		for (const anomaly of anomalies) {
			lines.push(`  ${anomaly.severity.toUpperCase()} ${anomaly.title}${anomaly.resolved ? " (over)" : ""}`);
			lines.push(`    ${anomaly.description}`);
			lines.push(`    ${valueLine(anomaly)}`);
			if (anomaly.suggestedAction) lines.push(`    suggested: ${anomaly.suggestedAction}`);
		}
	}
	if (observer.recommendations.length > 0) {
		lines.push("", "Recommendations:");
		for (const recommendation of observer.recommendations) lines.push(`  ${recommendationLine(recommendation)}`);
	}
	if (session?.summary) lines.push("", "Summary:", session.summary);
	return lines.join("\n");
}

/** The Markdown report `--insights export` writes as observer.md. */
export function observerReportMarkdown(report: ObserverReport): string {
	const { run, observer } = report;
	const session = observer.session;
	const out: string[] = [`# Observer report: run ${run.id}`, ""];
	out.push(
		`Model \`${run.model}\`, ${run.status}: ${run.passed} passed, ${run.failed} failed of ${run.total}, cost ${usd(run.cost)}.`,
	);
	if (session) {
		out.push(`Observer ${session.level}, steering ${session.steering}, insights ${session.insights}.`);
	}
	const budget = budgetLine(observer);
	if (budget) out.push("", budget);
	out.push("", "## Findings", "");
	const anomalies = bySeverity(observer.anomalies);
	if (anomalies.length === 0) out.push("None.");
	for (const anomaly of anomalies) {
		out.push(`### ${anomaly.severity}: ${anomaly.title}`, "", anomaly.description, "", `- ${valueLine(anomaly)}`);
		out.push(`- detector \`${anomaly.detector}\`, type ${anomaly.type}${anomaly.resolved ? ", over" : ""}`);
		if (anomaly.suggestedAction) out.push(`- suggested: ${anomaly.suggestedAction}`);
		out.push("", "```json", JSON.stringify(anomaly.evidence, null, 2), "```", "");
	}
	if (observer.insights.length > 0) {
		out.push("## Insights", "");
		for (const insight of observer.insights) {
			out.push(`- **${insight.category}** — ${insight.title}: ${insight.description}`);
			for (const advice of insight.recommendations) out.push(`  - ${advice}`);
		}
		out.push("");
	}
	if (observer.recommendations.length > 0) {
		out.push("## Recommendations", "");
		for (const recommendation of observer.recommendations) out.push(`- ${recommendationLine(recommendation)}`);
		out.push("");
	}
	if (session?.summary) out.push("## Summary", "", session.summary, "");
	return `${out.join("\n").trimEnd()}\n`;
}

/** The JSON report (observer.json, `evals observe --json`): the run's counts and the whole view. */
export function observerReportJson(report: ObserverReport): unknown {
	return { run: report.run, ...report.observer };
}
