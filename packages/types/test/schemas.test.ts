import {
	ipcMessageSchema,
	isSecretSettingKey,
	providerIds,
	RooCodeEventName,
	redactSettings,
	settingsSchema,
	type TaskCommand,
	taskCommandSchema,
	taskEventNames,
	taskEventSchema,
	toolNames,
} from "@agent-evals/types";
import { describe, expect, it } from "vitest";

const usage = { totalTokensIn: 10, totalTokensOut: 5, totalCost: 0.01, contextTokens: 15 };
const tools = { write_to_file: { attempts: 2, failures: 1 } };

describe("TaskCommand", () => {
	const valid: TaskCommand[] = [
		{ commandName: "StartNewTask", data: { configuration: { apiProvider: "oracle" }, text: "solve it" } },
		{ commandName: "StartNewTask", data: { configuration: {}, text: "t", images: ["data:x"], newTab: true } },
		{ commandName: "CancelTask" },
		{ commandName: "CancelTask", data: "task-1" },
		{ commandName: "CloseTask" },
		{ commandName: "CloseTask", data: "task-1" },
		{ commandName: "ResumeTask", data: "task-1" },
		{ commandName: "SendMessage", data: { text: "more" } },
		{ commandName: "GetCommands" },
		{ commandName: "GetModes" },
		{ commandName: "GetModels" },
		{ commandName: "DeleteQueuedMessage", data: "m-1" },
		{ commandName: "CancelCommand" },
		{ commandName: "SetTaskContext", data: { taskId: 7, rooTaskId: "abc", runId: 3 } },
		{
			commandName: "SetTaskContext",
			data: {
				taskId: 7,
				rooTaskId: "abc",
				runId: 3,
				mcpServer: "docs",
				userIntent: "find the API",
				otlpEndpoint: "http://127.0.0.1:4318",
				traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			},
		},
	];

	it.each(valid.map((command) => [command.commandName, command]))("accepts %s", (_name, command) => {
		expect(taskCommandSchema.parse(command)).toEqual(command);
	});

	it.each([
		["unknown command", { commandName: "Explode" }],
		["StartNewTask without text", { commandName: "StartNewTask", data: { configuration: {} } }],
		["ResumeTask without id", { commandName: "ResumeTask" }],
		[
			"SetTaskContext with string taskId",
			{ commandName: "SetTaskContext", data: { taskId: "7", rooTaskId: "a", runId: 1 } },
		],
		[
			"SetTaskContext with a bad traceparent",
			{ commandName: "SetTaskContext", data: { taskId: 7, rooTaskId: "a", runId: 1, traceparent: "nope" } },
		],
	])("rejects %s", (_name, command) => {
		expect(taskCommandSchema.safeParse(command).success).toBe(false);
	});
});

describe("TaskEvent", () => {
	it("knows every wire name, camelCase", () => {
		expect(taskEventNames).toContain("taskTokenUsageUpdated");
		expect(taskEventNames).toContain("taskContextConfirmation");
		for (const name of taskEventNames) expect(name).toMatch(/^[a-z][A-Za-z]+$/);
		expect(new Set(taskEventNames).size).toBe(taskEventNames.length);
	});

	it("accepts the documented payload tuples", () => {
		const events = [
			{ eventName: "taskCreated", payload: ["t1"] },
			{ eventName: "taskStarted", payload: ["t1"], taskId: 4 },
			{ eventName: "taskCompleted", payload: ["t1", usage, tools, { isSubtask: false }] },
			{ eventName: "taskAborted", payload: ["t1"] },
			{ eventName: "taskSpawned", payload: ["parent", "child"] },
			{
				eventName: "message",
				payload: [{ taskId: "t1", action: "created", message: { ts: 1, type: "say", say: "text", text: "hi" } }],
			},
			{ eventName: "taskModeSwitched", payload: ["t1", "code"] },
			{ eventName: "taskTokenUsageUpdated", payload: ["t1", usage, tools] },
			{ eventName: "taskTokenUsageUpdated", payload: ["t1", usage] },
			{ eventName: "taskToolFailed", payload: ["t1", "apply_diff", "no match"] },
			{ eventName: "taskToolFailed", payload: ["t1", "a_tool_from_the_future", "boom"] },
			{ eventName: "commandsResponse", payload: [[{ name: "init", source: "built-in" }]] },
			{ eventName: "modesResponse", payload: [[{ slug: "code", name: "Code" }]] },
			{ eventName: "modelsResponse", payload: [{ "gpt-x": { contextWindow: 128000, inputPrice: 1 } }] },
			{ eventName: "taskContextConfirmation", payload: [{ success: true }] },
			{ eventName: "evalPass", taskId: 9 },
			{ eventName: "evalFail", taskId: 9 },
		];
		for (const event of events) {
			const parsed = taskEventSchema.safeParse(event);
			expect(parsed.success, `${event.eventName}: ${parsed.error?.message}`).toBe(true);
		}
	});

	it.each([
		["evalPass without taskId", { eventName: "evalPass" }],
		["taskCompleted without ToolUsage", { eventName: "taskCompleted", payload: ["t1", usage] }],
		["unknown event", { eventName: "taskExploded", payload: ["t1"] }],
		[
			"message with a bad action",
			{ eventName: "message", payload: [{ taskId: "t", action: "deleted", message: { ts: 1, type: "say" } }] },
		],
	])("rejects %s", (_name, event) => {
		expect(taskEventSchema.safeParse(event).success).toBe(false);
	});

	it("keeps fields of ClineMessage it does not know", () => {
		const message = { ts: 1, type: "say", say: "checkpoint_saved", text: "", checkpoint: { hash: "abc" } };
		const parsed = taskEventSchema.parse({
			eventName: "message",
			payload: [{ taskId: "t", action: "created", message }],
		});
		expect(parsed.eventName === "message" && parsed.payload[0].message).toEqual(message);
	});

	it("uses Roo Code's wire names", () => {
		expect(RooCodeEventName.TaskTokenUsageUpdated).toBe("taskTokenUsageUpdated");
		expect(RooCodeEventName.EvalPass).toBe("evalPass");
	});
});

describe("IpcMessage", () => {
	it("discriminates Ack, TaskCommand and TaskEvent with their origins", () => {
		expect(
			ipcMessageSchema.parse({ type: "Ack", origin: "server", data: { clientId: "a", pid: 1, ppid: 0 } }).type,
		).toBe("Ack");
		expect(
			ipcMessageSchema.parse({
				type: "TaskCommand",
				origin: "client",
				clientId: "a",
				data: { commandName: "GetModes" },
			}).type,
		).toBe("TaskCommand");
		expect(
			ipcMessageSchema.parse({
				type: "TaskEvent",
				origin: "server",
				relayClientId: "a",
				data: { eventName: "taskIdle", payload: ["t"] },
			}).type,
		).toBe("TaskEvent");
	});

	it("rejects a command that claims to come from the server", () => {
		const frame = { type: "TaskCommand", origin: "server", clientId: "a", data: { commandName: "GetModes" } };
		expect(ipcMessageSchema.safeParse(frame).success).toBe(false);
	});
});

describe("settings", () => {
	it("preserves unknown keys and checks known ones", () => {
		const settings = { apiProvider: "anthropic", someRooSetting: { nested: true }, alwaysAllowWrite: true };
		expect(settingsSchema.parse(settings)).toEqual(settings);
		expect(settingsSchema.safeParse({ alwaysAllowWrite: "yes" }).success).toBe(false);
		expect(settingsSchema.safeParse({ commandExecutionTimeout: -1 }).success).toBe(false);
	});

	it("names the key of an invalid base URL", () => {
		const result = settingsSchema.safeParse({ openAiBaseUrl: "not a url" });
		expect(result.success).toBe(false);
		expect(result.error?.issues[0]?.path).toEqual(["openAiBaseUrl"]);
		expect(result.error?.issues[0]?.message).toMatch(/absolute URL/);
	});

	it("lists at least the 22 providers of the roadmap plus openai-compatible and the offline models", () => {
		expect(providerIds.length).toBeGreaterThanOrEqual(23);
		for (const id of ["openai-compatible", "vercel-ai-gateway", "oracle", "scripted"])
			expect(providerIds).toContain(id);
	});

	it("recognises secrets by name, known or not", () => {
		expect(isSecretSettingKey("openRouterApiKey")).toBe(true);
		expect(isSecretSettingKey("someVendorApiKey")).toBe(true);
		expect(isSecretSettingKey("x_api_key")).toBe(true);
		expect(isSecretSettingKey("apiModelId")).toBe(false);
		expect(redactSettings({ apiKey: "sk", awsSecretKey: "s", apiModelId: "m" })).toEqual({ apiModelId: "m" });
	});
});

describe("tool names", () => {
	it("include the tools ToolUsage reports", () => {
		for (const name of ["execute_command", "read_file", "use_mcp_tool", "update_todo_list", "attempt_completion"]) {
			expect(toolNames).toContain(name);
		}
	});
});
