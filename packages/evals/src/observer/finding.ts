import type {
	AnomalyType,
	DetectorName,
	InsightCategory,
	RecommendationPriority,
	RecommendationType,
	Severity,
} from "@agent-evals/types";

/**
 * What a detector reports: one problem with its evidence. It becomes an `ai_anomalies` row,
 * plus an `ai_insights` row when it is a pattern and an `ai_steering_recommendations` row when
 * an action would help. `key` names the problem within its run (e.g. `stuck_task:12`), so seeing
 * it again on the next look updates the same rows.
 */
export interface Finding {
	detector: DetectorName;
	key: string;
	type: AnomalyType;
	severity: Severity;
	title: string;
	description: string;
	/** 0–1: how sure the detector is (each detector's README entry says how it is computed). */
	confidence: number;
	detectedValue: number | null;
	expectedValue: number | null;
	threshold: number | null;
	/** What the three values are measured in. */
	unit: string;
	suggestedAction: string | null;
	/** Every task concerned, first the one it is about. */
	taskIds: number[];
	evidence: Record<string, unknown>;
	/** Still going on (a running task, a storm within its window); false once it is over. */
	active: boolean;
	insight?: FindingInsight;
	recommendation?: FindingRecommendation;
}

export interface FindingInsight {
	category: InsightCategory;
	title: string;
	description: string;
	recommendations: string[];
}

export interface FindingRecommendation {
	type: RecommendationType;
	priority: RecommendationPriority;
	description: string;
	expectedImpact: string;
	parameters: Record<string, unknown>;
	/** Whether `auto` steering may apply it by itself (the safe list). */
	autoSafe: boolean;
}
