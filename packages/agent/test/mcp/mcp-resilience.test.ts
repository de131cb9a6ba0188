import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { McpHub } from "../../src/mcp/hub.js";
import { tempDir } from "../helpers/agent-process.js";
import {
	createTestHub,
	fixtureStdio,
	processAlive,
	type ServerProcess,
	startFixtureHttp,
	type TestHub,
	waitFor,
} from "../helpers/mcp.js";

const hubs: McpHub[] = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
	await Promise.all(hubs.splice(0).map((hub) => hub.dispose()));
	await Promise.all(servers.splice(0).map((server) => server.stop()));
});

function tracked(options: Parameters<typeof createTestHub>[0]): TestHub {
	const test = createTestHub(options);
	hubs.push(test.hub);
	return test;
}

function writeJson(path: string, value: unknown): void {
	mkdirSync(join(path, ".."), { recursive: true });
	writeFileSync(path, JSON.stringify(value, null, 2));
}

describe("McpHub keeps servers connected", () => {
	it("reconnects a stdio server that crashed, without restarting the agent", async () => {
		const { hub, telemetry } = tracked({ settingsServers: { fx: fixtureStdio() } });
		await hub.start();
		const firstPid = hub.server("fx")?.pid;
		expect(firstPid).toBeGreaterThan(0);
		const statuses: string[] = [];
		hub.on("change", () => {
			const status = hub.server("fx")?.status;
			if (status && statuses.at(-1) !== status) statuses.push(status);
		});

		await expect(hub.callTool("fx", "crash")).rejects.toThrow(
			/^Server "fx" closed the connection during the request; it is being reconnected$/,
		);
		const down = hub.server("fx");
		expect(down).toMatchObject({
			status: "disconnected",
			error: 'Lost the connection to server "fx": the server closed the connection',
		});
		expect(down?.nextRetryAt).toBeGreaterThan(Date.now() - 50);

		const up = await waitFor(() => (hub.server("fx")?.status === "connected" ? hub.server("fx") : undefined));
		expect(up.pid).not.toBe(firstPid);
		expect(statuses).toEqual(["disconnected", "connecting", "connected"]);
		expect(await hub.callTool("fx", "echo", { message: "back" })).toMatchObject({ content: [{ text: "echo: back" }] });
		expect(up.errors.map((record) => record.message)).toEqual(
			expect.arrayContaining([
				"fixture: crashing on purpose",
				'Lost the connection to server "fx": the server closed the connection',
			]),
		);
		expect(telemetry.map((event) => event.type)).toEqual([
			"mcp:connection:start",
			"mcp:connection:established",
			"mcp:tool:start",
			"mcp:connection:error",
			"mcp:tool:error",
			"mcp:connection:start",
			"mcp:connection:established",
			"mcp:tool:start",
			"mcp:tool:success",
		]);
		expect(processAlive(firstPid ?? 0)).toBe(false);
	});

	it("retries a server that keeps failing with growing delays, keeping a bounded error history", async () => {
		const script = "for (let i = 0; i < 30; i++) console.error('boot line ' + i); process.exit(1)";
		const { hub, telemetry } = tracked({
			settingsServers: { flaky: { command: process.execPath, args: ["-e", script] } },
			reconnect: { initialDelayMs: 100, maxDelayMs: 400, factor: 2 },
			maxErrorHistory: 10,
		});
		const delays: number[] = [];
		hub.on("change", () => {
			const server = hub.server("flaky");
			if (server?.status === "disconnected" && server.nextRetryAt !== undefined) {
				const planned = Math.round((server.nextRetryAt - Date.now()) / 100) * 100;
				if (delays.length < server.failedAttempts) delays.push(planned);
			}
		});
		await hub.start();
		await waitFor(() => (hub.server("flaky")?.failedAttempts ?? 0) >= 4, 10_000, "four failed attempts");
		expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400]);
		const server = hub.server("flaky");
		expect(server?.errors.length).toBe(10);
		expect(server?.errors.some((record) => record.origin === "stderr" && /^boot line \d+$/.test(record.message))).toBe(
			true,
		);
		const errors = telemetry.filter((event) => event.type === "mcp:connection:error");
		expect(errors.slice(0, 3).map((event) => event.attempt)).toEqual([1, 2, 3]);
		expect(errors[0]?.error).toMatch(/^Cannot connect to server "flaky": /);
	});

	it("reconnects a streamable HTTP server that was killed and started again on the same port", async () => {
		const first = await startFixtureHttp();
		servers.push(first);
		const { hub } = tracked({ settingsServers: { web: { type: "streamable-http", url: first.url } } });
		await hub.start();
		expect(hub.server("web")?.status).toBe("connected");
		expect(await hub.callTool("web", "echo", { message: "one" })).toMatchObject({ content: [{ text: "echo: one" }] });

		await first.stop();
		// Nothing closes an HTTP connection: the heartbeat finds out.
		const down = await waitFor(() => (hub.server("web")?.status === "disconnected" ? hub.server("web") : undefined));
		expect(down.error).toMatch(/^Lost the connection to server "web": /);
		expect(down.nextRetryAt).toBeGreaterThan(0);

		const second = await startFixtureHttp(first.port);
		servers.push(second);
		await waitFor(() => hub.server("web")?.status === "connected", 10_000, "the reconnection");
		expect(await hub.callTool("web", "echo", { message: "two" })).toMatchObject({ content: [{ text: "echo: two" }] });
	});

	it("restarts a stdio server when a file in watchPaths changes", async () => {
		const watched = join(tempDir("mcp-watch"), "build", "server.js");
		writeJson(watched, "v1");
		const { hub, telemetry } = tracked({ settingsServers: { fx: fixtureStdio({ watchPaths: [watched] }) } });
		await hub.start();
		const firstPid = hub.server("fx")?.pid;
		telemetry.length = 0;

		writeFileSync(watched, '"v2"');
		const restarted = await waitFor(() => {
			const server = hub.server("fx");
			return server?.status === "connected" && server.pid !== firstPid ? server : undefined;
		});
		expect(restarted.errors.map((record) => record.message)).toContain(`restarting: ${watched} changed`);
		expect(telemetry.map((event) => [event.type, event.attempt])).toEqual([
			["mcp:connection:start", 1],
			["mcp:connection:established", 1],
		]);
		await waitFor(() => !processAlive(firstPid ?? 0), 5_000, "the old process to exit");
	});
});

describe("McpHub reloads its configuration", () => {
	it("applies an edited config file at once and leaves unchanged servers connected", async () => {
		const workspace = tempDir("mcp-reload-ws");
		const projectFile = join(workspace, ".roo", "mcp.json");
		const { hub, telemetry } = tracked({ workspace });
		await hub.start();
		expect(hub.servers()).toEqual([]);

		// The project file (and its folder) appear after the start.
		writeJson(projectFile, { mcpServers: { keep: fixtureStdio(), change: fixtureStdio({ timeout: 30 }) } });
		await waitFor(() => hub.connectedServers().length === 2, 10_000, "two servers from the new file");
		const keepPid = hub.server("keep")?.pid;
		const changePid = hub.server("change")?.pid;

		writeJson(projectFile, {
			mcpServers: { keep: fixtureStdio(), change: fixtureStdio({ timeout: 45 }), added: fixtureStdio() },
		});
		await waitFor(
			() =>
				hub.server("added")?.status === "connected" &&
				hub.server("change")?.status === "connected" &&
				hub.server("change")?.pid !== changePid,
			10_000,
			"the edited file to take effect",
		);
		expect(hub.server("keep")?.pid).toBe(keepPid);
		expect(hub.servers().map((server) => server.name)).toEqual(["keep", "change", "added"]);
		expect(processAlive(changePid ?? 0)).toBe(false);

		// A broken save keeps the last good content; the error is reported.
		writeFileSync(projectFile, '{"mcpServers": {');
		await waitFor(() => hub.configErrors().length > 0, 5_000, "the parse error");
		expect(hub.configErrors()[0]).toMatch(/is not valid JSON/);
		expect(hub.connectedServers().map((server) => server.name)).toEqual(["keep", "change", "added"]);

		// Removing servers closes them; an invalid one is skipped with its message.
		writeJson(projectFile, { mcpServers: { keep: fixtureStdio(), bad: { type: "sse" } } });
		await waitFor(() => hub.servers().length === 1, 10_000, "the removal");
		expect(hub.server("keep")?.pid).toBe(keepPid);
		expect(hub.invalidServers()).toEqual([
			{
				name: "bad",
				source: "project",
				error: 'Invalid configuration for server "bad": url: is required for type "sse"',
			},
		]);
		expect(telemetry.filter((event) => event.server === "keep" && event.type === "mcp:connection:start")).toHaveLength(
			1,
		);
	});

	it("lets a project server take over a global one when the project file changes", async () => {
		const workspace = tempDir("mcp-reload-ws");
		const { hub } = tracked({ workspace });
		writeJson(hub.configPaths.global, { mcpServers: { fx: fixtureStdio({ env: { WHO: "global" } }) } });
		await hub.start();
		expect(hub.server("fx")?.source).toBe("global");

		writeJson(join(workspace, ".roo", "mcp.json"), { mcpServers: { fx: fixtureStdio({ env: { WHO: "project" } }) } });
		await waitFor(() => hub.server("fx")?.source === "project" && hub.server("fx")?.status === "connected");
		expect((await hub.callTool("fx", "env", { name: "WHO" })).content).toEqual([{ type: "text", text: "project" }]);

		// Same configuration, other file: the session is kept, only the source changes.
		const pid = hub.server("fx")?.pid;
		writeJson(hub.configPaths.global, { mcpServers: { fx: fixtureStdio({ env: { WHO: "project" } }) } });
		writeJson(join(workspace, ".roo", "mcp.json"), { mcpServers: {} });
		await waitFor(() => hub.server("fx")?.source === "global", 5_000, "the source to change");
		expect(hub.server("fx")?.pid).toBe(pid);
	});

	it("closes every session and stops every server process on dispose", async () => {
		const web = await startFixtureHttp();
		servers.push(web);
		const { hub } = tracked({
			settingsServers: {
				one: fixtureStdio(),
				two: fixtureStdio(),
				web: { type: "streamable-http", url: web.url },
			},
		});
		await hub.start();
		const pids = hub.servers().flatMap((server) => (server.pid ? [server.pid] : []));
		expect(pids).toHaveLength(2);
		await hub.dispose();
		expect(pids.filter(processAlive)).toEqual([]);
		expect(hub.servers()).toEqual([]);
		await expect(hub.callTool("one", "echo")).rejects.toThrow("No connection found for server: one");
	});

	it("does not wait for a slow connection attempt to time out before it closes", async () => {
		const { hub } = tracked({
			settingsServers: {
				mute: { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"], timeout: 60 },
			},
		});
		const starting = hub.start();
		await waitFor(() => hub.server("mute")?.pid, 5_000, "the server process");
		const pid = hub.server("mute")?.pid ?? 0;
		const begin = Date.now();
		await hub.dispose();
		await starting;
		expect(Date.now() - begin).toBeLessThan(5_000);
		expect(processAlive(pid)).toBe(false);
	});
});
