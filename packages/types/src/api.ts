import { z } from "zod";
import { clineMessageSchema } from "./message.js";
import { toolUsageSchema } from "./tools.js";
import { failureKinds, runStatuses, taskStatuses } from "./values.js";

/*
 * The HTTP API of `evals serve`, as the dashboard and the CLI's handoff see it. Responses are
 * described as schemas so a client can check what it receives; dates travel as ISO strings.
 * The server may add fields; clients ignore what they do not know.
 */

export const runStatusSchema = z.enum(runStatuses);
export const taskStatusSchema = z.enum(taskStatuses);
export const failureKindSchema = z.enum(failureKinds);

const isoDate = z.string();
const count = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------- errors

export const apiErrorCodes = ["bad_request", "unauthorized", "not_found", "conflict", "internal"] as const;
export const apiErrorCodeSchema = z.enum(apiErrorCodes);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

/** `path` is the dotted location of the bad value ("concurrency", "exercises.0"); "" for the whole input. */
export const apiIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ApiIssue = z.infer<typeof apiIssueSchema>;

/** The one error shape of every route, with status 400, 401, 404, 409 or 500. */
export const apiErrorSchema = z.object({
	error: z.object({
		code: apiErrorCodeSchema,
		message: z.string(),
		issues: z.array(apiIssueSchema).optional(),
	}),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

// ---------------------------------------------------------------------------------------- health

export const healthResponseSchema = z.object({
	ok: z.literal(true),
	store: z.enum(["pglite", "postgres"]),
	bus: z.enum(["memory", "redis"]),
	/** EVALS_TRACE_URL: a trace viewer's page with `{traceId}` in it; absent when not set. */
	traceUrl: z.string().optional(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

// ------------------------------------------------------------------------------------------ runs

/** How a run's tasks got their agent: a warm process per slot, reused, or a fresh process each. */
export const agentProcessesSchema = z.enum(["warm", "fresh"]);
export type AgentProcesses = z.infer<typeof agentProcessesSchema>;

export const runSummarySchema = z.object({
	id: z.number().int(),
	name: z.string().nullable(),
	description: z.string().nullable(),
	/** `provider:model` as given, or "oracle". */
	model: z.string(),
	provider: z.string().nullable(),
	agent: z.string(),
	/** The sandbox its commands ran in. */
	sandbox: z.string(),
	/** Whether its tasks had warm agents (one process per slot, reused) or a fresh process each. */
	agentProcesses: agentProcessesSchema,
	/** The MCP servers the agent was given, comma-separated; null without. */
	mcpServer: z.string().nullable(),
	/** Runs made together to be compared (an MCP A/B) share this id; null for a lone run. */
	groupId: z.number().int().nullable(),
	/** The run's arm in its group: "mcp" or "baseline". */
	arm: z.string().nullable(),
	/** Absolute path of the suite. */
	suite: z.string(),
	status: runStatusSchema,
	concurrency: z.number().int(),
	timeoutMinutes: z.number(),
	iterations: z.number().int(),
	createdAt: isoDate,
	startedAt: isoDate.nullable(),
	finishedAt: isoDate.nullable(),
	passed: count,
	failed: count,
	/** Number of tasks. */
	total: count,
	running: count,
	pending: count,
	cancelled: count,
	/** passed / (passed + failed); null before the first verdict. */
	passRate: z.number().nullable(),
	/** 95 % Wilson interval of `passRate` over the decided tasks; null before the first verdict. */
	passRateInterval: z.object({ low: z.number(), high: z.number() }).nullable(),
	/** With several tries per task: the pass rate at the first try (pass@try1); null otherwise. */
	passRateFirstTry: z.number().nullable(),
	tokensIn: z.number(),
	tokensOut: z.number(),
	/** USD. */
	cost: z.number(),
	/** Wall time: finished − started, or so far while running; null before the start. */
	durationMs: z.number().nullable(),
	toolUsage: toolUsageSchema,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runListResponseSchema = z.object({ runs: z.array(runSummarySchema), total: count });
export type RunListResponse = z.infer<typeof runListResponseSchema>;

/** A prompt as the run stored it: the text, and its sha256 to tell runs apart at a glance. */
export const storedPromptSchema = z.object({ text: z.string(), sha256: z.string() });

/** What a run told the agent besides the suite's own prompts. */
export const runPromptsSchema = z.object({
	system: storedPromptSchema.optional(),
	tasks: z.record(z.string(), storedPromptSchema).optional(),
});
export type RunPrompts = z.infer<typeof runPromptsSchema>;

/** What a run was made with (reproducibility): code, exercises, toolchains, machine. */
export const runEnvironmentSchema = z.object({
	agentEvals: z.object({ version: z.string(), gitRevision: z.string().nullable() }),
	/** sha256 of the selected exercises' files. */
	suiteHash: z.string(),
	/** sha256 of each selected exercise's files, by language/exercise. */
	exerciseHashes: z.record(z.string(), z.string()),
	/** Version line of each toolchain, null when not found. */
	toolchains: z.record(z.string(), z.string().nullable()),
	machine: z.object({ os: z.string(), arch: z.string(), cpus: z.number(), memoryGb: z.number(), node: z.string() }),
});
export type RunEnvironment = z.infer<typeof runEnvironmentSchema>;

export const runDetailSchema = runSummarySchema.extend({
	/** As stored: API keys were removed before it was written. */
	settings: z.record(z.string(), z.unknown()),
	contextWindow: z.number().nullable(),
	/** USD per million tokens. */
	inputPrice: z.number().nullable(),
	outputPrice: z.number().nullable(),
	cacheWritesPrice: z.number().nullable(),
	cacheReadsPrice: z.number().nullable(),
	commandTimeoutSeconds: z.number(),
	/** Problems of the platform while the run executed (failed store writes, …). */
	notes: z.array(z.string()),
	/** The MCP servers' configs, secrets masked (`${env:NAME}` references as written). */
	mcpConfig: z.record(z.string(), z.unknown()).nullable(),
	userIntent: z.string().nullable(),
	/** The ids of the runs made with this one (an MCP A/B), this one included; [id] for a lone run. */
	group: z.array(z.number().int()),
	/** Null for runs made before it was recorded. */
	environment: runEnvironmentSchema.nullable(),
	/** Tries per task. */
	tries: z.number().int(),
	prompts: runPromptsSchema.nullable(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

const passRateSummarySchema = z.object({
	tasks: count,
	passed: count,
	exercises: count,
	/** The fewest iterations any exercise has: pass@k is given for k up to it. */
	iterations: count,
	passRate: z.number(),
	/** 95 % Wilson interval. */
	interval: z.object({ low: z.number(), high: z.number() }),
	passAt1: z.number(),
	/** Unbiased pass@k by k. */
	passAtK: z.record(z.string(), z.number()),
	standardError: z.number().nullable(),
	/** "clustered" (by exercise) when any exercise ran more than once. */
	standardErrorKind: z.enum(["binomial", "clustered"]),
});

/** A run's statistics over its decided tasks: overall and per language. */
export const runStatsSchema = z.object({
	overall: passRateSummarySchema,
	byLanguage: z.record(z.string(), passRateSummarySchema),
	/**
	 * With several tries per task: the pass rate after try 1, 2, … (`[pass@try1, pass@try2]`),
	 * over the decided tasks. Empty when every task had one try.
	 */
	passRateByTry: z.array(z.number()),
});
export type RunStatsView = z.infer<typeof runStatsSchema>;

export const runDetailResponseSchema = z.object({
	run: runDetailSchema,
	/** Pass rate with its interval, pass@k and standard error, overall and per language. */
	stats: runStatsSchema,
	/** Wall time so far (0 before the start). */
	elapsedMs: z.number(),
	/** Mean duration of finished tasks × tasks left / concurrency; null when unknown. */
	etaMs: z.number().nullable(),
});
export type RunDetailResponse = z.infer<typeof runDetailResponseSchema>;

export const createRunResponseSchema = z.object({
	id: z.number().int(),
	total: count,
	/** With `mcp.ab`: the baseline run made beside it (the same tasks without MCP servers). */
	baselineId: z.number().int().optional(),
});
export type CreateRunResponse = z.infer<typeof createRunResponseSchema>;

export const runCancelResponseSchema = z.object({ status: runStatusSchema });
export type RunCancelResponse = z.infer<typeof runCancelResponseSchema>;

export const runSortKeys = ["created", "passRate", "cost", "duration", "model"] as const;
export type RunSortKey = (typeof runSortKeys)[number];

const wholeNumber = (min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, "must be a whole number")
		.transform(Number)
		.pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const isoDateParam = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "must be an ISO date, e.g. 2025-01-31")
	.transform((text) => new Date(text))
	.refine((date) => !Number.isNaN(date.getTime()), "must be a valid date");

/** A status, or several separated by commas. */
const statusList = <T extends readonly [string, ...string[]]>(values: T) =>
	z
		.string()
		.transform((text) => text.split(",").map((part) => part.trim()))
		.pipe(z.array(z.enum(values, { error: `must be one of ${values.join(", ")}` })).min(1));

/** Query of `GET /api/runs` (strings in, typed values out). */
export const runListQuerySchema = z.object({
	/** Exact `provider:model`. */
	model: z.string().min(1).optional(),
	provider: z.string().min(1).optional(),
	status: statusList(runStatuses).optional(),
	/** Only runs created at or after this time. */
	since: isoDateParam.optional(),
	sort: z.enum(runSortKeys).default("created"),
	order: z.enum(["asc", "desc"]).default("desc"),
	limit: wholeNumber(1, 200).default(50),
	offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
});
export type RunListQuery = z.output<typeof runListQuerySchema>;

// ----------------------------------------------------------------------------------------- tasks

/** Tokens and cost by model (`provider:model`): a task that moved to a fallback model shows both. */
export const modelUsageSchema = z.record(
	z.string(),
	z.object({ requests: count, tokensIn: z.number(), tokensOut: z.number(), cost: z.number() }),
);
export type ModelUsage = z.infer<typeof modelUsageSchema>;

/** One try of a task: the verdict after it, and what it cost. */
export const taskTrySchema = z.object({
	try: z.number().int().positive(),
	passed: z.boolean(),
	failureKind: failureKindSchema.nullable(),
	summary: z.string(),
	agentMs: z.number(),
	gradeMs: z.number(),
	tokensIn: z.number(),
	tokensOut: z.number(),
	cost: z.number(),
});
export type TaskTry = z.infer<typeof taskTrySchema>;

export const taskSummarySchema = z.object({
	id: z.number().int(),
	runId: z.number().int(),
	language: z.string(),
	exercise: z.string(),
	iteration: z.number().int(),
	status: taskStatusSchema,
	/** null = no verdict (yet, or none possible). */
	passed: z.boolean().nullable(),
	failureKind: failureKindSchema.nullable(),
	attempt: z.number().int(),
	startedAt: isoDate.nullable(),
	finishedAt: isoDate.nullable(),
	/** finished − started; so far while running; null before the start. */
	durationMs: z.number().nullable(),
	/** Agent time, as the runner measured it (0 until the task ends). */
	agentMs: z.number(),
	queueWaitMs: z.number().nullable(),
	tokensIn: z.number(),
	tokensOut: z.number(),
	tokensContext: z.number(),
	cacheWrites: z.number(),
	cacheReads: z.number(),
	cost: z.number(),
	toolUsage: toolUsageSchema,
	testsTampered: z.boolean(),
	error: z.string().nullable(),
	/** The OpenTelemetry trace of the task's last attempt; null when the run was not traced. */
	traceId: z.string().nullable(),
	/** Model requests the agent made. */
	turns: count,
	/** MCP tool and resource calls it made. */
	mcpCallCount: count,
	/** The try the tests first passed at (1 = without feedback); null when they never did. */
	passedAtTry: z.number().int().nullable(),
	/** Each try's verdict, time and cost (one entry unless the run gives more tries). */
	tries: z.array(taskTrySchema),
	/** Tokens and cost by model, when the agent says which model each request went to. */
	modelUsage: modelUsageSchema,
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

export const taskListResponseSchema = z.object({ tasks: z.array(taskSummarySchema), total: count });
export type TaskListResponse = z.infer<typeof taskListResponseSchema>;

export const taskListQuerySchema = z.object({
	status: statusList(taskStatuses).optional(),
	limit: wholeNumber(1, 500).default(500),
	offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
});
export type TaskListQuery = z.output<typeof taskListQuerySchema>;

// ------------------------------------------------------------------------------------------- MCP

/** One MCP call of a task, as the drawer shows it beside the transcript. */
export const mcpCallSchema = z.object({
	stepNumber: z.number().int(),
	server: z.string(),
	kind: z.enum(["tool", "resource"]),
	/** The tool name, or the resource URI. */
	name: z.string(),
	request: z.unknown(),
	requestSize: z.number().nullable(),
	/** The result text, capped (the size is the full size). */
	response: z.string().nullable(),
	responseSize: z.number().nullable(),
	durationMs: z.number().nullable(),
	error: z.string().nullable(),
	timedOut: z.boolean(),
	/** `ts` of the transcript message with the response. */
	messageTs: z.number().nullable(),
});
export type McpCall = z.infer<typeof mcpCallSchema>;

export const mcpServerStatsSchema = z.object({
	server: z.string(),
	calls: count,
	errors: count,
	timeouts: count,
	errorRate: z.number(),
	p50Ms: z.number().nullable(),
	p95Ms: z.number().nullable(),
	responseSizeP50: z.number().nullable(),
	responseSizeMax: z.number().nullable(),
	topTools: z.array(z.object({ name: z.string(), calls: count })),
	connectionFailures: count,
});
export type McpServerStatsView = z.infer<typeof mcpServerStatsSchema>;

/** `GET /api/runs/:id/mcp`: how a run used its MCP servers, per server and per task. */
export const runMcpResponseSchema = z.object({
	servers: z.array(mcpServerStatsSchema),
	tasks: z.array(
		z.object({
			taskId: z.number().int(),
			language: z.string(),
			exercise: z.string(),
			iteration: z.number().int(),
			steps: count,
			calls: count,
			errors: count,
			passed: z.boolean().nullable(),
		}),
	),
});
export type RunMcpResponse = z.infer<typeof runMcpResponseSchema>;

export const toolErrorSchema = z.object({ toolName: z.string(), error: z.string(), createdAt: isoDate });

export const taskDetailSchema = taskSummarySchema.extend({
	/** The final version of each message of the transcript, in order. */
	messages: z.array(clineMessageSchema),
	toolErrors: z.array(toolErrorSchema),
	testOutput: z.string().nullable(),
	workspaceDiff: z.string().nullable(),
	phaseTimings: z.record(z.string(), z.number()).nullable(),
	agentTaskId: z.string().nullable(),
	/** The task's MCP calls, in order (empty without MCP). */
	mcpCalls: z.array(mcpCallSchema),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

export const taskActionResponseSchema = z.object({ id: z.number().int(), status: taskStatusSchema });
export type TaskActionResponse = z.infer<typeof taskActionResponseSchema>;

// --------------------------------------------------------------------------------------- compare

const intervalSchema = z.object({ low: z.number(), high: z.number() });

/** One measure of two runs over the exercises both ran, and B − A with its 95 % bootstrap interval. */
export const pairedMeasureSchema = z.object({
	a: z.number(),
	b: z.number(),
	difference: z.number(),
	interval: intervalSchema,
});
export type PairedMeasureView = z.infer<typeof pairedMeasureSchema>;

/** Run B against run A (the first run given), paired over the exercises both ran. */
export const runComparisonSchema = z.object({
	a: z.number().int(),
	b: z.number().int(),
	/** Exercises both ran: the only ones compared. */
	exercises: count,
	onlyA: z.array(z.string()),
	onlyB: z.array(z.string()),
	passRate: pairedMeasureSchema,
	/** Per task: cost (USD), durationMs, tokensIn, tokensOut, turns, mcpCalls. */
	measures: z.record(z.string(), pairedMeasureSchema),
	/** (exercise, iteration) pairs in both runs; fixed: failed in A, passed in B; broke: the reverse. */
	pairs: count,
	fixed: count,
	broke: count,
	/** McNemar's exact test on the flips. */
	pValue: z.number(),
	significant: z.boolean(),
	tooSmall: z.string().nullable(),
	/** One line, e.g. "B is better: +6.0 pp [1.2, 10.8], p = 0.01, 14 fixed / 4 broke". */
	verdict: z.string(),
	/** The exercises (language/exercise) whose outcome changed, by direction. */
	flips: z.object({ fixed: z.array(z.string()), broke: z.array(z.string()) }),
	/** What differs between the runs that can change results (exercises, toolchains, agent-evals). */
	warnings: z.array(z.string()),
});
export type RunComparison = z.infer<typeof runComparisonSchema>;

/** `GET /api/compare?runs=A,B,…` and `evals compare --json`: every later run against the first. */
export const compareResponseSchema = z.object({
	runs: z.array(runSummarySchema),
	comparisons: z.array(runComparisonSchema),
});
export type CompareResponse = z.infer<typeof compareResponseSchema>;

export const compareQuerySchema = z.object({
	runs: z
		.string()
		.transform((text) => text.split(",").map((part) => part.trim()))
		.pipe(
			z
				.array(z.string().regex(/^\d+$/, "must be run ids, e.g. 12,13").transform(Number))
				.min(2, "name at least two runs, e.g. 12,13")
				.max(10, "at most 10 runs"),
		),
});

// ------------------------------------------------------------------------------------- exercises

export const exerciseListResponseSchema = z.object({
	suite: z.string(),
	layout: z.string(),
	exercises: z.array(
		z.object({
			language: z.string(),
			exercise: z.string(),
			difficulty: z.string().nullable(),
			reference: z.boolean(),
		}),
	),
	/** What was odd about the suite and how it was handled. */
	warnings: z.array(z.string()),
});
export type ExerciseListResponse = z.infer<typeof exerciseListResponseSchema>;

// ---------------------------------------------------------------------------------------- export

/** `text` is the report `evals run` prints; the CLI uses it when a run was handed to the server. */
export const exportFormats = ["csv", "json", "junit", "text"] as const;
export const exportQuerySchema = z.object({ format: z.enum(exportFormats).default("json") });

/** The JSON of `evals run --json` and of `GET /api/runs/:id/export?format=json`. */
export const runReportSchema = z.object({
	runId: z.number().int(),
	passed: count,
	failed: count,
	total: count,
	tasks: z.array(
		z.object({
			language: z.string(),
			exercise: z.string(),
			iteration: z.number().int(),
			passed: z.boolean().nullable(),
			failureKind: z.string().nullable(),
			durationMs: z.number().nullable(),
			tokensIn: z.number(),
			tokensOut: z.number(),
			cost: z.number(),
		}),
	),
	/** Pass rate with its 95 % interval, pass@k, standard error; in `show --json` and the export, not `run --json`. */
	stats: runStatsSchema.optional(),
});
export type RunReport = z.infer<typeof runReportSchema>;

// ---------------------------------------------------------------------------------------- stream

/** `Last-Event-ID` as a query parameter, for clients that cannot set the header. */
export const streamQuerySchema = z.object({ lastEventId: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional() });
