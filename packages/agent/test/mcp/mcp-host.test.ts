import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineSettings, ScriptTurn, TaskEvent } from "@agent-evals/types";
import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { afterEach, describe, expect, it } from "vitest";
import { AgentHost } from "../../src/host/agent-host.js";
import { nullLogger } from "../../src/log.js";
import { ScriptedModel } from "../../src/providers/offline/scripted.js";
import { connect, isTaskEnd, tempDir, waitForEvent } from "../helpers/agent-process.js";
import { FIXTURE_SERVER, fixtureStdio, processAlive } from "../helpers/mcp.js";

/** The scripted model, remembering what each call was given (system prompt, tools). */
class CapturingModel extends ScriptedModel {
	readonly calls: LanguageModelV3CallOptions[] = [];
	override async doStream(options: LanguageModelV3CallOptions) {
		this.calls.push(options);
		return super.doStream(options);
	}
}

const hosts: AgentHost[] = [];
afterEach(async () => {
	await Promise.all(hosts.splice(0).map((host) => host.shutdown("test over")));
});

/** Fixture servers started by this worker process. */
function fixtureChildren(): number[] {
	return readdirSync("/proc").flatMap((entry) => {
		if (!/^\d+$/.test(entry)) return [];
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
			return ppid === process.pid && cmdline.includes(FIXTURE_SERVER) ? [Number(entry)] : [];
		} catch {
			return [];
		}
	});
}

async function startHost() {
	const models: CapturingModel[] = [];
	const workspace = tempDir("mcp-host-ws");
	const host = new AgentHost({
		socketPath: join(tempDir("mcp-host-sock"), "agent.sock"),
		workspace,
		storageRoot: tempDir("mcp-host-storage"),
		log: nullLogger,
		env: { AGENT_EVALS_HOME: tempDir("mcp-host-home"), PATH: process.env.PATH },
		resolveModel: (settings) => {
			const model = new CapturingModel("script", settings as OfflineSettings);
			models.push(model);
			return { providerId: "scripted", modelId: "script", model, info: { contextWindow: 200_000, maxTokens: 8_192 } };
		},
		mcp: { reconnect: { initialDelayMs: 100 }, configDebounceMs: 100 },
	});
	hosts.push(host);
	await host.start();
	const { client, events } = await connect(host.server.socketPath);
	// A runner of ours: it gets the mcpTelemetry events.
	client.sendCommand({ commandName: "SetTaskContext", data: { taskId: 1, rooTaskId: "pending", runId: 1 } });
	await waitForEvent(events, (event) => event.eventName === "taskContextConfirmation", 5_000, "the confirmation");
	return { host, client, events, models, workspace };
}

function connectionEvents(events: TaskEvent[], taskId: string): string[] {
	return events.flatMap((event) =>
		event.eventName === "mcpTelemetry" &&
		event.payload[0] === taskId &&
		event.payload[1].type.startsWith("mcp:connection")
			? [`${event.payload[1].type} ${event.payload[1].server}`]
			: [],
	);
}

const echo = (server: string, message: string): ScriptTurn => ({
	toolCalls: [{ name: "use_mcp_tool", input: { server_name: server, tool_name: "echo", arguments: { message } } }],
});

describe("AgentHost and its MCP hub", () => {
	it("gives tasks the MCP tools and prompt, keeps one hub across tasks and closes it on shutdown", async () => {
		const { host, client, events, models } = await startHost();
		const run = async (configuration: Record<string, unknown>, text: string) => {
			const before = events.length;
			client.sendCommand({ commandName: "StartNewTask", data: { configuration, text } });
			const end = await waitForEvent(
				events,
				(event) => isTaskEnd(event) && events.indexOf(event) >= before,
				20_000,
				`the end of "${text}"`,
			);
			expect(end.eventName).toBe("taskCompleted");
			return end.payload?.[0] as string;
		};

		const first = await run(
			{
				apiProvider: "scripted",
				mcpServers: { fx: fixtureStdio({ disabledTools: ["crash"] }) },
				script: [echo("fx", "one")],
			},
			"first",
		);
		const firstCall = models[0]?.calls[0];
		const system = firstCall?.prompt.find((message) => message.role === "system");
		expect(system?.content).toContain("# MCP servers");
		expect(system?.content).toContain("## fx (stdio)");
		expect(system?.content).toContain("- echo: Returns the message it is given.");
		expect(system?.content).not.toContain("- crash");
		const toolNames = (firstCall?.tools ?? []).map((tool) => tool.name);
		expect(toolNames).toEqual(expect.arrayContaining(["use_mcp_tool", "access_mcp_resource", "read_file"]));
		expect(connectionEvents(events, first)).toEqual(["mcp:connection:start fx", "mcp:connection:established fx"]);
		const servers = fixtureChildren();
		expect(servers).toHaveLength(1);

		// Same servers in the next task: the session is kept, nothing reconnects.
		const second = await run(
			{
				apiProvider: "scripted",
				mcpServers: { fx: fixtureStdio({ disabledTools: ["crash"] }) },
				script: [echo("fx", "two")],
			},
			"second",
		);
		expect(connectionEvents(events, second)).toEqual([]);
		expect(fixtureChildren()).toEqual(servers);

		// Other servers: the old one is closed, the new one connects.
		const third = await run(
			{ apiProvider: "scripted", mcpServers: { other: fixtureStdio() }, script: [echo("other", "three")] },
			"third",
		);
		expect(connectionEvents(events, third)).toEqual(["mcp:connection:start other", "mcp:connection:established other"]);
		expect(servers.filter(processAlive)).toEqual([]);

		// No connected server: no MCP tools and no MCP section.
		await run({ apiProvider: "scripted", mcpServers: {}, script: [] }, "fourth");
		const last = models.at(-1)?.calls[0];
		expect((last?.tools ?? []).map((tool) => tool.name)).not.toContain("use_mcp_tool");
		expect(last?.prompt.find((message) => message.role === "system")?.content).not.toContain("# MCP servers");

		await run(
			{ apiProvider: "scripted", mcpServers: { again: fixtureStdio() }, script: [echo("again", "x")] },
			"fifth",
		);
		const remaining = fixtureChildren();
		expect(remaining).toHaveLength(1);
		await host.shutdown("done");
		expect(remaining.filter(processAlive)).toEqual([]);
		expect(
			events.filter((event) => event.eventName === "taskToolFailed"),
			"no MCP call failed",
		).toEqual([]);
	});
});
