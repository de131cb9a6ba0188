import type { AnomalyView, ObserverView, RecommendationView, Severity } from "@agent-evals/types";
import { severities } from "@agent-evals/types/values";
import { useState } from "react";
import { formatCost, formatPercent } from "../lib/format.js";

/*
 * A run's Observer panel: what the observer found, with the numbers behind each finding and
 * links into the tasks it concerns; its recommendations, which a person applies or dismisses
 * when the run steers by `suggest`; and the budget, spent and projected. The view comes from
 * GET /api/runs/:id/observer and then from the run's stream (`event: observer`).
 */

const severityTone: Record<Severity, string> = {
	info: "tag-infra",
	warning: "tag-warn",
	error: "tag-test_failed",
	critical: "tag-test_failed",
};

/** Most severe first: what needs a decision is read first. */
const severityOrder = [...severities].reverse();

export type RecommendationDecision = "apply" | "dismiss";

export function ObserverPanel({
	view,
	onOpenTask,
	onDecide,
}: {
	view: ObserverView;
	onOpenTask: (taskId: number) => void;
	/** Resolves once the server answered; the panel keeps the buttons disabled until then. */
	onDecide: (recommendation: RecommendationView, decision: RecommendationDecision) => Promise<void>;
}) {
	const { session } = view;
	if (!session) return null;
	const open = view.anomalies.filter((anomaly) => !anomaly.resolved);
	return (
		<section className="card observer-panel" data-testid="observer-panel" aria-label="Observer">
			<div className="card-head">
				<h2>Observer</h2>
				<span className="muted" data-testid="observer-mode">
					{session.level} · {session.steering} · insights {session.insights} ·{" "}
					{session.status === "active" ? "watching" : "ended"}
				</span>
			</div>
			{session.budgetUsd !== null && <BudgetGauge session={session} />}
			{view.recommendations.length > 0 && (
				<div className="stack-sm" data-testid="observer-recommendations">
					<h3 className="observer-heading">Recommendations</h3>
					{view.recommendations.map((recommendation) => (
						<Recommendation
							key={recommendation.id}
							recommendation={recommendation}
							steering={session.steering}
							onDecide={onDecide}
						/>
					))}
				</div>
			)}
			<div className="stack-sm" data-testid="observer-findings">
				<h3 className="observer-heading">
					Findings{" "}
					<span className="muted">
						{open.length} open
						{view.anomalies.length > open.length ? ` · ${view.anomalies.length - open.length} resolved` : ""}
					</span>
				</h3>
				{view.anomalies.length === 0 ? (
					<p className="muted" data-testid="observer-no-findings">
						Nothing found so far.
					</p>
				) : (
					severityOrder.map((severity) => {
						const list = view.anomalies.filter((anomaly) => anomaly.severity === severity);
						return list.length === 0 ? null : (
							<div key={severity} className="stack-sm" data-testid="observer-severity" data-severity={severity}>
								{list.map((anomaly) => (
									<Finding key={anomaly.id} anomaly={anomaly} onOpenTask={onOpenTask} />
								))}
							</div>
						);
					})
				)}
			</div>
			{view.insights.length > 0 && (
				<details className="observer-insights" data-testid="observer-insights">
					<summary>Insights ({view.insights.length})</summary>
					<ul>
						{view.insights.map((insight) => (
							<li key={insight.id}>
								<span className="tag">{insight.category}</span> <strong>{insight.title}</strong>{" "}
								<span className="muted">{insight.description}</span>
							</li>
						))}
					</ul>
				</details>
			)}
			{session.summary && (
				<div className="observer-summary" data-testid="observer-summary">
					<h3 className="observer-heading">Summary</h3>
					<p>{session.summary}</p>
				</div>
			)}
		</section>
	);
}

function BudgetGauge({ session }: { session: NonNullable<ObserverView["session"]> }) {
	const budget = session.budgetUsd ?? 0;
	const spentShare = budget > 0 ? session.spentUsd / budget : 0;
	const projectedShare = budget > 0 && session.projectedUsd !== null ? session.projectedUsd / budget : null;
	const worst = Math.max(spentShare, projectedShare ?? 0);
	// The same thresholds as the detector's defaults: the colour says what the finding would say.
	const tone = worst >= 1 ? "bad" : worst >= 0.8 ? "warn" : "good";
	const interval =
		session.projectedLowUsd !== null && session.projectedHighUsd !== null
			? ` (${formatCost(session.projectedLowUsd)}–${formatCost(session.projectedHighUsd)})`
			: "";
	return (
		<div className="budget" data-testid="observer-budget" data-tone={tone}>
			<div className="budget-text">
				<span data-testid="observer-budget-spent">
					{formatCost(session.spentUsd)} of {formatCost(budget)} spent ({formatPercent(spentShare, 0)})
				</span>
				{session.projectedUsd !== null && (
					<span className="muted" data-testid="observer-budget-projected">
						{" "}
						· projected {formatCost(session.projectedUsd)}
						{interval}
					</span>
				)}
			</div>
			{/* The text above says the same for a screen reader; the bar is for the eye. */}
			<div className={`budget-bar budget-${tone}`} aria-hidden="true">
				<span className="budget-spent" style={{ width: `${Math.min(spentShare, 1) * 100}%` }} />
				{projectedShare !== null && (
					<span
						className="budget-projected"
						style={{ left: `${Math.min(projectedShare, 1) * 100}%` }}
						title={`projected ${formatCost(session.projectedUsd)}`}
					/>
				)}
			</div>
		</div>
	);
}

function valueWithUnit(value: number | null, unit: string): string {
	if (value === null) return "—";
	if (unit === "USD") return formatCost(value);
	const rounded = Number.isInteger(value) ? String(value) : value.toFixed(2);
	return unit ? `${rounded} ${unit}` : rounded;
}

function Finding({ anomaly, onOpenTask }: { anomaly: AnomalyView; onOpenTask: (taskId: number) => void }) {
	const evidence = Object.entries(anomaly.evidence);
	return (
		<article
			className={anomaly.resolved ? "finding finding-resolved" : "finding"}
			data-testid="observer-finding"
			data-detector={anomaly.detector}
			data-anomaly-id={anomaly.id}
		>
			<div className="finding-head">
				<span className={`tag ${severityTone[anomaly.severity]}`}>{anomaly.severity}</span>
				<strong>{anomaly.title}</strong>
				<span className="muted">
					{anomaly.detector} · confidence {formatPercent(anomaly.confidence, 0)}
					{anomaly.resolved ? " · resolved" : ""}
				</span>
			</div>
			<p className="finding-text">{anomaly.description}</p>
			<p className="finding-values mono" data-testid="finding-values">
				detected {valueWithUnit(anomaly.detectedValue, anomaly.unit)} · expected{" "}
				{valueWithUnit(anomaly.expectedValue, anomaly.unit)} · threshold{" "}
				{valueWithUnit(anomaly.threshold, anomaly.unit)}
			</p>
			{anomaly.suggestedAction && <p className="muted">Suggested: {anomaly.suggestedAction}</p>}
			{anomaly.taskIds.length > 0 && (
				<p className="finding-tasks">
					<span className="muted">tasks</span>{" "}
					{anomaly.taskIds.map((taskId) => (
						<button
							key={taskId}
							type="button"
							className="link-btn"
							data-testid="finding-task"
							data-task-id={taskId}
							onClick={() => onOpenTask(taskId)}
						>
							#{taskId}
						</button>
					))}
				</p>
			)}
			{evidence.length > 0 && (
				<details data-testid="finding-evidence">
					<summary>Evidence</summary>
					<dl className="kv">
						{evidence.map(([key, value]) => (
							<div key={key} className="kv-row">
								<dt>{key}</dt>
								<dd className="mono">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
							</div>
						))}
					</dl>
				</details>
			)}
		</article>
	);
}

function Recommendation({
	recommendation,
	steering,
	onDecide,
}: {
	recommendation: RecommendationView;
	steering: string;
	onDecide: (recommendation: RecommendationView, decision: RecommendationDecision) => Promise<void>;
}) {
	const [busy, setBusy] = useState(false);
	const decide = (decision: RecommendationDecision) => {
		setBusy(true);
		void onDecide(recommendation, decision).finally(() => setBusy(false));
	};
	const pending = recommendation.status === "pending";
	return (
		<article
			className="recommendation"
			data-testid="observer-recommendation"
			data-recommendation-id={recommendation.id}
			data-type={recommendation.type}
			data-status={recommendation.status}
		>
			<div className="finding-head">
				<span className="tag">{recommendation.type}</span>
				<span className="muted">priority {recommendation.priority}</span>
				<span
					className={`tag ${recommendation.status === "applied" ? "tag-good" : recommendation.status === "failed" ? "tag-test_failed" : ""}`}
					data-testid="recommendation-status"
				>
					{recommendation.status}
					{recommendation.appliedBy ? ` by ${recommendation.appliedBy}` : ""}
				</span>
			</div>
			<p className="finding-text">{recommendation.description}</p>
			<p className="muted">Expected: {recommendation.expectedImpact}</p>
			{recommendation.outcome && (
				<p className="mono" data-testid="recommendation-outcome">
					{recommendation.outcome}
				</p>
			)}
			{pending && steering !== "monitor-only" && (
				<div className="row-actions">
					<button
						type="button"
						className="btn btn-small"
						disabled={busy}
						onClick={() => decide("apply")}
						data-testid="recommendation-apply"
					>
						Apply
					</button>
					<button
						type="button"
						className="btn btn-small btn-subtle"
						disabled={busy}
						onClick={() => decide("dismiss")}
						data-testid="recommendation-dismiss"
					>
						Dismiss
					</button>
				</div>
			)}
		</article>
	);
}
