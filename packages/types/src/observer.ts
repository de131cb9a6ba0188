import { z } from "zod";
import {
	anomalyTypes,
	appliedByValues,
	detectorNames,
	insightCategories,
	insightsModes,
	observerLevels,
	observerSessionStatuses,
	recommendationPriorities,
	recommendationStatuses,
	recommendationTypes,
	severities,
	steeringModes,
} from "./values.js";

/*
 * The observer's contracts: its thresholds (`--observer-config FILE`, `observer.config` in
 * `POST /api/runs`), the run's observer options, and what the API and the event stream say
 * about its findings. Every threshold has a default, so a config names only what it changes;
 * unknown keys are refused so a typo is not silently ignored.
 */

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
	z.enum(values, { error: `must be one of ${values.join(", ")}` });

function number(min: number, max: number, options: { int?: boolean; above?: boolean } = {}) {
	let schema = z.number({ error: "must be a number" });
	if (options.int) schema = schema.int("must be a whole number");
	schema = options.above ? schema.gt(min, `must be more than ${min}`) : schema.min(min, `must be at least ${min}`);
	return schema.max(max, `must be at most ${max}`);
}

// `prefault` parses `{}` through the section, so an absent section gets every default.
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).prefault({} as never);

/** Thresholds and knobs of every detector; the defaults are the README's. */
export const observerConfigSchema = z
	.strictObject({
		/** How often the live observer looks at the run, seconds. */
		intervalSeconds: number(0.1, 600).default(2),
		/** Detectors left out even though the level includes them. */
		disabled: z.array(oneOf(detectorNames)).default([]),
		runaway: section({
			/** Robust z: how many scaled MADs above the median a task must be. */
			k: number(1, 100).default(4),
			/** At least this many times the median, whatever the spread (identical tasks have MAD 0). */
			minRatio: number(1, 1000).default(2),
			/** Finished tasks of the run needed before its baseline counts. */
			minBaselineTasks: number(2, 10_000, { int: true }).default(4),
			/** The excess above the median must also reach these absolute amounts. */
			minExcessTokens: number(0, 1e12).default(20_000),
			minExcessCostUsd: number(0, 1e6).default(0.05),
			minExcessTurns: number(0, 100_000).default(10),
			minExcessSeconds: number(0, 86_400).default(120),
			/** Earlier runs of the same model that make the history of an exercise. */
			historyRuns: number(0, 100, { int: true }).default(5),
		}),
		stuck: section({
			/** A running agent with no event for this long is stuck. */
			seconds: number(1, 86_400).default(180),
		}),
		loop: section({
			/** The same tool call with the same arguments this many times in a task. */
			repeats: number(2, 10_000, { int: true }).default(5),
			/** The same error message this many times in a task. */
			errorRepeats: number(2, 10_000, { int: true }).default(5),
		}),
		rateLimit: section({
			/** Rate-limit retries closer than this to each other belong to one storm. */
			windowSeconds: number(1, 3600).default(60),
			minEvents: number(2, 10_000, { int: true }).default(4),
			/** Distinct tasks hit: one task retrying alone is not a storm. */
			minTasks: number(1, 10_000, { int: true }).default(2),
		}),
		infra: section({
			/** Tasks failing for the same infrastructure reason that make a cluster. */
			minTasks: number(2, 10_000, { int: true }).default(3),
		}),
		toolErrors: section({
			/** Failure rate of one tool (or one MCP server's calls) across the run. */
			rate: number(0, 1, { above: true }).default(0.5),
			minCalls: number(1, 1_000_000, { int: true }).default(8),
		}),
		mcpLatency: section({
			/** The recent median must be this many times the early median. */
			factor: number(1, 1000, { above: true }).default(3),
			/** Calls to a server before its latency is judged. */
			minCalls: number(4, 1_000_000, { int: true }).default(6),
			/** And at least this many milliseconds slower. */
			minDeltaMs: number(0, 3_600_000).default(1000),
		}),
		mcpDown: section({
			/** Connection failures of a server with no connection since. */
			minFailures: number(1, 10_000, { int: true }).default(2),
		}),
		budget: section({
			/** Share of the budget the projection must reach to warn. */
			warnAt: number(0, 10, { above: true }).default(0.8),
			/** Share of the budget at which the run is in breach (and `auto` pauses it). */
			breachAt: number(0, 10, { above: true }).default(1),
			/** Finished tasks before a projection counts; spending the budget counts at once. */
			minFinishedTasks: number(1, 10_000, { int: true }).default(2),
		}),
		flaky: section({
			/** Verdict changes across earlier runs of the same model (pass → fail → pass is two). */
			minFlips: number(1, 1000, { int: true }).default(2),
			historyRuns: number(0, 100, { int: true }).default(5),
		}),
		/** Settings for the narrative summary's model (base URL, script, modelInfo); never keys. */
		summarySettings: z.record(z.string(), z.unknown()).optional(),
	})
	.refine((config) => config.budget.warnAt <= config.budget.breachAt, {
		message: "budget.warnAt must not be above budget.breachAt",
		path: ["budget", "warnAt"],
	});
export type ObserverConfig = z.output<typeof observerConfigSchema>;
export type ObserverConfigInput = z.input<typeof observerConfigSchema>;

/** Every default, for code that needs a config without a run. */
export function defaultObserverConfig(): ObserverConfig {
	return observerConfigSchema.parse({});
}

/** The observer options of a run (`evals run --observer …`, `observer` in `POST /api/runs`). */
export const runObserverSchema = z.strictObject({
	level: oneOf(observerLevels),
	/** Absent: `auto` for autonomous, else `monitor-only`. */
	steering: oneOf(steeringModes).optional(),
	insights: oneOf(insightsModes).default("store"),
	/** The run's cap, USD. */
	budgetUsd: number(0, 1_000_000, { above: true }).optional(),
	/** `provider:model` that writes the narrative summary at the end; none without. */
	model: z.string().trim().min(1).optional(),
	config: observerConfigSchema.optional(),
});
export type RunObserver = z.output<typeof runObserverSchema>;
export type RunObserverInput = z.input<typeof runObserverSchema>;

// ------------------------------------------------------------------------------------- the API

const isoDate = z.string();

/** One finding (an `ai_anomalies` row) as the API shows it. */
export const anomalyViewSchema = z.object({
	id: z.number().int(),
	detector: oneOf(detectorNames),
	type: oneOf(anomalyTypes),
	severity: oneOf(severities),
	title: z.string(),
	description: z.string(),
	confidence: z.number(),
	detectedValue: z.number().nullable(),
	expectedValue: z.number().nullable(),
	threshold: z.number().nullable(),
	/** What the three values are measured in ("tokens", "USD", "s", "calls", …). */
	unit: z.string(),
	suggestedAction: z.string().nullable(),
	/** The tasks it concerns (links into the task drawer). */
	taskIds: z.array(z.number().int()),
	/** The numbers behind it: values per task, medians, windows, servers… */
	evidence: z.record(z.string(), z.unknown()),
	resolved: z.boolean(),
	detectedAt: isoDate,
	updatedAt: isoDate,
});
export type AnomalyView = z.infer<typeof anomalyViewSchema>;

export const insightViewSchema = z.object({
	id: z.number().int(),
	anomalyId: z.number().int().nullable(),
	category: oneOf(insightCategories),
	severity: oneOf(severities),
	title: z.string(),
	description: z.string(),
	confidence: z.number(),
	evidence: z.record(z.string(), z.unknown()),
	recommendations: z.array(z.string()),
	detectedAt: isoDate,
	acknowledgedAt: isoDate.nullable(),
});
export type InsightView = z.infer<typeof insightViewSchema>;

export const recommendationViewSchema = z.object({
	id: z.number().int(),
	anomalyId: z.number().int().nullable(),
	type: oneOf(recommendationTypes),
	priority: oneOf(recommendationPriorities),
	description: z.string(),
	expectedImpact: z.string(),
	confidence: z.number(),
	parameters: z.record(z.string(), z.unknown()),
	/** Whether `auto` steering may apply it by itself. */
	autoSafe: z.boolean(),
	status: oneOf(recommendationStatuses),
	appliedAt: isoDate.nullable(),
	appliedBy: oneOf(appliedByValues).nullable(),
	/** What applying it changed, or why it failed. */
	outcome: z.string().nullable(),
	createdAt: isoDate,
});
export type RecommendationView = z.infer<typeof recommendationViewSchema>;

/** The `ai_observer_sessions` row of a run: options and totals. */
export const observerSessionViewSchema = z.object({
	runId: z.number().int(),
	level: oneOf(observerLevels),
	steering: oneOf(steeringModes),
	insights: oneOf(insightsModes),
	status: oneOf(observerSessionStatuses),
	budgetUsd: z.number().nullable(),
	/** Finished and running tasks' cost, plus attempts a pause discarded. */
	spentUsd: z.number(),
	/** Spent plus the mean cost of a finished task for each task left; null before a projection. */
	projectedUsd: z.number().nullable(),
	projectedLowUsd: z.number().nullable(),
	projectedHighUsd: z.number().nullable(),
	anomalyCount: z.number().int(),
	insightCount: z.number().int(),
	recommendationCount: z.number().int(),
	/** Recommendations applied, by a person or by `auto`. */
	appliedCount: z.number().int(),
	model: z.string().nullable(),
	summary: z.string().nullable(),
	summaryAt: isoDate.nullable(),
	startedAt: isoDate,
	endedAt: isoDate.nullable(),
	/** Increases with every change; the event stream sends the view again when it moves. */
	revision: z.number().int(),
});
export type ObserverSessionView = z.infer<typeof observerSessionViewSchema>;

/** `GET /api/runs/:id/observer` and the stream's `event: observer`. */
export const observerViewSchema = z.object({
	session: observerSessionViewSchema.nullable(),
	anomalies: z.array(anomalyViewSchema),
	insights: z.array(insightViewSchema),
	recommendations: z.array(recommendationViewSchema),
});
export type ObserverView = z.infer<typeof observerViewSchema>;

/** `POST /api/runs/:id/observer/recommendations/:recommendationId/apply|dismiss`. */
export const recommendationParamSchema = z.object({
	id: z.string().regex(/^\d+$/, "must be a positive whole number").transform(Number),
	recommendationId: z.string().regex(/^\d+$/, "must be a positive whole number").transform(Number),
});
