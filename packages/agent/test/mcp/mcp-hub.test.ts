import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nullLogger } from "../../src/log.js";
import type { McpHub } from "../../src/mcp/hub.js";
import { mcpPromptSection } from "../../src/mcp/prompt.js";
import { createMcpTools } from "../../src/mcp/tools.js";
import { findTool, runTool } from "../../src/tools/registry.js";
import type { ToolContext } from "../../src/tools/types.js";
import { tempDir } from "../helpers/agent-process.js";
import { createTestHub, envRef, fixtureStdio, type TestHub, WORKSPACE_REF } from "../helpers/mcp.js";

const hubs: McpHub[] = [];
afterEach(async () => {
	await Promise.all(hubs.splice(0).map((hub) => hub.dispose()));
});

async function started(options: Parameters<typeof createTestHub>[0]): Promise<TestHub> {
	const test = createTestHub(options);
	hubs.push(test.hub);
	await test.hub.start();
	return test;
}

function toolContext(maxOutputChars = 50_000): ToolContext {
	return {
		workspace: tempDir("mcp-tool-ws"),
		signal: new AbortController().signal,
		commandTimeoutMs: 10_000,
		maxOutputChars,
		log: nullLogger,
	};
}

describe("McpHub with the fixture server over stdio", () => {
	it("connects, follows pagination of tools and resources, and records the server's stderr", async () => {
		const { hub, telemetry } = await started({ settingsServers: { fx: fixtureStdio() } });
		const server = hub.server("fx");
		expect(server).toMatchObject({
			status: "connected",
			source: "settings",
			transport: "stdio",
			serverInfo: { name: "fixture", version: "1.0.0" },
		});
		// The fixture serves two items per page: ten tools take five pages.
		expect(server?.tools.map((tool) => tool.name)).toEqual([
			"echo",
			"add",
			"fail",
			"hang",
			"large",
			"media",
			"env",
			"info",
			"crash",
			"add_tool",
		]);
		expect(server?.resources.map((resource) => resource.uri)).toEqual([
			"fixture://readme",
			"fixture://data.bin",
			"fixture://notes/1",
			"fixture://notes/2",
			"fixture://notes/3",
		]);
		expect(server?.resourceTemplates).toEqual([
			{ uriTemplate: "fixture://items/{id}", name: "item", description: "An item by id." },
		]);
		expect(server?.errors).toContainEqual(
			expect.objectContaining({ origin: "stderr", message: expect.stringMatching(/^fixture: started pid=\d+/) }),
		);
		expect(telemetry.map((event) => event.type)).toEqual(["mcp:connection:start", "mcp:connection:established"]);
		expect(telemetry[1]).toMatchObject({
			server: "fx",
			source: "settings",
			transport: "stdio",
			attempt: 1,
			durationMs: expect.any(Number),
			timestamp: expect.any(Number),
		});
	});

	it("calls tools and reads resources, reporting each call as start and success or error", async () => {
		const { hub, telemetry } = await started({ settingsServers: { fx: fixtureStdio() } });
		telemetry.length = 0;
		expect(await hub.callTool("fx", "echo", { message: "hello" })).toEqual({
			content: [{ type: "text", text: "echo: hello" }],
		});
		const failed = await hub.callTool("fx", "fail", { message: "no luck" });
		expect(failed.isError).toBe(true);
		expect((await hub.readResource("fx", "fixture://readme")).contents).toEqual([
			{ uri: "fixture://readme", mimeType: "text/plain", text: "Fixture readme." },
		]);
		expect((await hub.readResource("fx", "fixture://items/42")).contents[0]).toMatchObject({ text: "Item 42." });
		await expect(hub.readResource("fx", "fixture://nothing")).rejects.toThrow(/Unknown resource: fixture:\/\/nothing/);

		expect(telemetry.map((event) => event.type)).toEqual([
			"mcp:tool:start",
			"mcp:tool:success",
			"mcp:tool:start",
			"mcp:tool:error",
			"mcp:resource:start",
			"mcp:resource:success",
			"mcp:resource:start",
			"mcp:resource:success",
			"mcp:resource:start",
			"mcp:resource:error",
		]);
		const [start, success, , error] = telemetry;
		expect(start).toMatchObject({
			server: "fx",
			tool: "echo",
			source: "settings",
			transport: "stdio",
			timeoutMs: 60_000,
			arguments: { message: "hello" },
			argumentsSize: 19,
		});
		expect(success).toMatchObject({ tool: "echo", callId: start?.callId, durationMs: expect.any(Number) });
		expect(success?.responseSize).toBe(JSON.stringify({ content: [{ type: "text", text: "echo: hello" }] }).length);
		expect(error).toMatchObject({ tool: "fail", error: "no luck" });
		expect(telemetry[5]).toMatchObject({ uri: "fixture://readme", responseSize: expect.any(Number) });
		expect(telemetry[9]).toMatchObject({ uri: "fixture://nothing", error: expect.stringMatching(/Unknown resource/) });
	});

	it("refuses unknown and disabled servers, disabled tools and invalid configurations, while the rest connect", async () => {
		const { hub, telemetry } = await started({
			settingsServers: {
				fx: fixtureStdio({ disabledTools: ["add"] }),
				off: fixtureStdio({ disabled: true }),
				broken: { command: "node", url: "http://127.0.0.1:1/mcp" },
			},
		});
		expect(hub.server("fx")?.status).toBe("connected");
		expect(hub.server("off")).toMatchObject({ status: "disconnected", disabled: true, tools: [] });
		expect(hub.connectedServers().map((server) => server.name)).toEqual(["fx"]);
		expect(hub.invalidServers()).toEqual([
			{
				name: "broken",
				source: "settings",
				error:
					'Invalid configuration for server "broken": url: cannot be combined with "command": use "command" (with "args", "cwd", "env") for a stdio server, or "url" (with "headers") for an sse or streamable-http server',
			},
		]);
		// The invalid server is reported to the runner as a connection error.
		expect(telemetry).toContainEqual(
			expect.objectContaining({ type: "mcp:connection:error", server: "broken", source: "settings" }),
		);

		await expect(hub.callTool("nope", "echo")).rejects.toThrow(/^No connection found for server: nope$/);
		await expect(hub.readResource("nope", "fixture://readme")).rejects.toThrow(
			/^No connection found for server: nope$/,
		);
		await expect(hub.callTool("off", "echo")).rejects.toThrow(/^Server "off" is disabled and cannot be used$/);
		await expect(hub.callTool("fx", "add", { a: 1, b: 2 })).rejects.toThrow(
			/^Tool "add" is disabled on server "fx" and cannot be used$/,
		);
		await expect(hub.callTool("broken", "echo")).rejects.toThrow(/^Invalid configuration for server "broken": url:/);
		expect(hub.server("fx")?.tools.find((tool) => tool.name === "add")).toMatchObject({ enabled: false });
	});

	it("times out a hanging tool with the server's timeout and stays usable", async () => {
		// The timeout also bounds the server's initialization: 3 s leaves a loaded machine room to start it.
		const { hub, telemetry } = await started({ settingsServers: { fx: fixtureStdio({ timeout: 3 }) } });
		const begin = Date.now();
		await expect(hub.callTool("fx", "hang")).rejects.toThrow(/^Server "fx" did not answer within 3 s$/);
		expect(Date.now() - begin).toBeGreaterThanOrEqual(2_950);
		expect(Date.now() - begin).toBeLessThan(8_000);
		expect(telemetry.at(-1)).toMatchObject({ type: "mcp:tool:error", tool: "hang", timeoutMs: 3_000 });
		expect(await hub.callTool("fx", "echo", { message: "still here" })).toMatchObject({
			content: [{ text: "echo: still here" }],
		});
		expect(hub.server("fx")?.status).toBe("connected");
	});

	it("refreshes the tool list on tools/list_changed", async () => {
		const { hub } = await started({ settingsServers: { fx: fixtureStdio() } });
		await hub.callTool("fx", "add_tool", { name: "late_tool" });
		await expect
			.poll(() => hub.server("fx")?.tools.map((tool) => tool.name), { timeout: 5_000 })
			.toContain("late_tool");
		expect(await hub.callTool("fx", "late_tool")).toMatchObject({ content: [{ text: "late_tool ran" }] });
	});

	it("gives up an initialization that takes longer than the timeout, with the reason in the history", async () => {
		const { hub, telemetry } = await started({
			settingsServers: { mute: { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"], timeout: 1 } },
			reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
		});
		const server = hub.server("mute");
		expect(server).toMatchObject({
			status: "disconnected",
			failedAttempts: 1,
			error: 'Cannot connect to server "mute": no answer to the initialization within 1 s',
		});
		expect(server?.nextRetryAt).toBeGreaterThan(Date.now() + 50_000);
		expect(telemetry.at(-1)).toMatchObject({
			type: "mcp:connection:error",
			attempt: 1,
			durationMs: expect.any(Number),
		});
		await expect(hub.callTool("mute", "echo")).rejects.toThrow(
			/^Server "mute" is not connected \(Cannot connect to server "mute": no answer to the initialization within 1 s\); the next connection attempt is in \d+ s$/,
		);
	});
});

describe("use_mcp_tool and access_mcp_resource", () => {
	it("take arguments as an object or a JSON string, and format text, media and resources", async () => {
		const { hub } = await started({ settingsServers: { fx: fixtureStdio() } });
		const tools = createMcpTools(hub, { approveAll: true });
		const use = findTool("use_mcp_tool", tools);
		const access = findTool("access_mcp_resource", tools);
		if (!use || !access) throw new Error("the MCP tools are missing");
		const context = toolContext();

		expect(await runTool(use, { server_name: "fx", tool_name: "add", arguments: { a: 2, b: 3 } }, context)).toEqual({
			ok: true,
			output: "5",
		});
		expect(
			await runTool(use, { server_name: "fx", tool_name: "echo", arguments: '{"message":"as text"}' }, context),
		).toEqual({ ok: true, output: "echo: as text" });
		expect(await runTool(use, { server_name: "fx", tool_name: "echo", arguments: "{oops" }, context)).toMatchObject({
			ok: false,
			output: expect.stringMatching(/^Invalid arguments for use_mcp_tool: arguments is not valid JSON/),
		});
		expect(await runTool(use, { server_name: "fx", tool_name: "echo", arguments: "[1]" }, context)).toEqual({
			ok: false,
			output: "Invalid arguments for use_mcp_tool: arguments must be a JSON object",
		});
		expect(await runTool(use, { server_name: "fx", tool_name: "fail" }, context)).toEqual({
			ok: false,
			output: "this tool always fails",
		});
		expect(await runTool(use, { server_name: "zz", tool_name: "echo" }, context)).toEqual({
			ok: false,
			output: "No connection found for server: zz",
		});

		const media = await runTool(use, { server_name: "fx", tool_name: "media" }, context);
		expect(media.ok).toBe(true);
		expect(media.output.split("\n\n")).toEqual([
			"Here is a pixel.",
			"[Image (image/png): 68 bytes, not shown]",
			"[Resource fixture://readme (text/plain)]\nFixture readme.",
			'[Resource link fixture://notes/1 "note 1"]',
		]);

		expect(await runTool(access, { server_name: "fx", uri: "fixture://readme" }, context)).toEqual({
			ok: true,
			output: "[Resource fixture://readme (text/plain)]\nFixture readme.",
		});
		expect(await runTool(access, { server_name: "fx", uri: "fixture://data.bin" }, context)).toEqual({
			ok: true,
			output: "[Resource fixture://data.bin (application/octet-stream): 4 bytes of binary data, not shown]",
		});
		expect(await runTool(access, { server_name: "fx", uri: "fixture://missing" }, context)).toMatchObject({
			ok: false,
			output: expect.stringMatching(/Unknown resource/),
		});
	});

	it("cap a large result to the task's output limit", async () => {
		const { hub, telemetry } = await started({ settingsServers: { fx: fixtureStdio() } });
		const use = findTool("use_mcp_tool", createMcpTools(hub, { approveAll: true }));
		if (!use) throw new Error("use_mcp_tool is missing");
		const result = await runTool(
			use,
			{ server_name: "fx", tool_name: "large", arguments: { size: 300_000 } },
			toolContext(2_000),
		);
		expect(result.ok).toBe(true);
		expect(result.output.length).toBeLessThan(2_100);
		expect(result.output).toMatch(/^line 1\nline 2\n/);
		expect(result.output).toMatch(/\[… 298000 characters omitted …\]/);
		// Telemetry reports what the server sent, not what the model got.
		expect(telemetry.at(-1)?.responseSize).toBeGreaterThan(300_000);
	});

	it("refuse tools outside alwaysAllow when settings turn alwaysAllowMcp off", async () => {
		const { hub } = await started({
			settingsServers: { fx: fixtureStdio({ alwaysAllow: ["echo"] }), all: fixtureStdio({ alwaysAllow: ["*"] }) },
		});
		const use = findTool("use_mcp_tool", createMcpTools(hub, { approveAll: false }));
		if (!use) throw new Error("use_mcp_tool is missing");
		const context = toolContext();
		expect(await runTool(use, { server_name: "fx", tool_name: "echo", arguments: { message: "ok" } }, context)).toEqual(
			{
				ok: true,
				output: "echo: ok",
			},
		);
		expect(await runTool(use, { server_name: "fx", tool_name: "add", arguments: { a: 1, b: 1 } }, context)).toEqual({
			ok: false,
			output:
				'Tool "add" on server "fx" needs approval (alwaysAllowMcp is off and the tool is not in the server\'s alwaysAllow), and nobody can approve it in this run.',
		});
		expect(await runTool(use, { server_name: "all", tool_name: "add", arguments: { a: 1, b: 1 } }, context)).toEqual({
			ok: true,
			output: "2",
		});
	});

	it("are described in the system prompt with each enabled tool, its arguments and the resources", async () => {
		const { hub } = await started({ settingsServers: { fx: fixtureStdio({ disabledTools: ["crash"] }) } });
		const prompt = mcpPromptSection(hub.connectedServers());
		expect(prompt).toMatch(/^# MCP servers\n/);
		expect(prompt).toContain("## fx (stdio)");
		expect(prompt).toContain(
			"- echo: Returns the message it is given.\n  arguments: message (string, required): Text to send back",
		);
		expect(prompt).toContain("- add: Adds two numbers.\n  arguments: a (number, required); b (number, required)");
		expect(prompt).toContain("- info: Returns this process's pid, cwd and start time as JSON.\n  arguments: none");
		expect(prompt).not.toContain("- crash");
		expect(prompt).toContain("- fixture://items/{id} (item): An item by id.");
		expect(prompt).toContain("- fixture://readme (readme, text/plain): A short text.");
		expect(prompt).not.toContain("here to help with");
		const withIntent = mcpPromptSection(hub.connectedServers(), "look up  the\nAPI docs");
		expect(withIntent).toContain("the MCP servers are here to help with: look up the API docs");
	});
});

describe("McpHub configuration", () => {
	it("prefers the project's server over the global one and substitutes variables", async () => {
		const workspace = tempDir("mcp-ws");
		const { hub } = createTestHub({
			workspace,
			env: { SECRET_TOKEN: "s3cret" },
			settingsServers: undefined,
		});
		hubs.push(hub);
		const globalFile = hub.configPaths.global;
		writeFileSync(
			globalFile,
			JSON.stringify({
				mcpServers: {
					fx: fixtureStdio({ env: { WHO: "global" } }),
					onlyGlobal: fixtureStdio({ env: { WHO: "global" } }),
				},
			}),
		);
		mkdirSync(join(workspace, ".roo", "sub"), { recursive: true });
		writeFileSync(
			join(workspace, ".roo", "mcp.json"),
			JSON.stringify({
				mcpServers: {
					fx: fixtureStdio({
						env: { WHO: "project", TOKEN: envRef("SECRET_TOKEN") },
						cwd: `${WORKSPACE_REF}/.roo/sub`,
					}),
				},
			}),
		);
		await hub.start();
		expect(hub.servers().map((server) => [server.name, server.source, server.status])).toEqual([
			["fx", "project", "connected"],
			["onlyGlobal", "global", "connected"],
		]);
		const text = async (server: string, args: Record<string, unknown>, tool = "env") => {
			const result = await hub.callTool(server, tool, args);
			const block = result.content[0];
			return block?.type === "text" ? block.text : "";
		};
		expect(await text("fx", { name: "WHO" })).toBe("project");
		expect(await text("onlyGlobal", { name: "WHO" })).toBe("global");
		expect(await text("fx", { name: "TOKEN" })).toBe("s3cret");
		// Servers get a small safe environment (PATH, HOME, …), not the agent's own variables.
		expect(process.env.VITEST).toBeDefined();
		expect(await text("fx", { name: "VITEST" })).toBe("(unset)");
		expect(JSON.parse(await text("fx", {}, "info")).cwd).toBe(join(workspace, ".roo", "sub"));
	});
});
