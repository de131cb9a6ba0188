import type {
	AnomalyView,
	AppliedBy,
	InsightView,
	ObserverSessionView,
	ObserverView,
	RecommendationStatus,
	RecommendationView,
} from "@agent-evals/types";
import { and, asc, count, desc, eq, gt, inArray, lt, ne, sql } from "drizzle-orm";
import type { Finding } from "../../observer/finding.js";
import type { Db } from "../client.js";
import {
	type Anomaly,
	aiAnomalies,
	aiInsights,
	aiObserverSessions,
	aiSteeringRecommendations,
	type Insight,
	type NewObserverSession,
	type ObserverSession,
	type Recommendation,
	runs,
	type Task,
	type TaskMetrics,
	taskMetrics,
	tasks,
} from "../schema.js";
import { type Executor, must } from "./sql.js";

export type CreateSessionInput = Omit<NewObserverSession, "id" | "createdAt" | "revision" | "startedAt">;

/** What changed when a look's findings were stored. */
export interface StoredFindings {
	/** Findings seen for the first time. */
	created: Anomaly[];
	/** Findings seen before whose values, severity or state moved. */
	updated: Anomaly[];
	/** Recommendations made by this look. */
	recommendations: Recommendation[];
}

/** A finished task of an earlier run of the same model: what history means to the detectors. */
export interface HistoryTask {
	runId: number;
	language: string;
	exercise: string;
	iteration: number;
	passed: boolean | null;
	failureKind: string | null;
	tokens: number;
	cost: number;
	/** Agent time, ms. */
	durationMs: number;
	createdAt: Date;
}

export interface SessionPatch {
	budgetUsd?: number | null;
	observerLevel?: ObserverSession["observerLevel"];
	thresholds?: ObserverSession["thresholds"];
	model?: string | null;
	modelSettings?: Record<string, unknown> | null;
	status?: ObserverSession["status"];
	spentUsd?: number;
	projectedUsd?: number | null;
	projectedLowUsd?: number | null;
	projectedHighUsd?: number | null;
	summary?: string | null;
	summaryAt?: Date | null;
	endedAt?: Date | null;
}

/** The observer's four tables: the session of a run, its anomalies, insights and recommendations. */
export class ObserverQueries {
	constructor(private readonly db: Db) {}

	async createSession(input: CreateSessionInput): Promise<ObserverSession> {
		const [row] = await this.db.insert(aiObserverSessions).values(input).returning();
		return must(row, "insert into ai_observer_sessions returned no row");
	}

	async session(runId: number): Promise<ObserverSession | undefined> {
		const [row] = await this.db.select().from(aiObserverSessions).where(eq(aiObserverSessions.runId, runId));
		return row;
	}

	/** Changes the session and moves its revision, so streams send the view again. */
	async updateSession(runId: number, patch: SessionPatch): Promise<ObserverSession | undefined> {
		const [row] = await this.db
			.update(aiObserverSessions)
			.set({ ...patch, revision: sql`${aiObserverSessions.revision} + 1` })
			.where(eq(aiObserverSessions.runId, runId))
			.returning();
		return row;
	}

	/** Cost of attempts a pause stopped: spent money no verdict carries. */
	async addDiscarded(runId: number, usd: number): Promise<void> {
		if (!(usd > 0)) return;
		await this.db
			.update(aiObserverSessions)
			.set({
				discardedUsd: sql`${aiObserverSessions.discardedUsd} + ${usd}`,
				revision: sql`${aiObserverSessions.revision} + 1`,
			})
			.where(eq(aiObserverSessions.runId, runId));
	}

	/** The session's revision (null without a session): a cheap "anything new?" for streams. */
	async revision(runId: number): Promise<number | null> {
		const [row] = await this.db
			.select({ revision: aiObserverSessions.revision })
			.from(aiObserverSessions)
			.where(eq(aiObserverSessions.runId, runId));
		return row?.revision ?? null;
	}

	/**
	 * Stores one look's findings in one transaction: new ones become anomalies (with their insight
	 * and recommendation), known ones are updated when something moved. A recommendation still
	 * pending when its finding is over is closed as `ignored`, saying why, so nobody applies an
	 * action to a task that has ended.
	 */
	async storeFindings(session: ObserverSession, findings: readonly Finding[]): Promise<StoredFindings> {
		const result: StoredFindings = { created: [], updated: [], recommendations: [] };
		if (findings.length === 0) return result;
		await this.db.transaction(async (tx) => {
			const keys = findings.map((finding) => finding.key);
			const existing = new Map(
				(
					await tx
						.select()
						.from(aiAnomalies)
						.where(and(eq(aiAnomalies.runId, session.runId), inArray(aiAnomalies.key, keys)))
				).map((row) => [row.key, row]),
			);
			const now = new Date();
			for (const finding of findings) {
				const values = anomalyValues(finding);
				const known = existing.get(finding.key);
				if (!known) {
					const [row] = await tx
						.insert(aiAnomalies)
						.values({
							...values,
							runId: session.runId,
							sessionId: session.id,
							key: finding.key,
							detectedAt: now,
							updatedAt: now,
							resolvedAt: finding.active ? null : now,
						})
						.returning();
					const anomaly = must(row, "insert into ai_anomalies returned no row");
					result.created.push(anomaly);
					if (finding.insight) {
						await tx.insert(aiInsights).values({
							runId: session.runId,
							sessionId: session.id,
							anomalyId: anomaly.id,
							key: finding.key,
							category: finding.insight.category,
							title: finding.insight.title,
							description: finding.insight.description,
							confidence: finding.confidence,
							severity: finding.severity,
							evidence: finding.evidence,
							recommendations: finding.insight.recommendations,
							detectedAt: now,
						});
					}
					if (finding.recommendation && finding.active) {
						const [recommendation] = await tx
							.insert(aiSteeringRecommendations)
							.values({
								runId: session.runId,
								sessionId: session.id,
								anomalyId: anomaly.id,
								key: finding.key,
								type: finding.recommendation.type,
								priority: finding.recommendation.priority,
								description: finding.recommendation.description,
								expectedImpact: finding.recommendation.expectedImpact,
								confidence: finding.confidence,
								parameters: finding.recommendation.parameters,
								autoSafe: finding.recommendation.autoSafe,
							})
							.onConflictDoNothing()
							.returning();
						if (recommendation) result.recommendations.push(recommendation);
					}
					continue;
				}
				if (!changed(known, values)) continue;
				const [row] = await tx
					.update(aiAnomalies)
					.set({
						...values,
						updatedAt: now,
						resolvedAt: values.resolved ? (known.resolvedAt ?? now) : null,
					})
					.where(eq(aiAnomalies.id, known.id))
					.returning();
				if (row) result.updated.push(row);
				await tx
					.update(aiInsights)
					.set({ severity: finding.severity, confidence: finding.confidence, evidence: finding.evidence })
					.where(and(eq(aiInsights.runId, session.runId), eq(aiInsights.key, finding.key)));
				if (values.resolved) {
					await tx
						.update(aiSteeringRecommendations)
						.set({ status: "ignored", outcome: "No longer needed: the problem ended before anyone applied it." })
						.where(
							and(
								eq(aiSteeringRecommendations.runId, session.runId),
								eq(aiSteeringRecommendations.key, finding.key),
								eq(aiSteeringRecommendations.status, "pending"),
							),
						);
				}
			}
			await refreshCounts(tx, session.id);
		});
		return result;
	}

	/** Findings of a run newer than `afterId`, oldest first (the CLI's one-line warnings). */
	anomaliesAfter(runId: number, afterId: number): Promise<Anomaly[]> {
		return this.db
			.select()
			.from(aiAnomalies)
			.where(and(eq(aiAnomalies.runId, runId), gt(aiAnomalies.id, afterId)))
			.orderBy(asc(aiAnomalies.id));
	}

	anomalies(runId: number): Promise<Anomaly[]> {
		return this.db.select().from(aiAnomalies).where(eq(aiAnomalies.runId, runId)).orderBy(asc(aiAnomalies.id));
	}

	insights(runId: number): Promise<Insight[]> {
		return this.db.select().from(aiInsights).where(eq(aiInsights.runId, runId)).orderBy(asc(aiInsights.id));
	}

	recommendations(runId: number): Promise<Recommendation[]> {
		return this.db
			.select()
			.from(aiSteeringRecommendations)
			.where(eq(aiSteeringRecommendations.runId, runId))
			.orderBy(asc(aiSteeringRecommendations.id));
	}

	async recommendation(id: number): Promise<Recommendation | undefined> {
		const [row] = await this.db.select().from(aiSteeringRecommendations).where(eq(aiSteeringRecommendations.id, id));
		return row;
	}

	/**
	 * Records what became of a recommendation. Only a pending one changes: of two people (or a
	 * person and `auto`) deciding at once, the first wins; returns undefined for the second.
	 */
	async decide(
		id: number,
		decision: { status: Exclude<RecommendationStatus, "pending">; appliedBy: AppliedBy | null; outcome: string },
	): Promise<Recommendation | undefined> {
		return this.db.transaction(async (tx) => {
			const [row] = await tx
				.update(aiSteeringRecommendations)
				.set({
					status: decision.status,
					appliedBy: decision.appliedBy,
					outcome: decision.outcome,
					appliedAt: decision.status === "ignored" ? null : new Date(),
				})
				.where(and(eq(aiSteeringRecommendations.id, id), eq(aiSteeringRecommendations.status, "pending")))
				.returning();
			if (row) await refreshCounts(tx, row.sessionId);
			return row;
		});
	}

	/**
	 * Takes a pending recommendation for applying: the row moves to `applied` at once (so nobody
	 * applies it twice) and `settle` then records the real outcome. Undefined when it was not pending.
	 */
	async claim(id: number, appliedBy: AppliedBy): Promise<Recommendation | undefined> {
		return this.decide(id, { status: "applied", appliedBy, outcome: "being applied" });
	}

	/** Puts a claimed recommendation back to pending: it could not be applied from here, nothing changed. */
	async release(id: number): Promise<void> {
		await this.db.transaction(async (tx) => {
			const [row] = await tx
				.update(aiSteeringRecommendations)
				.set({ status: "pending", appliedBy: null, appliedAt: null, outcome: null })
				.where(eq(aiSteeringRecommendations.id, id))
				.returning();
			if (row) await refreshCounts(tx, row.sessionId);
		});
	}

	/** The outcome of a claimed recommendation: applied with what changed, or failed with why. */
	async settle(id: number, status: "applied" | "failed", outcome: string): Promise<Recommendation | undefined> {
		return this.db.transaction(async (tx) => {
			const [row] = await tx
				.update(aiSteeringRecommendations)
				.set({ status, outcome })
				.where(eq(aiSteeringRecommendations.id, id))
				.returning();
			if (row) await refreshCounts(tx, row.sessionId);
			return row;
		});
	}

	/** Everything the observer knows about a run, as the API and the stream show it. */
	async view(runId: number): Promise<ObserverView> {
		const [session, anomalies, insights, recommendations] = await Promise.all([
			this.session(runId),
			this.anomalies(runId),
			this.insights(runId),
			this.recommendations(runId),
		]);
		return {
			session: session ? toSessionView(session) : null,
			anomalies: anomalies.map(toAnomalyView),
			insights: insights.map(toInsightView),
			recommendations: recommendations.map(toRecommendationView),
		};
	}

	/** A run's tasks with their metrics rows, in one query: what the observer reads on every look. */
	tasksWithMetrics(runId: number): Promise<Array<{ task: Task; metrics: TaskMetrics | null }>> {
		return this.db
			.select({ task: tasks, metrics: taskMetrics })
			.from(tasks)
			.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
			.where(eq(tasks.runId, runId))
			.orderBy(asc(tasks.id));
	}

	/**
	 * Finished tasks of earlier runs of the same model (at most `runs` of them, newest first,
	 * created before `before`): the history runaway and flaky detectors compare with.
	 */
	async history(model: string, before: { runId: number; createdAt: Date }, limitRuns: number): Promise<HistoryTask[]> {
		if (limitRuns <= 0) return [];
		const earlier = await this.db
			.select({ id: runs.id })
			.from(runs)
			.where(and(eq(runs.model, model), ne(runs.id, before.runId), lt(runs.createdAt, before.createdAt)))
			.orderBy(desc(runs.createdAt), desc(runs.id))
			.limit(limitRuns);
		if (earlier.length === 0) return [];
		const rows = await this.db
			.select({ task: tasks, metrics: taskMetrics, createdAt: runs.createdAt })
			.from(tasks)
			.innerJoin(runs, eq(tasks.runId, runs.id))
			.leftJoin(taskMetrics, eq(tasks.taskMetricsId, taskMetrics.id))
			.where(
				and(
					inArray(
						tasks.runId,
						earlier.map((run) => run.id),
					),
					inArray(tasks.status, ["passed", "failed"]),
				),
			)
			.orderBy(asc(runs.createdAt), asc(tasks.runId), asc(tasks.iteration));
		return rows.map(({ task, metrics, createdAt }) => ({
			runId: task.runId,
			language: task.language,
			exercise: task.exercise,
			iteration: task.iteration,
			passed: task.passed,
			failureKind: task.failureKind,
			tokens: (metrics?.tokensIn ?? 0) + (metrics?.tokensOut ?? 0),
			cost: metrics?.cost ?? 0,
			durationMs: metrics?.duration ?? 0,
			createdAt,
		}));
	}
}

type AnomalyValues = Omit<
	typeof aiAnomalies.$inferInsert,
	"id" | "runId" | "sessionId" | "key" | "detectedAt" | "updatedAt" | "resolvedAt"
>;

function anomalyValues(finding: Finding): AnomalyValues & { resolved: boolean } {
	return {
		taskId: finding.taskIds.length === 1 ? (finding.taskIds[0] ?? null) : null,
		detector: finding.detector,
		type: finding.type,
		severity: finding.severity,
		title: finding.title,
		description: finding.description,
		confidence: round(finding.confidence, 4),
		detectedValue: finding.detectedValue,
		expectedValue: finding.expectedValue,
		threshold: finding.threshold,
		unit: finding.unit,
		suggestedAction: finding.suggestedAction,
		evidence: finding.evidence,
		taskIds: finding.taskIds,
		resolved: !finding.active,
	};
}

/** Whether a look changed a known finding enough to write (and to tell the streams). */
function changed(row: Anomaly, values: AnomalyValues & { resolved: boolean }): boolean {
	return (
		row.severity !== values.severity ||
		row.resolved !== values.resolved ||
		row.title !== values.title ||
		row.description !== values.description ||
		!sameNumber(row.detectedValue, values.detectedValue ?? null) ||
		!sameNumber(row.threshold, values.threshold ?? null) ||
		!sameNumber(row.expectedValue, values.expectedValue ?? null) ||
		JSON.stringify(row.taskIds) !== JSON.stringify(values.taskIds)
	);
}

function sameNumber(a: number | null, b: number | null): boolean {
	if (a === null || b === null) return a === b;
	// `real` columns keep about 7 digits.
	return Math.abs(a - b) <= Math.max(1e-6, Math.abs(a) * 1e-6);
}

function round(value: number, digits: number): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

async function refreshCounts(tx: Executor, sessionId: number): Promise<void> {
	const countOf = async (table: typeof aiAnomalies | typeof aiInsights | typeof aiSteeringRecommendations) => {
		const [row] = await tx.select({ n: count() }).from(table).where(eq(table.sessionId, sessionId));
		return row?.n ?? 0;
	};
	const [anomalyCount, insightCount, recommendationCount] = await Promise.all([
		countOf(aiAnomalies),
		countOf(aiInsights),
		countOf(aiSteeringRecommendations),
	]);
	const [applied] = await tx
		.select({ n: count() })
		.from(aiSteeringRecommendations)
		.where(and(eq(aiSteeringRecommendations.sessionId, sessionId), eq(aiSteeringRecommendations.status, "applied")));
	await tx
		.update(aiObserverSessions)
		.set({
			anomalyCount,
			insightCount,
			recommendationCount,
			appliedCount: applied?.n ?? 0,
			revision: sql`${aiObserverSessions.revision} + 1`,
		})
		.where(eq(aiObserverSessions.id, sessionId));
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toSessionView(row: ObserverSession): ObserverSessionView {
	return {
		runId: row.runId,
		level: row.observerLevel,
		steering: row.steeringMode,
		insights: row.insightsConfig,
		status: row.status,
		budgetUsd: row.budgetUsd,
		spentUsd: row.spentUsd,
		projectedUsd: row.projectedUsd,
		projectedLowUsd: row.projectedLowUsd,
		projectedHighUsd: row.projectedHighUsd,
		anomalyCount: row.anomalyCount,
		insightCount: row.insightCount,
		recommendationCount: row.recommendationCount,
		appliedCount: row.appliedCount,
		model: row.model,
		summary: row.summary,
		summaryAt: iso(row.summaryAt),
		startedAt: row.startedAt.toISOString(),
		endedAt: iso(row.endedAt),
		revision: row.revision,
	};
}

export function toAnomalyView(row: Anomaly): AnomalyView {
	return {
		id: row.id,
		detector: row.detector,
		type: row.type,
		severity: row.severity,
		title: row.title,
		description: row.description,
		confidence: row.confidence,
		detectedValue: row.detectedValue,
		expectedValue: row.expectedValue,
		threshold: row.threshold,
		unit: row.unit,
		suggestedAction: row.suggestedAction,
		taskIds: row.taskIds,
		evidence: row.evidence,
		resolved: row.resolved,
		detectedAt: row.detectedAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
	};
}

export function toInsightView(row: Insight): InsightView {
	return {
		id: row.id,
		anomalyId: row.anomalyId,
		category: row.category,
		severity: row.severity,
		title: row.title,
		description: row.description,
		confidence: row.confidence,
		evidence: row.evidence,
		recommendations: row.recommendations,
		detectedAt: row.detectedAt.toISOString(),
		acknowledgedAt: iso(row.acknowledgedAt),
	};
}

export function toRecommendationView(row: Recommendation): RecommendationView {
	return {
		id: row.id,
		anomalyId: row.anomalyId,
		type: row.type,
		priority: row.priority,
		description: row.description,
		expectedImpact: row.expectedImpact,
		confidence: row.confidence,
		parameters: row.parameters,
		autoSafe: row.autoSafe,
		status: row.status,
		appliedAt: iso(row.appliedAt),
		appliedBy: row.appliedBy,
		outcome: row.outcome,
		createdAt: row.createdAt.toISOString(),
	};
}
