import { z } from "zod";
import { taskEventSchema } from "./events.js";

export const IpcMessageType = {
	Connect: "Connect",
	Disconnect: "Disconnect",
	Ack: "Ack",
	TaskCommand: "TaskCommand",
	TaskEvent: "TaskEvent",
} as const;
export type IpcMessageType = (typeof IpcMessageType)[keyof typeof IpcMessageType];

export const IpcOrigin = { Client: "client", Server: "server" } as const;
export type IpcOrigin = (typeof IpcOrigin)[keyof typeof IpcOrigin];

/** A clientId is 12 lowercase hex characters, made by the server on connect. */
export const clientIdSchema = z.string().regex(/^[0-9a-f]{12}$/, "must be 12 hex characters");

// Numbers without a range, as Roo Code declares them: pids are only reported, never acted on here.
export const ackSchema = z.object({
	clientId: z.string(),
	pid: z.number(),
	ppid: z.number(),
});
export type Ack = z.infer<typeof ackSchema>;

export const TaskCommandName = {
	StartNewTask: "StartNewTask",
	CancelTask: "CancelTask",
	CloseTask: "CloseTask",
	ResumeTask: "ResumeTask",
	SendMessage: "SendMessage",
	GetCommands: "GetCommands",
	GetModes: "GetModes",
	GetModels: "GetModels",
	DeleteQueuedMessage: "DeleteQueuedMessage",
	CancelCommand: "CancelCommand",
	SetTaskContext: "SetTaskContext",
} as const;
export type TaskCommandName = (typeof TaskCommandName)[keyof typeof TaskCommandName];

export const startNewTaskDataSchema = z.object({
	/**
	 * The settings (see settingsSchema). On the wire any JSON object is taken: Roo Code's own
	 * checks are looser than ours (an empty base URL, a temperature above 2), and a command dropped
	 * here would leave the runner waiting for a task that never starts. The agent validates the
	 * settings itself and refuses the task with the reason as a message, which a runner can see.
	 */
	configuration: z.record(z.string(), z.unknown()),
	text: z.string(),
	images: z.array(z.string()).optional(),
	newTab: z.boolean().optional(),
});
export type StartNewTaskData = z.infer<typeof startNewTaskDataSchema>;

/**
 * Our addition: tells the agent which evals task it is working on, so its traces and MCP
 * telemetry can be attributed. Roo Code ignores it; runners must not wait for the reply forever.
 */
export const taskContextSchema = z.object({
	taskId: z.number().int().nonnegative(),
	rooTaskId: z.string(),
	runId: z.number().int().nonnegative(),
	mcpServer: z.string().optional(),
	userIntent: z.string().optional(),
	/**
	 * Ours: the folder the next task works in (an absolute path to a directory), for an agent that
	 * serves task after task. It then forgets the last task and closes its MCP servers.
	 */
	workspace: z.string().min(1).optional(),
	/**
	 * Where the agent sends its spans: an OTLP/HTTP traces URL (`…/v1/traces`). Headers (which
	 * may hold secrets) never travel here: the agent reads OTEL_EXPORTER_OTLP_HEADERS itself.
	 */
	otlpEndpoint: z.url().optional(),
	/** The runner's span the agent's spans hang under; without it the agent records no trace. */
	traceparent: z
		.string()
		.regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, "must be a W3C traceparent")
		.optional(),
});
export type TaskContext = z.infer<typeof taskContextSchema>;

const noData = <N extends TaskCommandName>(commandName: N) => z.object({ commandName: z.literal(commandName) });
// Roo Code sends no data; we also accept a task id so a runner can name the task it means.
const optionalTaskId = <N extends TaskCommandName>(commandName: N) =>
	z.object({ commandName: z.literal(commandName), data: z.string().optional() });

export const taskCommandSchema = z.discriminatedUnion("commandName", [
	z.object({ commandName: z.literal(TaskCommandName.StartNewTask), data: startNewTaskDataSchema }),
	optionalTaskId(TaskCommandName.CancelTask),
	optionalTaskId(TaskCommandName.CloseTask),
	// Any string, as in Roo Code: an id the agent does not know (even "") is logged and ignored.
	z.object({ commandName: z.literal(TaskCommandName.ResumeTask), data: z.string() }),
	z.object({
		commandName: z.literal(TaskCommandName.SendMessage),
		data: z.object({ text: z.string().optional(), images: z.array(z.string()).optional() }),
	}),
	noData(TaskCommandName.GetCommands),
	noData(TaskCommandName.GetModes),
	noData(TaskCommandName.GetModels),
	z.object({ commandName: z.literal(TaskCommandName.DeleteQueuedMessage), data: z.string() }),
	noData(TaskCommandName.CancelCommand),
	z.object({ commandName: z.literal(TaskCommandName.SetTaskContext), data: taskContextSchema }),
]);
export type TaskCommand = z.infer<typeof taskCommandSchema>;
export type TaskCommandOf<N extends TaskCommandName> = Extract<TaskCommand, { commandName: N }>;

export const ackMessageSchema = z.object({
	type: z.literal(IpcMessageType.Ack),
	origin: z.literal(IpcOrigin.Server),
	data: ackSchema,
});
export const taskCommandMessageSchema = z.object({
	type: z.literal(IpcMessageType.TaskCommand),
	origin: z.literal(IpcOrigin.Client),
	clientId: z.string(),
	data: taskCommandSchema,
});
export const taskEventMessageSchema = z.object({
	type: z.literal(IpcMessageType.TaskEvent),
	origin: z.literal(IpcOrigin.Server),
	relayClientId: z.string().optional(),
	data: taskEventSchema,
});

export const ipcMessageSchema = z.discriminatedUnion("type", [
	ackMessageSchema,
	taskCommandMessageSchema,
	taskEventMessageSchema,
]);
export type IpcMessage = z.infer<typeof ipcMessageSchema>;
export type AckMessage = z.infer<typeof ackMessageSchema>;
export type TaskCommandMessage = z.infer<typeof taskCommandMessageSchema>;
export type TaskEventMessage = z.infer<typeof taskEventMessageSchema>;

/** Messages a server accepts from clients, and clients accept from servers. */
export const clientToServerMessageSchema = taskCommandMessageSchema;
export const serverToClientMessageSchema = z.discriminatedUnion("type", [ackMessageSchema, taskEventMessageSchema]);

/**
 * node-ipc wraps every payload as `{type: <event name>, data}`; Roo Code always uses the event
 * name "message". This is the outer object of every frame on the socket.
 */
export const NODE_IPC_EVENT = "message";
export const nodeIpcFrameSchema = z.object({ type: z.literal(NODE_IPC_EVENT), data: z.unknown() });
