import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import type { TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import {
	AGENT_CLI,
	connect,
	exercise,
	isTaskEnd,
	messagesOf,
	type RunningAgent,
	startAgent,
	tempDir,
	waitForEvent,
} from "./helpers/agent-process.js";

const running: RunningAgent[] = [];
afterEach(async () => {
	for (const agent of running.splice(0)) {
		if (agent.child.exitCode === null && agent.child.signalCode === null) {
			agent.child.kill("SIGKILL");
			await agent.exited;
		}
	}
});

function launch(options: Parameters<typeof startAgent>[0]): RunningAgent {
	const agent = startAgent(options);
	running.push(agent);
	return agent;
}

function testsPass(workspace: string): boolean {
	try {
		execFileSync("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "leap_test.py"], {
			cwd: workspace,
			stdio: "ignore",
		});
		return true;
	} catch {
		return false;
	}
}

const TEST_COMMAND = "python3 -m pytest -q -p no:cacheprovider leap_test.py";

describe("evals-agent as a child process", () => {
	it("solves a failing Python exercise with the oracle, with events in the documented order", async () => {
		const { workspace, solution } = exercise("leap");
		expect(testsPass(workspace)).toBe(false);
		const agent = launch({ workspace });
		const { client, events } = await connect(agent.socket);

		client.sendCommand({ commandName: "SetTaskContext", data: { taskId: 1, rooTaskId: "pending", runId: 1 } });
		await waitForEvent(events, (e) => e.eventName === "taskContextConfirmation", 5_000, "the context confirmation");

		client.sendCommand({
			commandName: "StartNewTask",
			data: {
				configuration: { apiProvider: "oracle", oracleSolutionDir: solution, oracleTestCommand: TEST_COMMAND },
				text: "Make the tests in leap_test.py pass.",
			},
		});
		const end = await waitForEvent(events, isTaskEnd, 60_000, "the end of the task");
		expect(end.eventName).toBe("taskCompleted");
		expect(testsPass(workspace)).toBe(true);

		const taskEvents = events.filter((e) => e.eventName !== "taskContextConfirmation");
		expect(taskEvents[0]?.eventName).toBe("taskCreated");
		expect(taskEvents[1]?.eventName).toBe("taskStarted");
		expect(taskEvents.at(-1)).toBe(end);
		const taskId = (taskEvents[0] as Extract<TaskEvent, { eventName: "taskCreated" }>).payload[0];

		const completed = end as Extract<TaskEvent, { eventName: "taskCompleted" }>;
		const [id, tokens, tools, flags] = completed.payload;
		expect(id).toBe(taskId);
		expect(flags).toEqual({ isSubtask: false });
		expect(tools).toEqual({
			write_to_file: { attempts: 1, failures: 0 },
			execute_command: { attempts: 1, failures: 0 },
			attempt_completion: { attempts: 1, failures: 0 },
		});
		expect(tokens).toMatchObject({ totalTokensIn: 0, totalTokensOut: 0, totalCost: 0 });

		// The last usage update goes out before the completion and agrees with it.
		const usageIndex = taskEvents.findLastIndex((e) => e.eventName === "taskTokenUsageUpdated");
		const lastUsage = taskEvents[usageIndex] as Extract<TaskEvent, { eventName: "taskTokenUsageUpdated" }> | undefined;
		expect(usageIndex).toBeGreaterThan(-1);
		expect(usageIndex).toBeLessThan(taskEvents.findIndex((e) => e === end));
		expect(lastUsage?.payload[2]).toEqual(tools);

		const messages = messagesOf(taskEvents);
		expect(messages.every((m) => m.taskId === taskId)).toBe(true);
		expect(messages[0]?.message).toMatchObject({
			type: "say",
			say: "text",
			text: "Make the tests in leap_test.py pass.",
		});
		const says = messages.map((m) => m.message.say ?? m.message.ask);
		expect(says).toContain("api_req_started");
		expect(says).toContain("command");
		expect(says).toContain("completion_result");
		const output = messages.filter((m) => m.message.say === "command_output").at(-1)?.message;
		expect(output?.partial).toBe(false);
		expect(output?.text).toMatch(/5 passed/);
		expect(messages.some((m) => m.message.say === "text" && m.message.partial === true)).toBe(true);

		const taskDir = join(agent.storage, "tasks", taskId);
		const history = JSON.parse(readFileSync(join(taskDir, "api_conversation_history.json"), "utf8"));
		expect(history.map((m: { role: string }) => m.role)).toEqual([
			"user",
			"assistant",
			"tool",
			"assistant",
			"tool",
			"assistant",
			"tool",
		]);
		const ui = JSON.parse(readFileSync(join(taskDir, "ui_messages.json"), "utf8"));
		expect(ui.length).toBeGreaterThan(5);

		client.sendCommand({ commandName: "CloseTask" });
		expect(await agent.exited).toEqual({ code: 0, signal: null });
		expect(existsSync(agent.socket)).toBe(false);
	});

	it("resumes a task in a new process after the first one is killed mid-task", async () => {
		const { workspace, solution } = exercise("leap");
		const storage = tempDir("storage");
		const home = tempDir("home");
		// The first run of the test command is slow, so there is time to kill the agent during it.
		const marker = join(tempDir("marker"), "ran");
		const slowOnce = `[ -e ${marker} ] || { touch ${marker}; sleep 5; }; ${TEST_COMMAND}`;
		const first = launch({ workspace, storage, home });
		const one = await connect(first.socket);
		one.client.sendCommand({
			commandName: "StartNewTask",
			data: {
				configuration: { apiProvider: "oracle", oracleSolutionDir: solution, oracleTestCommand: slowOnce },
				text: "Make the tests pass.",
			},
		});
		// Kill while the test command runs: the write is saved, the command never finishes.
		await waitForEvent(
			one.events,
			(e) => e.eventName === "message" && e.payload[0].message.ask === "command",
			30_000,
			"the command",
		);
		const taskId = (one.events[0] as Extract<TaskEvent, { eventName: "taskCreated" }>).payload[0];
		first.child.kill("SIGKILL");
		await first.exited;
		one.client.disconnect();

		const second = launch({ workspace, storage, home });
		const two = await connect(second.socket);
		two.client.sendCommand({ commandName: "ResumeTask", data: taskId });
		const end = await waitForEvent(two.events, isTaskEnd, 60_000, "the end of the resumed task");
		expect(end.eventName).toBe("taskCompleted");
		expect((end as Extract<TaskEvent, { eventName: "taskCompleted" }>).payload[0]).toBe(taskId);
		expect(testsPass(workspace)).toBe(true);
		const history = JSON.parse(readFileSync(join(storage, "tasks", taskId, "api_conversation_history.json"), "utf8"));
		expect(JSON.stringify(history)).toContain("TASK RESUMPTION");
		// Writing the file happened once, in the first process; the resumed task did not redo it.
		const tools = (end as Extract<TaskEvent, { eventName: "taskCompleted" }>).payload[2];
		expect(tools.write_to_file).toEqual({ attempts: 1, failures: 0 });
	});

	it("keeps serving after bad input of every kind", async () => {
		const { workspace } = exercise("leap");
		const agent = launch({ workspace });
		const { client, events } = await connect(agent.socket);

		const raw = createConnection(agent.socket);
		raw.on("error", () => {});
		raw.write('garbage\f{"type":"message","data":{"type":"TaskCommand"}}\f\u0000\u0001\f');
		client.sendCommand({ commandName: "ResumeTask", data: "no-such-task" });
		client.sendCommand({ commandName: "ResumeTask", data: "../../etc" });
		client.sendCommand({ commandName: "DeleteQueuedMessage", data: "nothing" });
		client.sendCommand({ commandName: "CancelTask", data: "someone-else" });

		// A task whose tools fail: a path outside the workspace and a command that times out.
		client.sendCommand({
			commandName: "StartNewTask",
			data: {
				configuration: {
					apiProvider: "scripted",
					commandExecutionTimeout: 1,
					script: [
						{ toolCalls: [{ name: "write_to_file", input: { path: "../escape.txt", content: "x" } }] },
						{ toolCalls: [{ name: "execute_command", input: { command: "sleep 20" } }] },
						{ toolCalls: [{ name: "read_file", input: { path: "/etc/passwd" } }] },
					],
				},
				text: "misbehave",
			},
		});
		const end = await waitForEvent(events, isTaskEnd, 30_000, "the end of the bad task");
		const failures = events.filter((e) => e.eventName === "taskToolFailed").map((e) => e.payload[1]);
		expect(failures).toEqual(["write_to_file", "execute_command", "read_file"]);
		expect(end.eventName).toBe("taskAborted"); // three consecutive mistakes
		expect(existsSync(join(workspace, "..", "escape.txt"))).toBe(false);

		// A configuration the agent cannot run is refused with the reason, not a crash.
		client.sendCommand({
			commandName: "StartNewTask",
			data: { configuration: { apiProvider: "anthropic", apiKey: "" }, text: "x" },
		});
		client.sendCommand({ commandName: "StartNewTask", data: { configuration: { apiProvider: "oracle" }, text: "x" } });
		await waitForEvent(
			events,
			(e) => e.eventName === "message" && /oracleSolutionDir/.test(e.payload[0].message.text ?? ""),
			10_000,
			"the oracle refusal",
		);

		const reply = waitForEvent(events, (e) => e.eventName === "modesResponse", 5_000, "modesResponse");
		client.sendCommand({ commandName: "GetModes" });
		expect((await reply).payload).toEqual([[{ slug: "code", name: "Code" }]]);
		expect(agent.child.exitCode).toBeNull();
		raw.destroy();
	});

	it("exits cleanly on SIGTERM and when its parent dies", async () => {
		const { workspace } = exercise("leap");
		const agent = launch({ workspace });
		await connect(agent.socket);
		agent.child.kill("SIGTERM");
		expect(await agent.exited).toEqual({ code: 0, signal: null });
		expect(existsSync(agent.socket)).toBe(false);

		// The parent dies once the agent serves: earlier, on a loaded machine, the agent could start
		// after its parent was gone and take init for its parent (the case of the next test).
		const socket = join(tempDir("sock"), "orphan.sock");
		const parent = spawn(
			process.execPath,
			[
				"-e",
				`const c = require("node:child_process").spawn(process.execPath, ${JSON.stringify([AGENT_CLI, "--workspace", workspace, "--socket", socket, "--storage", tempDir("storage")])}, { stdio: "ignore" }); console.log(c.pid); const fs = require("node:fs"); setInterval(() => fs.existsSync(${JSON.stringify(socket)}) && process.exit(0), 50);`,
			],
			{ stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, AGENT_EVALS_HOME: tempDir("home") } },
		);
		let out = "";
		parent.stdout?.on("data", (chunk) => {
			out += chunk;
		});
		await new Promise((resolve) => parent.once("exit", resolve));
		const pid = Number(out.trim());
		expect(pid).toBeGreaterThan(0);
		// The orphan is re-parented to PID 1, which in a container may never reap it: a zombie
		// has exited, so read its state instead of only probing with a signal.
		const alive = () => {
			try {
				return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
			} catch {
				return false;
			}
		};
		const deadline = Date.now() + 8_000;
		while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
		expect(alive()).toBe(false);
	});

	it("exits when the runner named in EVALS_AGENT_PARENT_PID is gone, even one that died before the agent started", async () => {
		const { workspace } = exercise("leap");
		const gone = spawnSync(process.execPath, ["-e", ""]).pid;
		const agent = launch({ workspace, env: { EVALS_AGENT_PARENT_PID: String(gone) } });
		const exited = await Promise.race([
			agent.exited,
			new Promise((resolve) => setTimeout(() => resolve("still running"), 8_000)),
		]);
		expect(exited).toEqual({ code: 0, signal: null });
	});

	it("explains a missing socket path and a bad workspace with exit code 2", () => {
		const run = (args: string[]) => {
			try {
				execFileSync(process.execPath, [AGENT_CLI, ...args], {
					env: { ...process.env, ROO_CODE_IPC_SOCKET_PATH: "" },
					stdio: "pipe",
				});
				return { status: 0, stderr: "" };
			} catch (error) {
				const e = error as { status: number; stderr: Buffer };
				return { status: e.status, stderr: e.stderr.toString() };
			}
		};
		const noSocket = run(["--workspace", tempDir("ws")]);
		expect(noSocket.status).toBe(2);
		expect(noSocket.stderr).toMatch(/no socket path: pass --socket or set ROO_CODE_IPC_SOCKET_PATH/);
		const badWorkspace = run(["--workspace", "/does/not/exist", "--socket", "/tmp/x.sock"]);
		expect(badWorkspace.status).not.toBe(0);
		expect(badWorkspace.stderr).toMatch(/does not exist/);
		expect(badWorkspace.stderr).not.toMatch(/at .*\.js:\d+/);
	});
});
