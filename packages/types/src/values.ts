// The values every package spells the same way, declared once. No zod here: the dashboard
// imports this module through `@agent-evals/types/values` and must not bundle the schema library.

/** Languages a suite can hold. */
export const languages = ["cpp", "go", "java", "javascript", "python", "rust", "typescript"] as const;
export type Language = (typeof languages)[number];

/** A run's lifecycle: pending → running → completed | cancelled | failed (the controller broke). */
export const runStatuses = ["pending", "running", "completed", "cancelled", "failed"] as const;
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
