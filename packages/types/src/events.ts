import { z } from "zod";
import { mcpTelemetryEventSchema } from "./mcp.js";
import { clineMessageSchema, queuedMessageSchema, tokenUsageSchema } from "./message.js";
import { toolUsageSchema } from "./tools.js";

/** Wire names of task events (camelCase, as Roo Code sends them). */
export const RooCodeEventName = {
	TaskCreated: "taskCreated",
	TaskStarted: "taskStarted",
	TaskCompleted: "taskCompleted",
	TaskAborted: "taskAborted",
	TaskFocused: "taskFocused",
	TaskUnfocused: "taskUnfocused",
	TaskActive: "taskActive",
	TaskInteractive: "taskInteractive",
	TaskResumable: "taskResumable",
	TaskIdle: "taskIdle",
	TaskPaused: "taskPaused",
	TaskUnpaused: "taskUnpaused",
	TaskSpawned: "taskSpawned",
	TaskDelegated: "taskDelegated",
	TaskDelegationCompleted: "taskDelegationCompleted",
	TaskDelegationResumed: "taskDelegationResumed",
	TaskForked: "taskForked",
	Message: "message",
	TaskModeSwitched: "taskModeSwitched",
	TaskAskResponded: "taskAskResponded",
	TaskUserMessage: "taskUserMessage",
	QueuedMessagesUpdated: "queuedMessagesUpdated",
	TaskTokenUsageUpdated: "taskTokenUsageUpdated",
	TaskToolFailed: "taskToolFailed",
	ModeChanged: "modeChanged",
	ProviderProfileChanged: "providerProfileChanged",
	CommandsResponse: "commandsResponse",
	ModesResponse: "modesResponse",
	ModelsResponse: "modelsResponse",
	TaskContextConfirmation: "taskContextConfirmation",
	/** Ours: MCP telemetry (connections, calls with exact timings), sent only to a runner that sent SetTaskContext. */
	McpTelemetry: "mcpTelemetry",
	EvalPass: "evalPass",
	EvalFail: "evalFail",
} as const;
export type RooCodeEventName = (typeof RooCodeEventName)[keyof typeof RooCodeEventName];

const agentTaskId = z.string();
const onlyTaskId = z.tuple([agentTaskId]);
const parentAndChild = z.tuple([agentTaskId, agentTaskId]);

export const messageEventPayloadSchema = z.object({
	taskId: agentTaskId,
	action: z.enum(["created", "updated"]),
	message: clineMessageSchema,
});
export type MessageEventPayload = z.infer<typeof messageEventPayloadSchema>;

export const slashCommandSchema = z.looseObject({
	name: z.string(),
	source: z.string().optional(),
	description: z.string().optional(),
	argumentHint: z.string().optional(),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

export const modeSummarySchema = z.looseObject({ slug: z.string(), name: z.string() });
export type ModeSummary = z.infer<typeof modeSummarySchema>;

const price = z.number().nonnegative().optional();
/**
 * A model as our agent knows it (its tables, the `modelInfo` setting): limits are whole positive
 * numbers and prices are never negative. Prices are USD per million tokens.
 */
export const modelInfoSchema = z.looseObject({
	contextWindow: z.number().int().positive().optional(),
	maxTokens: z.number().int().positive().optional(),
	inputPrice: price,
	outputPrice: price,
	cacheWritesPrice: price,
	cacheReadsPrice: price,
	supportsImages: z.boolean().optional(),
	supportsPromptCache: z.boolean().optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/**
 * A model as an agent reports it in `modelsResponse`. Roo Code declares every number without a
 * range and `maxTokens` as nullable (no output limit known), so a receiver takes what comes;
 * Roo Code also requires `contextWindow` and `supportsPromptCache`, which our agent always sends.
 */
export const reportedModelInfoSchema = z.looseObject({
	contextWindow: z.number().optional(),
	maxTokens: z.number().nullish(),
	maxThinkingTokens: z.number().nullish(),
	inputPrice: z.number().optional(),
	outputPrice: z.number().optional(),
	cacheWritesPrice: z.number().optional(),
	cacheReadsPrice: z.number().optional(),
	supportsImages: z.boolean().optional(),
	supportsPromptCache: z.boolean().optional(),
});
export type ReportedModelInfo = z.infer<typeof reportedModelInfoSchema>;

export const taskContextConfirmationSchema = z.object({
	success: z.boolean(),
	error: z.string().optional(),
});
export type TaskContextConfirmation = z.infer<typeof taskContextConfirmationSchema>;

/** Payload tuple of every event, by wire name. */
export const taskEventPayloadSchemas = {
	taskCreated: onlyTaskId,
	taskStarted: onlyTaskId,
	taskCompleted: z.tuple([agentTaskId, tokenUsageSchema, toolUsageSchema, z.object({ isSubtask: z.boolean() })]),
	taskAborted: onlyTaskId,
	taskFocused: onlyTaskId,
	taskUnfocused: onlyTaskId,
	taskActive: onlyTaskId,
	taskInteractive: onlyTaskId,
	taskResumable: onlyTaskId,
	taskIdle: onlyTaskId,
	taskPaused: onlyTaskId,
	taskUnpaused: onlyTaskId,
	taskSpawned: parentAndChild,
	taskDelegated: parentAndChild,
	taskDelegationCompleted: z.tuple([agentTaskId, agentTaskId, z.string()]),
	taskDelegationResumed: parentAndChild,
	taskForked: parentAndChild,
	message: z.tuple([messageEventPayloadSchema]),
	taskModeSwitched: z.tuple([agentTaskId, z.string()]),
	taskAskResponded: onlyTaskId,
	taskUserMessage: onlyTaskId,
	queuedMessagesUpdated: z.tuple([agentTaskId, z.array(queuedMessageSchema)]),
	// Older Roo Code releases send [id, TokenUsage]; ours always adds ToolUsage.
	taskTokenUsageUpdated: z.tuple([agentTaskId, tokenUsageSchema, toolUsageSchema.optional()]),
	// Tool names stay open-ended here (see tools.ts).
	taskToolFailed: z.tuple([agentTaskId, z.string(), z.string()]),
	modeChanged: z.tuple([z.string()]),
	providerProfileChanged: z.tuple([z.object({ name: z.string(), provider: z.string() })]),
	commandsResponse: z.tuple([z.array(slashCommandSchema)]),
	modesResponse: z.tuple([z.array(modeSummarySchema)]),
	modelsResponse: z.tuple([z.record(z.string(), reportedModelInfoSchema)]),
	taskContextConfirmation: z.tuple([taskContextConfirmationSchema]),
	mcpTelemetry: z.tuple([agentTaskId, mcpTelemetryEventSchema]),
} as const satisfies Record<Exclude<RooCodeEventName, "evalPass" | "evalFail">, z.ZodType>;

export type TaskEventPayloads = {
	[K in keyof typeof taskEventPayloadSchemas]: z.infer<(typeof taskEventPayloadSchemas)[K]>;
};

/**
 * `taskId` is the evals database task id, added by the runner before republishing. Roo Code
 * declares it as any number; an id that is not a whole number >= 0 parses and is reported by
 * `implausibleValues`.
 */
const evalsTaskId = z.number();

function agentEvent<N extends keyof typeof taskEventPayloadSchemas>(eventName: N) {
	return z.object({
		eventName: z.literal(eventName),
		payload: taskEventPayloadSchemas[eventName],
		taskId: evalsTaskId.optional(),
	});
}

function verdictEvent<N extends "evalPass" | "evalFail">(eventName: N) {
	// Roo Code declares the payload as undefined, so it is absent on the wire.
	return z.object({ eventName: z.literal(eventName), payload: z.tuple([]).optional(), taskId: evalsTaskId });
}

export const taskEventSchema = z.discriminatedUnion("eventName", [
	agentEvent("taskCreated"),
	agentEvent("taskStarted"),
	agentEvent("taskCompleted"),
	agentEvent("taskAborted"),
	agentEvent("taskFocused"),
	agentEvent("taskUnfocused"),
	agentEvent("taskActive"),
	agentEvent("taskInteractive"),
	agentEvent("taskResumable"),
	agentEvent("taskIdle"),
	agentEvent("taskPaused"),
	agentEvent("taskUnpaused"),
	agentEvent("taskSpawned"),
	agentEvent("taskDelegated"),
	agentEvent("taskDelegationCompleted"),
	agentEvent("taskDelegationResumed"),
	agentEvent("taskForked"),
	agentEvent("message"),
	agentEvent("taskModeSwitched"),
	agentEvent("taskAskResponded"),
	agentEvent("taskUserMessage"),
	agentEvent("queuedMessagesUpdated"),
	agentEvent("taskTokenUsageUpdated"),
	agentEvent("taskToolFailed"),
	agentEvent("modeChanged"),
	agentEvent("providerProfileChanged"),
	agentEvent("commandsResponse"),
	agentEvent("modesResponse"),
	agentEvent("modelsResponse"),
	agentEvent("taskContextConfirmation"),
	agentEvent("mcpTelemetry"),
	verdictEvent("evalPass"),
	verdictEvent("evalFail"),
]);
export type TaskEvent = z.infer<typeof taskEventSchema>;

/** The event of one name, e.g. `TaskEventOf<"taskCompleted">`. */
export type TaskEventOf<N extends RooCodeEventName> = Extract<TaskEvent, { eventName: N }>;

/** Every wire name, in declaration order. */
export const taskEventNames = Object.values(RooCodeEventName) as RooCodeEventName[];
