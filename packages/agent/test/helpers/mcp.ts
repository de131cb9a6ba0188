import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import type { McpTelemetryEvent } from "@agent-evals/types";
import { nullLogger } from "../../src/log.js";
import { McpHub, type McpHubOptions } from "../../src/mcp/hub.js";
import { FIXTURES, tempDir } from "./agent-process.js";

export const FIXTURE_SERVER = join(FIXTURES, "mcp-fixture-server.mjs");
export const EVERYTHING_SERVER = createRequire(import.meta.url).resolve(
	"@modelcontextprotocol/server-everything/dist/index.js",
);

/** `${env:NAME}` as config files write it (a template literal, so it does not read as a typo). */
export const envRef = (name: string): string => `\${env:${name}}`;
/** `${workspaceFolder}` as config files write it. */
export const WORKSPACE_REF = `\${workspaceFolder}`;

/** A stdio server entry for the fixture. */
export function fixtureStdio(extra: Record<string, unknown> = {}, args: string[] = []): Record<string, unknown> {
	return { command: process.execPath, args: [FIXTURE_SERVER, ...args], ...extra };
}

export interface ServerProcess {
	child: ChildProcess;
	port: number;
	url: string;
	output: () => string;
	stop(): Promise<void>;
}

function track(child: ChildProcess): { output: () => string; exited: Promise<void> } {
	let output = "";
	child.stdout?.on("data", (chunk) => {
		output += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		output += chunk;
	});
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	return { output: () => output, exited };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
	await exited;
}

/** The fixture over streamable HTTP on 127.0.0.1; port 0 lets it pick one and tell us. */
export async function startFixtureHttp(port = 0): Promise<ServerProcess> {
	const child = spawn(process.execPath, [FIXTURE_SERVER, "--transport", "http", "--port", String(port)], {
		stdio: ["ignore", "pipe", "pipe"],
	});
	const { output, exited } = track(child);
	const actual = await new Promise<number>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			const match = /\{"port":(\d+)\}/.exec(chunk.toString());
			if (match) resolve(Number(match[1]));
		};
		child.stdout?.on("data", onData);
		child.once("exit", () => reject(new Error(`fixture exited before listening: ${output()}`)));
	});
	return {
		child,
		port: actual,
		url: `http://127.0.0.1:${actual}/mcp`,
		output,
		stop: () => stopChild(child, exited),
	};
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			const port = typeof address === "object" && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * server-everything over sse or streamableHttp. It reads PORT and cannot pick its own, so a free
 * port is chosen first; if another test takes it in between, it exits and we try another.
 */
export async function startEverything(kind: "sse" | "streamableHttp"): Promise<ServerProcess> {
	for (let attempt = 0; ; attempt++) {
		const port = await freePort();
		const child = spawn(process.execPath, [EVERYTHING_SERVER, kind], {
			env: { ...process.env, PORT: String(port) },
			stdio: ["ignore", "pipe", "pipe"],
		});
		const { output, exited } = track(child);
		const listening = await new Promise<boolean>((resolve) => {
			child.stderr?.on("data", () => {
				if (/(running|listening) on port/i.test(output())) resolve(true);
			});
			child.once("exit", () => resolve(false));
		});
		if (listening) {
			const path = kind === "sse" ? "/sse" : "/mcp";
			return { child, port, url: `http://127.0.0.1:${port}${path}`, output, stop: () => stopChild(child, exited) };
		}
		if (attempt >= 4) throw new Error(`server-everything ${kind} did not start: ${output()}`);
	}
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => T | undefined | false, ms = 10_000, what = "a condition"): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

export interface TestHub {
	hub: McpHub;
	telemetry: McpTelemetryEvent[];
	workspace: string;
	home: string;
}

/** A hub with fast timings, its own workspace and home, and every telemetry event recorded. */
export function createTestHub(options: Partial<McpHubOptions> = {}): TestHub {
	const workspace = options.workspace ?? tempDir("mcp-ws");
	const home = tempDir("mcp-home");
	const hub = new McpHub({
		log: nullLogger,
		reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 },
		heartbeatMs: 250,
		configDebounceMs: 100,
		watchPathsDebounceMs: 100,
		stdioGraceMs: 500,
		...options,
		workspace,
		env: { AGENT_EVALS_HOME: home, PATH: process.env.PATH, ...options.env },
	});
	const telemetry: McpTelemetryEvent[] = [];
	hub.on("telemetry", (event) => telemetry.push(event));
	return { hub, telemetry, workspace, home };
}

/** True while a process with this pid exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	try {
		return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
	} catch {
		return true;
	}
}
