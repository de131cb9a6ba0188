import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type McpTelemetryEvent, mcpTelemetryEventSchema, type TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import {
	connect,
	isTaskEnd,
	messagesOf,
	type RunningAgent,
	startAgent,
	tempDir,
	waitForEvent,
} from "../helpers/agent-process.js";
import { EVERYTHING_SERVER, processAlive, type ServerProcess, startEverything } from "../helpers/mcp.js";

const agents: RunningAgent[] = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
	for (const agent of agents.splice(0)) {
		if (agent.child.exitCode === null && agent.child.signalCode === null) {
			agent.child.kill("SIGKILL");
			await agent.exited;
		}
	}
	await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
	const children: number[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			if (ppid === pid) children.push(Number(entry));
		} catch {
			// The process ended while we looked.
		}
	}
	return children;
}

/** Our telemetry: `mcpTelemetry` events, which reach only a runner that sent SetTaskContext. */
function telemetryOf(events: TaskEvent[]): { event: McpTelemetryEvent }[] {
	return events.flatMap((event) =>
		event.eventName === "mcpTelemetry" ? [{ event: mcpTelemetryEventSchema.parse(event.payload[1]) }] : [],
	);
}

/** The MCP part of the transcript, as Roo Code writes it: [kind, text]. */
function mcpTranscript(events: TaskEvent[]): [string, string][] {
	return messagesOf(events)
		.filter((message) => message.action === "created")
		.map((message) => message.message)
		.filter(
			(message) =>
				message.ask === "use_mcp_server" ||
				message.say === "mcp_server_request_started" ||
				message.say === "mcp_server_response",
		)
		.map((message) => [message.ask ?? message.say ?? "", message.text ?? ""]);
}

describe("evals-agent with MCP servers, over IPC", () => {
	it("runs a scripted task that uses server-everything over stdio and streamable HTTP", async () => {
		const http = await startEverything("streamableHttp");
		servers.push(http);
		const workspace = tempDir("mcp-agent-ws");
		const home = tempDir("mcp-agent-home");
		// One server from the global file, one from the task's settings.
		writeFileSync(
			join(home, "mcp.json"),
			JSON.stringify({ mcpServers: { "everything-http": { type: "streamable-http", url: http.url } } }),
		);
		const agent = startAgent({ workspace, home });
		agents.push(agent);
		const { client, events } = await connect(agent.socket);
		client.sendCommand({
			commandName: "SetTaskContext",
			data: { taskId: 1, rooTaskId: "pending", runId: 1, mcpServer: "everything", userIntent: "echo things" },
		});
		await waitForEvent(events, (event) => event.eventName === "taskContextConfirmation", 5_000, "the confirmation");

		client.sendCommand({
			commandName: "StartNewTask",
			data: {
				configuration: {
					apiProvider: "scripted",
					mcpServers: {
						everything: { command: process.execPath, args: [EVERYTHING_SERVER, "stdio"] },
						broken: { url: "http://127.0.0.1:1/mcp" },
					},
					script: [
						{
							toolCalls: [
								{
									name: "use_mcp_tool",
									input: { server_name: "everything", tool_name: "echo", arguments: { message: "from stdio" } },
								},
							],
						},
						{
							toolCalls: [
								{
									name: "use_mcp_tool",
									input: { server_name: "everything-http", tool_name: "get-sum", arguments: '{"a": 1, "b": 2}' },
								},
							],
						},
						{
							toolCalls: [
								{
									name: "access_mcp_resource",
									input: { server_name: "everything", uri: "demo://resource/static/document/architecture.md" },
								},
							],
						},
						{ toolCalls: [{ name: "use_mcp_tool", input: { server_name: "nowhere", tool_name: "echo" } }] },
					],
				},
				text: "Use the MCP servers.",
			},
		});
		const end = await waitForEvent(events, isTaskEnd, 30_000, "the end of the task");
		expect(end.eventName).toBe("taskCompleted");
		const [taskId, , toolUsage] = (end as Extract<TaskEvent, { eventName: "taskCompleted" }>).payload;
		expect(toolUsage).toEqual({
			use_mcp_tool: { attempts: 3, failures: 1 },
			access_mcp_resource: { attempts: 1, failures: 0 },
			attempt_completion: { attempts: 1, failures: 0 },
		});
		const failures = events.filter((event) => event.eventName === "taskToolFailed").map((event) => event.payload);
		expect(failures).toEqual([[taskId, "use_mcp_tool", "No connection found for server: nowhere"]]);

		// Roo Code's meaning of the messages: the request, that it started, the result text.
		const transcript = mcpTranscript(events);
		expect(transcript.map(([kind]) => kind)).toEqual(
			Array.from({ length: 4 }, () => ["use_mcp_server", "mcp_server_request_started", "mcp_server_response"]).flat(),
		);
		expect(JSON.parse(transcript[0]?.[1] ?? "")).toEqual({
			type: "use_mcp_tool",
			serverName: "everything",
			toolName: "echo",
			arguments: '{"message":"from stdio"}',
		});
		expect(transcript[2]?.[1]).toContain("Echo: from stdio");
		expect(transcript[5]?.[1]).toContain("The sum of 1 and 2 is 3.");
		expect(JSON.parse(transcript[6]?.[1] ?? "")).toEqual({
			type: "access_mcp_resource",
			serverName: "everything",
			uri: "demo://resource/static/document/architecture.md",
		});
		expect(transcript[11]?.[1]).toBe("Error:\nNo connection found for server: nowhere");

		const telemetry = telemetryOf(events);
		const summary = telemetry.map(({ event }) => [
			event.type,
			event.server,
			event.source,
			event.transport,
			event.tool ?? event.uri,
		]);
		expect(summary).toEqual(
			expect.arrayContaining([
				["mcp:connection:start", "everything", "settings", "stdio", undefined],
				["mcp:connection:established", "everything", "settings", "stdio", undefined],
				["mcp:connection:start", "everything-http", "global", "streamable-http", undefined],
				["mcp:connection:established", "everything-http", "global", "streamable-http", undefined],
				["mcp:connection:error", "broken", "settings", undefined, undefined],
			]),
		);
		// Calls, in the order the model made them.
		expect(summary.filter(([type]) => !String(type).startsWith("mcp:connection"))).toEqual([
			["mcp:tool:start", "everything", "settings", "stdio", "echo"],
			["mcp:tool:success", "everything", "settings", "stdio", "echo"],
			["mcp:tool:start", "everything-http", "global", "streamable-http", "get-sum"],
			["mcp:tool:success", "everything-http", "global", "streamable-http", "get-sum"],
			["mcp:resource:start", "everything", "settings", "stdio", "demo://resource/static/document/architecture.md"],
			["mcp:resource:success", "everything", "settings", "stdio", "demo://resource/static/document/architecture.md"],
			["mcp:tool:start", "nowhere", undefined, undefined, "echo"],
			["mcp:tool:error", "nowhere", undefined, undefined, "echo"],
		]);
		const broken = telemetry.find(({ event }) => event.server === "broken")?.event;
		expect(broken?.error).toBe(
			'Invalid configuration for server "broken": type: is required with "url": set it to "sse" or "streamable-http"',
		);
		const sum = telemetry.find(({ event }) => event.type === "mcp:tool:success" && event.tool === "get-sum")?.event;
		expect(sum).toMatchObject({
			durationMs: expect.any(Number),
			responseSize: expect.any(Number),
			callId: expect.any(String),
		});
		const sumStart = telemetry.find(({ event }) => event.type === "mcp:tool:start" && event.tool === "get-sum")?.event;
		expect(sumStart).toMatchObject({ arguments: { a: 1, b: 2 }, callId: sum?.callId, timeoutMs: 60_000 });

		// The model got the servers' answers.
		const history = readFileSync(join(agent.storage, "tasks", taskId, "api_conversation_history.json"), "utf8");
		expect(history).toContain("Echo: from stdio");
		expect(history).toContain("The sum of 1 and 2 is 3.");
		expect(history).toContain("Everything Server");

		// CloseTask closes the MCP sessions and stops the stdio server with the agent.
		const agentPid = agent.child.pid ?? 0;
		const children = childrenOf(agentPid);
		expect(children.length).toBeGreaterThan(0);
		client.sendCommand({ commandName: "CloseTask" });
		expect(await agent.exited).toEqual({ code: 0, signal: null });
		expect(children.filter(processAlive)).toEqual([]);
	});

	it("offers no MCP tools when mcpEnabled is false", async () => {
		const workspace = tempDir("mcp-agent-ws");
		const agent = startAgent({ workspace });
		agents.push(agent);
		const { client, events } = await connect(agent.socket);
		client.sendCommand({
			commandName: "StartNewTask",
			data: {
				configuration: {
					apiProvider: "scripted",
					mcpEnabled: false,
					mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, "stdio"] } },
					script: [
						{
							toolCalls: [
								{ name: "use_mcp_tool", input: { server_name: "everything", tool_name: "echo", arguments: {} } },
							],
						},
					],
				},
				text: "Try MCP.",
			},
		});
		const end = await waitForEvent(events, isTaskEnd, 30_000, "the end of the task");
		expect(end.eventName).toBe("taskCompleted");
		const failed = events.find((event) => event.eventName === "taskToolFailed");
		expect(failed?.payload[2]).toMatch(/^Unknown tool "use_mcp_tool"/);
		expect(telemetryOf(events)).toEqual([]);
		expect(childrenOf(agent.child.pid ?? 0)).toEqual([]);
		client.sendCommand({ commandName: "CloseTask" });
		expect(await agent.exited).toEqual({ code: 0, signal: null });
	});
});
