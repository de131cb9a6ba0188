// The values every package spells the same way, declared once. No zod here: the dashboard
// imports this module through `@agent-evals/types/values` and must not bundle the schema library.

/** Languages a suite can hold. */
export const languages = ["cpp", "go", "java", "javascript", "python", "rust", "typescript"] as const;
export type Language = (typeof languages)[number];

/**
 * A run's lifecycle: pending → running → completed | cancelled | failed (the controller broke).
 * `paused`: stopped by the observer (or a person) with its unfinished tasks left pending, so
 * `evals resume` continues it; nothing executes while it is paused.
 */
export const runStatuses = ["pending", "running", "paused", "completed", "cancelled", "failed"] as const;
export type RunStatus = (typeof runStatuses)[number];

/** A task's lifecycle; passed and failed carry a verdict, cancelled none. */
export const taskStatuses = ["pending", "running", "passed", "failed", "cancelled"] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * Why a task did not pass: `test_failed` (the agent finished, the tests fail), `timeout`,
 * `agent_error` (the agent aborted or crashed), `infra` (the machine's fault), `cancelled`.
 */
export const failureKinds = ["test_failed", "timeout", "agent_error", "infra", "cancelled"] as const;
export type FailureKind = (typeof failureKinds)[number];

/** Run statuses after which nothing executes any more. */
export const finalRunStatuses = ["completed", "cancelled", "failed"] as const satisfies readonly RunStatus[];
/** Task statuses that end a task. */
export const finishedTaskStatuses = ["passed", "failed", "cancelled"] as const satisfies readonly TaskStatus[];

export function isFinalRunStatus(status: RunStatus): boolean {
	return (finalRunStatuses as readonly string[]).includes(status);
}

/** What a run uses when its config does not say: the CLI, the API, the form and the table defaults. */
export const runDefaults = {
	model: "oracle",
	agent: "builtin",
	/** "auto": bwrap where it works on the machine, else local; the run stores the one chosen. */
	sandbox: "auto",
	concurrency: 2,
	/** Minutes per task. */
	timeoutMinutes: 5,
	/** Seconds per grading command. */
	commandTimeoutSeconds: 120,
	iterations: 1,
	/** Tries per task: a second one gets the failing test output. */
	tries: 1,
} as const;

/** Bounds of the run options, checked by the CLI, the API schema and the New run form alike. */
export const runLimits = {
	concurrency: { min: 1, max: 25 },
	timeoutMinutes: { max: 24 * 60 },
	commandTimeoutSeconds: { min: 1, max: 3600 },
	iterations: { min: 1, max: 100 },
	tries: { min: 1, max: 3 },
} as const;

/**
 * Where a run's OpenTelemetry spans go: `off`, `otlp` (OTLP over HTTP to
 * $OTEL_EXPORTER_OTLP_ENDPOINT), `jaeger` (OTLP over HTTP to Jaeger's default endpoint on this
 * machine) or `console` (one line per span on stderr).
 */
export const otelModes = ["off", "otlp", "jaeger", "console"] as const;
export type OtelMode = (typeof otelModes)[number];

// ------------------------------------------------------------------------------------ observer
// The observer's vocabulary (upstream's names in REFERENCE.md §3, plus ours), zod-free for the
// dashboard.

/** `basic` watches budget, infra and stalls; `full` runs every detector; `autonomous` is full with `auto` steering. */
export const observerLevels = ["basic", "full", "autonomous"] as const;
export type ObserverLevel = (typeof observerLevels)[number];

/** `monitor-only` records; `suggest` also offers each action to a person; `auto` applies the safe ones. */
export const steeringModes = ["monitor-only", "suggest", "auto"] as const;
export type SteeringMode = (typeof steeringModes)[number];

/**
 * `store` keeps findings in the ai_* tables (and shows them live); `export` also writes
 * observer.json and observer.md next to the run when it ends; `realtime` keeps those files
 * current while the run goes and appends each finding to observer.jsonl as it is found.
 */
export const insightsModes = ["store", "export", "realtime"] as const;
export type InsightsMode = (typeof insightsModes)[number];

/** The detectors, each a module of its own under packages/evals/src/observer/detectors/. */
export const detectorNames = [
	"runaway_task",
	"stuck_task",
	"loop",
	"rate_limit_storm",
	"infra_cluster",
	"tool_error_rate",
	"mcp_latency",
	"mcp_server_down",
	"budget",
	"flaky_exercise",
] as const;
export type DetectorName = (typeof detectorNames)[number];

/** What each level runs. */
export const detectorsByLevel: Record<ObserverLevel, readonly DetectorName[]> = {
	basic: ["budget", "infra_cluster", "stuck_task"],
	full: detectorNames,
	autonomous: detectorNames,
};

/** The steering a level uses when the run does not name one. */
export function defaultSteering(level: ObserverLevel): SteeringMode {
	return level === "autonomous" ? "auto" : "monitor-only";
}

export const anomalyTypes = ["performance", "error", "resource", "pattern"] as const;
export type AnomalyType = (typeof anomalyTypes)[number];

/** Ordered from least to most severe. */
export const severities = ["info", "warning", "error", "critical"] as const;
export type Severity = (typeof severities)[number];

export const insightCategories = ["performance", "quality", "efficiency", "reliability"] as const;
export type InsightCategory = (typeof insightCategories)[number];

/**
 * Actions the observer can recommend. `stop_infra_retries` is ours: the controller stops
 * retrying a failure that every task shares. A task cannot be paused (the agent protocol has
 * no such command), so upstream's `pause_task` is never produced.
 */
export const recommendationTypes = [
	"cancel_task",
	"requeue_task",
	"adjust_concurrency",
	"pause_run",
	"stop_run",
	"stop_infra_retries",
] as const;
export type RecommendationType = (typeof recommendationTypes)[number];

/** `ignored` is a dismissed recommendation (upstream's word). */
export const recommendationStatuses = ["pending", "applied", "ignored", "failed"] as const;
export type RecommendationStatus = (typeof recommendationStatuses)[number];

export const recommendationPriorities = ["low", "medium", "high", "critical"] as const;
export type RecommendationPriority = (typeof recommendationPriorities)[number];

export const appliedByValues = ["human", "auto"] as const;
export type AppliedBy = (typeof appliedByValues)[number];

export const observerSessionStatuses = ["active", "ended"] as const;
export type ObserverSessionStatus = (typeof observerSessionStatuses)[number];
