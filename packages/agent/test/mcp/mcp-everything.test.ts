import { afterEach, describe, expect, it } from "vitest";
import { nullLogger } from "../../src/log.js";
import type { McpHub } from "../../src/mcp/hub.js";
import { createMcpTools } from "../../src/mcp/tools.js";
import { findTool, runTool } from "../../src/tools/registry.js";
import { tempDir } from "../helpers/agent-process.js";
import { createTestHub, EVERYTHING_SERVER, type ServerProcess, startEverything } from "../helpers/mcp.js";

const hubs: McpHub[] = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
	await Promise.all(hubs.splice(0).map((hub) => hub.dispose()));
	await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** server-everything's config entry for each transport; HTTP ones get a server of their own. */
async function everything(transport: "stdio" | "sse" | "streamable-http"): Promise<Record<string, unknown>> {
	if (transport === "stdio") return { command: process.execPath, args: [EVERYTHING_SERVER, "stdio"] };
	const server = await startEverything(transport === "sse" ? "sse" : "streamableHttp");
	servers.push(server);
	return { type: transport, url: server.url };
}

describe("McpHub with @modelcontextprotocol/server-everything", () => {
	it.each(["stdio", "sse", "streamable-http"] as const)("lists, calls and reads over %s", async (transport) => {
		const { hub, telemetry } = createTestHub({ settingsServers: { everything: await everything(transport) } });
		hubs.push(hub);
		await hub.start();
		const server = hub.server("everything");
		expect(server).toMatchObject({
			status: "connected",
			transport,
			serverInfo: { name: "mcp-servers/everything" },
		});
		const tools = server?.tools.map((tool) => tool.name) ?? [];
		expect(tools).toEqual(expect.arrayContaining(["echo", "get-sum", "get-tiny-image"]));
		expect(server?.resources.length).toBeGreaterThan(0);
		expect(server?.resourceTemplates.length).toBeGreaterThan(0);

		expect(await hub.callTool("everything", "echo", { message: "over " + transport })).toEqual({
			content: [{ type: "text", text: `Echo: over ${transport}` }],
		});
		const use = findTool("use_mcp_tool", createMcpTools(hub, { approveAll: true }));
		if (!use) throw new Error("use_mcp_tool is missing");
		const context = {
			workspace: tempDir("everything-ws"),
			signal: new AbortController().signal,
			commandTimeoutMs: 10_000,
			maxOutputChars: 50_000,
			log: nullLogger,
		};
		expect(
			await runTool(use, { server_name: "everything", tool_name: "get-sum", arguments: '{"a": 2, "b": 40}' }, context),
		).toEqual({ ok: true, output: "The sum of 2 and 40 is 42." });
		const image = await runTool(use, { server_name: "everything", tool_name: "get-tiny-image" }, context);
		expect(image.ok).toBe(true);
		expect(image.output).toMatch(/\[Image \(image\/png\): \d+ bytes, not shown\]/);

		const first = server?.resources[0];
		if (!first) throw new Error("no resource listed");
		const read = await hub.readResource("everything", first.uri);
		expect(read.contents[0]?.uri).toBe(first.uri);

		const types = telemetry.map((event) => event.type);
		expect(types.slice(0, 2)).toEqual(["mcp:connection:start", "mcp:connection:established"]);
		expect(types.filter((type) => type === "mcp:tool:success")).toHaveLength(3);
		expect(telemetry.every((event) => event.server === "everything" && event.transport === transport)).toBe(true);
	});
});
