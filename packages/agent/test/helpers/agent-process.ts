import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { IpcClient } from "@agent-evals/ipc";
import type { TaskEvent } from "@agent-evals/types";

const here = dirname(fileURLToPath(import.meta.url));
export const AGENT_CLI = join(here, "..", "..", "dist", "cli.js");
export const FIXTURES = join(here, "..", "fixtures");

export function tempDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), `agent-evals-${prefix}-`));
}

/** A fresh copy of a fixture exercise, and where its reference solution lives. */
export function exercise(name: string): { workspace: string; solution: string } {
	const workspace = tempDir(`${name}-ws`);
	cpSync(join(FIXTURES, name, "workspace"), workspace, { recursive: true });
	return { workspace, solution: join(FIXTURES, name, "solution") };
}

export interface RunningAgent {
	child: ChildProcess;
	socket: string;
	storage: string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stderr: () => string;
}

export function startAgent(options: {
	workspace: string;
	storage?: string;
	home?: string;
	args?: string[];
	env?: Record<string, string>;
}): RunningAgent {
	const storage = options.storage ?? tempDir("storage");
	const socket = join(tempDir("sock"), "agent.sock");
	const child = spawn(
		process.execPath,
		[AGENT_CLI, "--workspace", options.workspace, "--socket", socket, "--storage", storage, ...(options.args ?? [])],
		{
			env: { ...process.env, AGENT_EVALS_HOME: options.home ?? tempDir("home"), ...options.env },
			stdio: ["ignore", "ignore", "pipe"],
		},
	);
	let stderr = "";
	child.stderr?.on("data", (chunk) => {
		stderr += chunk;
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once("exit", (code, signal) => resolve({ code, signal })),
	);
	return { child, socket, storage, exited, stderr: () => stderr };
}

/** A connected client that records every event it receives. */
export async function connect(socket: string): Promise<{ client: IpcClient; events: TaskEvent[] }> {
	const client = new IpcClient(socket, { log: () => {} });
	const events: TaskEvent[] = [];
	client.on("TaskEvent", (event) => events.push(event));
	await client.connect({ timeoutMs: 15_000, retryDelayMs: 20 });
	return { client, events };
}

export async function waitForEvent(
	events: TaskEvent[],
	predicate: (event: TaskEvent) => boolean,
	ms = 30_000,
	what = "event",
): Promise<TaskEvent> {
	const deadline = Date.now() + ms;
	for (;;) {
		const found = events.find(predicate);
		if (found) return found;
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}; got: ${events.map((e) => e.eventName).join(", ")}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export const isTaskEnd = (event: TaskEvent) => event.eventName === "taskCompleted" || event.eventName === "taskAborted";

export function messagesOf(events: TaskEvent[]) {
	return events.flatMap((event) => (event.eventName === "message" ? [event.payload[0]] : []));
}
