/**
 * The Roo Code contract, us to upstream: a real evals-agent driven the way a Roo Code runner
 * drives it (node-ipc, no SetTaskContext, only commands Roo Code's schema accepts) must send
 * nothing that Roo Code's own schemas (the published `@roo-code/types`) reject, because a Roo
 * Code runner drops such a message. Upstream to us is packages/types/test/roo-contract.test.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ipcMessageSchema, rooCodeEventsSchema } from "@roo-code/types";
import { afterEach, describe, expect, it } from "vitest";
import { connect, exercise, type RunningAgent, startAgent, tempDir, waitForEvent } from "./helpers/agent-process.js";
import { type RawEvent, RooStyleRunner } from "./helpers/roo-style-runner.js";

const running: { agents: RunningAgent[]; runners: RooStyleRunner[] } = { agents: [], runners: [] };
afterEach(async () => {
	for (const runner of running.runners.splice(0)) runner.stop();
	for (const agent of running.agents.splice(0)) {
		if (agent.child.exitCode === null && agent.child.signalCode === null) {
			agent.child.kill("SIGKILL");
			await agent.exited;
		}
	}
});

/**
 * An agent whose provider comes from its settings file, as a Roo Code runner never names our
 * offline models (Roo Code's schema does not know them); the script or solution rides along in
 * the configuration as keys Roo Code's schema lets through.
 */
function launch(apiProvider: "scripted" | "oracle", workspace: string): RunningAgent {
	const home = tempDir("home");
	mkdirSync(home, { recursive: true });
	writeFileSync(join(home, "settings.json"), JSON.stringify({ apiProvider }));
	const agent = startAgent({ workspace, home });
	running.agents.push(agent);
	return agent;
}

async function rooRunner(agent: RunningAgent): Promise<RooStyleRunner> {
	const runner = await RooStyleRunner.connect(agent.socket);
	running.runners.push(runner);
	return runner;
}

const payloadSchemas = rooCodeEventsSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;

/** Every message the runner got, with what Roo Code's schemas say about it. */
function upstreamRejections(runner: RooStyleRunner): string[] {
	const rejected: string[] = [];
	for (const message of runner.messages) {
		const envelope = ipcMessageSchema.safeParse(message);
		const data = (message as { data?: RawEvent }).data;
		const payload = data?.eventName ? payloadSchemas[data.eventName] : undefined;
		if (!envelope.success) {
			rejected.push(`${JSON.stringify(message).slice(0, 300)}: ${envelope.error.issues[0]?.message}`);
		} else if (payload && !payload.safeParse(data?.payload).success) {
			rejected.push(`payload of ${data?.eventName}: ${JSON.stringify(data?.payload).slice(0, 300)}`);
		}
	}
	return rejected;
}

const isEnd = (event: RawEvent) => event.eventName === "taskCompleted" || event.eventName === "taskAborted";
const ends = (runner: RooStyleRunner) => runner.events.filter(isEnd).length;
const arg = (event: RawEvent, index: number) => (event.payload ?? [])[index];
const messageOf = (event: RawEvent) => (arg(event, 0) as { message: { ask?: string; say?: string } }).message;
const queueOf = (event: RawEvent) => arg(event, 1) as { id: string; text: string }[];

describe("evals-agent under a Roo Code runner", () => {
	it("sends only what Roo Code's schemas accept, through queries, a rich task, a continuation, a refusal and a cancel", async () => {
		const workspace = tempDir("roo-contract-ws");
		writeFileSync(join(workspace, "notes.txt"), "hello\n");
		const agent = launch("scripted", workspace);
		const runner = await rooRunner(agent);

		for (const commandName of ["GetModes", "GetCommands", "GetModels"]) runner.send({ commandName });
		await runner.waitFor((e) => e.eventName === "modelsResponse", "modelsResponse", 10_000);

		const usage = { inputTokens: 100, outputTokens: 10, cacheReadTokens: 5, cacheWriteTokens: 3 };
		runner.send({
			commandName: "StartNewTask",
			data: {
				text: "Tidy up the notes.",
				configuration: {
					// Fields Roo Code keeps as "" when cleared; our agent reads them as not set.
					apiModelId: "",
					openAiBaseUrl: "",
					autoApprovalEnabled: true,
					alwaysAllowExecute: true,
					script: [
						{
							delayMs: 1_500, // time to queue messages while the agent is busy
							text: "Looking around.",
							reasoning: "The notes first.",
							toolCalls: [{ name: "list_files", input: { path: "." } }],
							usage,
						},
						{
							error: { status: 503, times: 1, retryAfterSeconds: 0 },
							toolCalls: [{ name: "execute_command", input: { command: "echo from-the-command" } }],
							usage,
						},
						{ toolCalls: [{ name: "read_file", input: { path: "missing.txt" } }] },
						{ toolCalls: [{ name: "teleport", input: {} }] },
						{ toolCalls: [{ name: "ask_followup_question", input: { question: "Which notes?", follow_up: [] } }] },
						{ toolCalls: [{ name: "write_to_file", input: { path: "notes.txt", content: "tidy\n" } }] },
						{ toolCalls: [{ name: "attempt_completion", input: { result: "Tidied." } }] },
					],
				},
			},
		});
		await runner.waitFor((e) => e.eventName === "taskStarted", "taskStarted");
		runner.send({ commandName: "SendMessage", data: { text: "Keep the greeting." } });
		runner.send({
			commandName: "SendMessage",
			data: { text: "Forget this one.", images: ["data:image/png;base64,AA=="] },
		});
		const queued = await runner.waitFor(
			(e) => e.eventName === "queuedMessagesUpdated" && queueOf(e).length === 2,
			"both messages queued",
		);
		const [, second] = queueOf(queued);
		runner.send({ commandName: "DeleteQueuedMessage", data: second?.id });
		await runner.waitFor(
			(e) =>
				e.eventName === "queuedMessagesUpdated" &&
				queueOf(e)
					.map((m) => m.text)
					.join() === "Keep the greeting.",
			"the queue without the deleted message",
		);
		const first = await runner.waitFor(isEnd, "the end of the task");
		expect(first.eventName).toBe("taskCompleted");
		const taskId = first.payload?.[0] as string;

		// A message to the finished task continues it (the script then says it is done).
		runner.send({ commandName: "SendMessage", data: { text: "One more thing." } });
		await runner.waitFor(() => ends(runner) === 2, "the end of the continued task");

		// Valid for Roo Code, not for our agent: refused with the reason, in events Roo Code reads.
		runner.send({ commandName: "StartNewTask", data: { text: "x", configuration: { modelTemperature: 5 } } });
		await runner.waitFor(() => ends(runner) === 3, "the refusal");

		runner.send({
			commandName: "StartNewTask",
			data: { text: "slow", configuration: { script: [{ delayMs: 60_000, text: "never" }] } },
		});
		await runner.waitFor((e) => e.eventName === "taskStarted" && e.payload?.[0] !== taskId, "the slow task");
		runner.send({ commandName: "CancelTask" });
		await runner.waitFor(() => ends(runner) === 4, "the cancelled task");
		runner.send({ commandName: "CloseTask" });
		expect(await agent.exited).toEqual({ code: 0, signal: null });

		expect(upstreamRejections(runner)).toEqual([]);

		// The walk above is only worth something if it met every kind of event and message.
		const names = new Set(runner.events.map((e) => e.eventName));
		for (const name of [
			"modesResponse",
			"commandsResponse",
			"modelsResponse",
			"taskCreated",
			"taskStarted",
			"message",
			"queuedMessagesUpdated",
			"taskTokenUsageUpdated",
			"taskToolFailed",
			"taskCompleted",
			"taskAborted",
		]) {
			expect(names, name).toContain(name);
		}
		expect(names).not.toContain("taskContextConfirmation");
		const kinds = new Set(
			runner.events.filter((e) => e.eventName === "message").map((e) => messageOf(e).say ?? `ask:${messageOf(e).ask}`),
		);
		for (const kind of [
			"text",
			"reasoning",
			"api_req_started",
			"api_req_retry_delayed",
			"command_output",
			"error",
			"user_feedback",
			"completion_result",
			"ask:tool",
			"ask:command",
			"ask:followup",
			"ask:resume_task",
		]) {
			expect(kinds, kind).toContain(kind);
		}
		const failed = runner.events.filter((e) => e.eventName === "taskToolFailed").map((e) => e.payload?.[1]);
		expect(failed).toEqual(["read_file"]); // "teleport" is no Roo Code tool: not reported as one
		const lastQueue = runner.events.filter((e) => e.eventName === "queuedMessagesUpdated").at(-1);
		expect(lastQueue && queueOf(lastQueue)).toEqual([]);
	}, 90_000);

	it("sends only what Roo Code's schemas accept while the oracle solves an exercise", async () => {
		const { workspace, solution } = exercise("leap");
		const agent = launch("oracle", workspace);
		const runner = await rooRunner(agent);
		runner.send({
			commandName: "StartNewTask",
			data: {
				text: "Make the tests in leap_test.py pass.",
				configuration: {
					oracleSolutionDir: solution,
					oracleTestCommand: "python3 -m pytest -q -p no:cacheprovider leap_test.py",
				},
			},
		});
		expect((await runner.waitFor(isEnd, "the end of the task", 60_000)).eventName).toBe("taskCompleted");
		expect(upstreamRejections(runner)).toEqual([]);
		expect(runner.events.map((e) => e.eventName)).not.toContain("taskContextConfirmation");
	}, 90_000);
});

describe("taskContextConfirmation", () => {
	it("goes only to the client that sent SetTaskContext", async () => {
		const agent = launch("scripted", tempDir("context-ws"));
		const ours = await connect(agent.socket);
		const roo = await rooRunner(agent);
		const bystander = await connect(agent.socket);

		ours.client.sendCommand({ commandName: "SetTaskContext", data: { taskId: 1, rooTaskId: "pending", runId: 1 } });
		const confirmation = await waitForEvent(ours.events, (e) => e.eventName === "taskContextConfirmation", 5_000);
		expect(confirmation.payload).toEqual([{ success: true }]);

		// Everyone gets the task's events, so the others were listening all along.
		ours.client.sendCommand({
			commandName: "StartNewTask",
			data: {
				text: "x",
				configuration: { script: [{ toolCalls: [{ name: "attempt_completion", input: { result: "ok" } }] }] },
			},
		});
		await roo.waitFor(isEnd, "the end of the task");
		await waitForEvent(bystander.events, (e) => e.eventName === "taskCompleted", 10_000);
		await waitForEvent(ours.events, (e) => e.eventName === "taskCompleted", 10_000);

		expect(roo.events.map((e) => e.eventName)).not.toContain("taskContextConfirmation");
		expect(bystander.events.map((e) => e.eventName)).not.toContain("taskContextConfirmation");
		expect(ours.events.filter((e) => e.eventName === "taskContextConfirmation")).toHaveLength(1);
		expect(upstreamRejections(roo)).toEqual([]);
		ours.client.disconnect();
		bystander.client.disconnect();
	}, 60_000);
});
