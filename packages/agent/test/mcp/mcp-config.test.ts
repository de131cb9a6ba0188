import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MCP_DEFAULT_TIMEOUT_SECONDS, parseMcpServerConfig, settingsSchema } from "@agent-evals/types";
import { describe, expect, it } from "vitest";
import {
	globalMcpConfigPath,
	projectMcpConfigPath,
	readMcpConfigFile,
	resolveMcpServers,
} from "../../src/mcp/config.js";
import { substituteVariables } from "../../src/mcp/substitute.js";
import { tempDir } from "../helpers/agent-process.js";
import { envRef, WORKSPACE_REF } from "../helpers/mcp.js";

const MIXED =
	'url: cannot be combined with "command": use "command" (with "args", "cwd", "env") for a stdio server, or "url" (with "headers") for an sse or streamable-http server';

/** Every invalid configuration of REFERENCE §4, with the exact message users see. */
const INVALID: [string, unknown, string][] = [
	["an unknown type", { type: "websocket", url: "http://x" }, 'type: must be "stdio", "sse" or "streamable-http"'],
	["a timeout of 0", { command: "node", timeout: 0 }, "timeout: must be a number of seconds from 1 to 3600"],
	["a timeout over an hour", { command: "node", timeout: 3601 }, "timeout: must be a number of seconds from 1 to 3600"],
	["a timeout as text", { command: "node", timeout: "60" }, "timeout: must be a number of seconds from 1 to 3600"],
	["disabled as text", { command: "node", disabled: "yes" }, "disabled: must be true or false"],
	["alwaysAllow as a string", { command: "node", alwaysAllow: "*" }, "alwaysAllow: must be an array of strings"],
	["alwaysAllow with a number", { command: "node", alwaysAllow: ["a", 1] }, "alwaysAllow.1: must be a string"],
	["disabledTools as an object", { command: "node", disabledTools: {} }, "disabledTools: must be an array of strings"],
	["watchPaths as a string", { command: "node", watchPaths: "src" }, "watchPaths: must be an array of strings"],
	["an empty command", { command: "  " }, "command: must not be empty"],
	["a command that is not a string", { command: ["node"] }, "command: must be a string"],
	["args with a number", { command: "node", args: ["a", 2] }, "args.1: must be a string"],
	["a cwd that is not a string", { command: "node", cwd: 1 }, "cwd: must be a string"],
	["env with a number", { command: "node", env: { PORT: 3000 } }, "env.PORT: must be a string"],
	["env as an array", { command: "node", env: ["A=1"] }, "env: must be an object whose values are strings"],
	["an invalid URL", { type: "sse", url: "not a url" }, "url: must be a valid http or https URL"],
	[
		"a URL that is not http",
		{ type: "streamable-http", url: "ftp://host/mcp" },
		"url: must be a valid http or https URL",
	],
	[
		"headers with a number",
		{ type: "sse", url: "http://h/sse", headers: { "X-N": 1 } },
		"headers.X-N: must be a string",
	],
	["command and url together", { command: "node", url: "http://h/mcp" }, MIXED],
	["command and url with a type", { type: "stdio", command: "node", url: "http://h/mcp" }, MIXED],
	["a url without type", { url: "http://h/mcp" }, 'type: is required with "url": set it to "sse" or "streamable-http"'],
	[
		"neither command nor url",
		{ timeout: 5 },
		'command: is required for a stdio server (an HTTP server needs "url" and "type" instead)',
	],
	["type stdio without command", { type: "stdio", args: [] }, 'command: is required for type "stdio"'],
	["type sse without url", { type: "sse" }, 'url: is required for type "sse"'],
	["type streamable-http without url", { type: "streamable-http" }, 'url: is required for type "streamable-http"'],
	[
		"stdio fields on an sse server",
		{ type: "sse", url: "http://h/sse", args: ["x"] },
		"args: is only for stdio servers",
	],
	[
		"env on a streamable-http server",
		{ type: "streamable-http", url: "http://h/mcp", env: {} },
		"env: is only for stdio servers",
	],
	[
		"headers on a stdio server",
		{ command: "node", headers: {} },
		"headers: is only for sse and streamable-http servers",
	],
	["a server that is not an object", "npx some-server", "(root): must be an object"],
	[
		"several problems at once",
		{ command: "node", timeout: 0, args: "x" },
		"timeout: must be a number of seconds from 1 to 3600; args: must be an array of strings",
	],
];

describe("MCP server configuration", () => {
	it.each(INVALID)("rejects %s with its message", (_what, config, message) => {
		expect(parseMcpServerConfig("srv", config)).toEqual({
			ok: false,
			error: `Invalid configuration for server "srv": ${message}`,
		});
	});

	it("infers stdio from command and fills in the defaults", () => {
		expect(parseMcpServerConfig("s", { command: "node", args: ["server.js"] })).toEqual({
			ok: true,
			config: {
				type: "stdio",
				command: "node",
				args: ["server.js"],
				env: {},
				disabled: false,
				timeout: MCP_DEFAULT_TIMEOUT_SECONDS,
				alwaysAllow: [],
				disabledTools: [],
				watchPaths: [],
			},
		});
	});

	it("accepts both HTTP transports, the timeout bounds and Roo Code's extra keys", () => {
		for (const type of ["sse", "streamable-http"] as const) {
			const parsed = parseMcpServerConfig("h", {
				type,
				url: "https://example.test/mcp",
				headers: { Authorization: "Bearer x" },
				timeout: 3600,
				alwaysAllow: ["*"],
				autoApprove: [],
			});
			expect(parsed).toMatchObject({
				ok: true,
				config: { type, headers: { Authorization: "Bearer x" }, timeout: 3600 },
			});
		}
		expect(parseMcpServerConfig("t", { command: "node", timeout: 1 }).ok).toBe(true);
		expect(parseMcpServerConfig("t", { command: "node", timeout: 0.5 }).ok).toBe(false);
	});

	it("lets settings carry servers of any shape, validated per server later", () => {
		const parsed = settingsSchema.safeParse({
			mcpServers: { a: { command: "node" }, b: "broken" },
			mcpConfigPath: "/x",
		});
		expect(parsed.success).toBe(true);
	});
});

describe("config files and layers", () => {
	it("finds the global file from settings, then the environment, then AGENT_EVALS_HOME", () => {
		expect(globalMcpConfigPath({ AGENT_EVALS_HOME: "/home/e" })).toBe("/home/e/mcp.json");
		expect(globalMcpConfigPath({ AGENT_EVALS_HOME: "/home/e", AGENT_EVALS_MCP_CONFIG: "/etc/mcp.json" })).toBe(
			"/etc/mcp.json",
		);
		expect(
			globalMcpConfigPath(
				{ AGENT_EVALS_HOME: "/home/e", AGENT_EVALS_MCP_CONFIG: "/etc/mcp.json" },
				{ mcpConfigPath: "/run/mcp.json" },
			),
		).toBe("/run/mcp.json");
		expect(projectMcpConfigPath("/ws")).toBe("/ws/.roo/mcp.json");
	});

	it("reads missing, empty, malformed and wrongly shaped files", () => {
		const dir = tempDir("mcp-files");
		const file = (name: string, text: string) => {
			const path = join(dir, name);
			writeFileSync(path, text);
			return path;
		};
		expect(readMcpConfigFile(join(dir, "none.json"))).toEqual({ ok: true, servers: {}, exists: false });
		expect(readMcpConfigFile(file("empty.json", "  \n"))).toEqual({ ok: true, servers: {}, exists: true });
		expect(readMcpConfigFile(file("no-servers.json", "{}"))).toEqual({ ok: true, servers: {}, exists: true });
		const bad = file("bad.json", "{ nope");
		expect(readMcpConfigFile(bad)).toMatchObject({
			ok: false,
			error: expect.stringMatching(new RegExp(`^MCP configuration file ${bad} is not valid JSON: `)),
		});
		const shape = file("shape.json", '{"mcpServers": []}');
		expect(readMcpConfigFile(shape)).toEqual({
			ok: false,
			error: `Invalid MCP configuration file ${shape}: mcpServers: must be an object`,
		});
		const array = file("array.json", "[]");
		expect(readMcpConfigFile(array)).toEqual({
			ok: false,
			error: `Invalid MCP configuration file ${array}: (root): must be a JSON object`,
		});
	});

	it("lets project servers override global ones, and settings override both, whole entries at a time", () => {
		const entries = resolveMcpServers(
			[
				{
					source: "global",
					servers: { a: { command: "global-a", timeout: 5 }, b: { command: "global-b" }, c: { command: "global-c" } },
				},
				{ source: "project", servers: { a: { command: "project-a" }, b: { command: "project-b" } } },
				{ source: "settings", servers: { b: { type: "sse", url: "http://127.0.0.1:1/sse" } } },
			],
			{ env: {}, workspace: "/ws" },
		);
		const summary = [...entries.values()].map((entry) => ({
			name: entry.name,
			source: entry.source,
			what: entry.ok ? (entry.config.type === "stdio" ? entry.config.command : entry.config.url) : entry.error,
			timeout: entry.ok ? entry.config.timeout : undefined,
		}));
		expect(summary).toEqual([
			// The project's "a" replaces the global one entirely: its timeout is the default again.
			{ name: "a", source: "project", what: "project-a", timeout: 60 },
			{ name: "b", source: "settings", what: "http://127.0.0.1:1/sse", timeout: 60 },
			{ name: "c", source: "global", what: "global-c", timeout: 60 },
		]);
	});

	it("keeps the valid servers when one is invalid", () => {
		const entries = resolveMcpServers(
			[{ source: "project", servers: { good: { command: "node" }, bad: { url: "http://h/mcp" } } }],
			{ env: {}, workspace: "/ws" },
		);
		expect(entries.get("good")?.ok).toBe(true);
		expect(entries.get("bad")).toMatchObject({
			ok: false,
			error:
				'Invalid configuration for server "bad": type: is required with "url": set it to "sse" or "streamable-http"',
		});
	});

	it("substitutes env and workspaceFolder variables in every string value, before validation", () => {
		const entries = resolveMcpServers(
			[
				{
					source: "global",
					servers: {
						stdio: {
							command: envRef("NODE_BIN"),
							args: [`${WORKSPACE_REF}/server.js`, `--token=${envRef("TOKEN")}`],
							cwd: "tools",
							env: { API_KEY: envRef("TOKEN"), MISSING: `x${envRef("NOT_SET")}y` },
							watchPaths: ["dist/index.js", "/abs/file"],
						},
						http: {
							type: "streamable-http",
							url: envRef("MCP_URL"),
							headers: { Authorization: `Bearer ${envRef("TOKEN")}` },
						},
					},
				},
			],
			{ env: { NODE_BIN: "/usr/bin/node", TOKEN: "t0k", MCP_URL: "http://127.0.0.1:9/mcp" }, workspace: "/ws" },
		);
		const stdio = entries.get("stdio");
		expect(stdio).toMatchObject({
			ok: true,
			config: {
				command: "/usr/bin/node",
				args: ["/ws/server.js", "--token=t0k"],
				cwd: "/ws/tools",
				env: { API_KEY: "t0k", MISSING: "xy" },
				watchPaths: ["/ws/tools/dist/index.js", "/abs/file"],
			},
			warnings: ['environment variable NOT_SET is not set; it was replaced by ""'],
		});
		expect(entries.get("http")).toMatchObject({
			ok: true,
			config: { url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer t0k" } },
			warnings: [],
		});
	});

	it("leaves keys and non-string values alone when substituting", () => {
		const missing = new Set<string>();
		expect(
			substituteVariables(
				{ [envRef("A")]: [envRef("A"), 1, true, null] },
				{ env: { A: "a" }, workspace: "/w" },
				missing,
			),
		).toEqual({ [envRef("A")]: ["a", 1, true, null] });
		expect(missing.size).toBe(0);
	});

	it("reports an unchanged configuration with the same fingerprint, whatever the key order", () => {
		const dir = tempDir("mcp-fp");
		mkdirSync(join(dir, "x"));
		const one = resolveMcpServers(
			[{ source: "global", servers: { s: { command: "node", args: ["a"], timeout: 5 } } }],
			{
				env: {},
				workspace: dir,
			},
		).get("s");
		const two = resolveMcpServers(
			[{ source: "project", servers: { s: { timeout: 5, args: ["a"], command: "node" } } }],
			{
				env: {},
				workspace: dir,
			},
		).get("s");
		const three = resolveMcpServers(
			[{ source: "global", servers: { s: { command: "node", args: ["b"], timeout: 5 } } }],
			{
				env: {},
				workspace: dir,
			},
		).get("s");
		expect(one?.ok && two?.ok && one.fingerprint === two.fingerprint).toBe(true);
		expect(one?.ok && three?.ok && one.fingerprint === three.fingerprint).toBe(false);
	});
});
