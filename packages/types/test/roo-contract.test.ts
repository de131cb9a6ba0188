/**
 * The Roo Code contract, upstream to us: everything Roo Code's own schemas (the published
 * `@roo-code/types`, pinned in the root package.json) accept must parse under ours, or our client
 * and agent would drop what a Roo Code peer sends. Samples are generated from upstream's schemas
 * (helpers/upstream-samples.ts); the other direction, what our agent sends, is checked against a
 * running agent in packages/agent/test/roo-contract-agent.test.ts.
 */
import {
	clineAsks,
	clineSays,
	IpcMessageType,
	IpcOrigin,
	ipcMessageSchema,
	RooCodeEventName,
	TaskCommandName,
	taskCommandSchema,
	taskEventSchema,
	toolNames,
} from "@agent-evals/types";
import * as roo from "@roo-code/types";
import { describe, expect, it } from "vitest";
import { samplesOf, type UpstreamSchema } from "./helpers/upstream-samples.js";

const upstreamEventNames = Object.values(roo.RooCodeEventName);
const upstreamCommandNames = Object.values(roo.TaskCommandName);
const payloadSchemas = roo.rooCodeEventsSchema.shape as Record<string, UpstreamSchema>;

/** Upstream declares some events only in rooCodeEventsSchema, evalPass/evalFail only in taskEventSchema. */
function upstreamEventSamples(name: string): { event: unknown; upstream: UpstreamSchema }[] {
	const found: { event: unknown; upstream: UpstreamSchema }[] = [];
	const option = roo.taskEventSchema.optionsMap.get(name) as UpstreamSchema | undefined;
	if (option) for (const event of samplesOf(option)) found.push({ event, upstream: option });
	const payload = payloadSchemas[name];
	if (payload) {
		const upstream = { _def: undefined, safeParse: (event: unknown) => payload.safeParse(payloadOf(event)) };
		for (const sample of samplesOf(payload)) found.push({ event: { eventName: name, payload: sample }, upstream });
	}
	return found;
}

function upstreamCommandSamples(name: string): unknown[] {
	const option = roo.taskCommandSchema.optionsMap.get(name) as UpstreamSchema | undefined;
	return option ? samplesOf(option) : [];
}

function payloadOf(event: unknown): unknown {
	return (event as { payload?: unknown }).payload;
}

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
	return result.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
}

describe("Roo Code names", () => {
	it("every upstream event name exists in ours, under the same key", () => {
		for (const [key, name] of Object.entries(roo.RooCodeEventName)) {
			expect((RooCodeEventName as Record<string, string>)[key], key).toBe(name);
		}
	});

	it("every upstream command name exists in ours, under the same key", () => {
		for (const [key, name] of Object.entries(roo.TaskCommandName)) {
			expect((TaskCommandName as Record<string, string>)[key], key).toBe(name);
		}
	});

	it("message types and origins are the same", () => {
		expect(IpcMessageType).toEqual({ ...roo.IpcMessageType });
		expect(IpcOrigin).toEqual({ ...roo.IpcOrigin });
	});

	// Our agent sends only listed names, so the lists must not hold one upstream would reject.
	it("tool names, ask kinds and say kinds are upstream's, no more and no fewer", () => {
		expect([...toolNames].sort()).toEqual([...roo.toolNames].sort());
		expect([...clineAsks].sort()).toEqual([...roo.clineAsks].sort());
		expect([...clineSays].sort()).toEqual([...roo.clineSays].sort());
	});
});

describe("upstream events parse under ours", () => {
	it.each(upstreamEventNames)("%s", (name) => {
		const samples = upstreamEventSamples(name);
		expect(samples.length, "samples generated").toBeGreaterThan(0);
		for (const { event, upstream } of samples) {
			expect(upstream.safeParse(event).success, `upstream rejects its own sample ${JSON.stringify(event)}`).toBe(true);
			const ours = taskEventSchema.safeParse(event);
			expect(ours.success, `${JSON.stringify(event)}: ${issues(ours)}`).toBe(true);
			// Parsed, and nothing dropped on the way: a relay must pass on what it got.
			expect(ours.data).toEqual(event);
		}
	});

	it("the samples reach the edges upstream allows", () => {
		const json = (name: string) => upstreamEventSamples(name).map(({ event }) => JSON.stringify(event));
		expect(json("taskCompleted").some((e) => e.includes('"totalCost":-1'))).toBe(true);
		expect(json("taskTokenUsageUpdated").some((e) => e.includes('"attempts":1.5'))).toBe(true);
		expect(json("modelsResponse").some((e) => e.includes('"maxTokens":null'))).toBe(true);
		expect(json("modelsResponse").some((e) => e.includes('"contextWindow":0'))).toBe(true);
		expect(json("queuedMessagesUpdated").some((e) => e.includes('"images":["text"'))).toBe(true);
		expect(json("queuedMessagesUpdated").some((e) => e.endsWith(",[]]}"))).toBe(true);
		expect(json("taskStarted").some((e) => e.includes('"taskId":-1'))).toBe(true);
		expect(json("evalPass").every((e) => !e.includes('"payload"'))).toBe(true);
	});

	// What tests against Roo Code's own IPC found, written out so each stays readable.
	it.each([
		[
			"queuedMessagesUpdated",
			{
				eventName: "queuedMessagesUpdated",
				payload: ["task-1", [{ timestamp: 1_700_000_000_000, id: "m1", text: "also this", images: ["data:x"] }]],
			},
		],
		[
			"modelsResponse with maxTokens null",
			{
				eventName: "modelsResponse",
				payload: [{ "some/model": { maxTokens: null, contextWindow: 200_000, supportsPromptCache: false } }],
			},
		],
		[
			"taskCompleted with negative TokenUsage",
			{
				eventName: "taskCompleted",
				payload: [
					"task-1",
					{ totalTokensIn: -10, totalTokensOut: 5, totalCost: -0.01, contextTokens: -1 },
					{ read_file: { attempts: 1, failures: 0 } },
					{ isSubtask: false },
				],
			},
		],
	])("%s", (_name, event) => {
		expect(roo.taskEventSchema.safeParse(event).success).toBe(true);
		expect(taskEventSchema.parse(event)).toEqual(event);
	});
});

describe("upstream commands parse under ours", () => {
	it.each(upstreamCommandNames)("%s", (name) => {
		const samples = upstreamCommandSamples(name);
		expect(samples.length, "samples generated").toBeGreaterThan(0);
		for (const command of samples) {
			expect(roo.taskCommandSchema.safeParse(command).success).toBe(true);
			const ours = taskCommandSchema.safeParse(command);
			expect(ours.success, `${JSON.stringify(command).slice(0, 500)}: ${issues(ours)}`).toBe(true);
			expect(ours.data).toEqual(command);
		}
	});

	it("StartNewTask samples cover Roo Code's settings, including values our agent would refuse", () => {
		const configurations = upstreamCommandSamples("StartNewTask").map((c) => JSON.stringify(c));
		expect(configurations.length).toBeGreaterThan(100);
		expect(configurations.some((c) => c.includes('"openAiBaseUrl":""'))).toBe(true);
		expect(configurations.some((c) => c.includes('"modelTemperature":-1'))).toBe(true);
	});
});

describe("upstream envelopes parse under ours", () => {
	it("Ack, and a TaskCommand and a TaskEvent of every name", () => {
		const messages: unknown[] = samplesOf(roo.ipcMessageSchema.optionsMap.get("Ack") as UpstreamSchema);
		for (const name of upstreamCommandNames) {
			const [command] = upstreamCommandSamples(name);
			messages.push({ type: "TaskCommand", origin: "client", clientId: "0123456789ab", data: command });
		}
		for (const name of upstreamEventNames) {
			for (const { event } of upstreamEventSamples(name).slice(0, 1)) {
				messages.push({ type: "TaskEvent", origin: "server", relayClientId: "0123456789ab", data: event });
			}
		}
		const accepted = messages.filter((message) => roo.ipcMessageSchema.safeParse(message).success);
		// Events only in rooCodeEventsSchema (taskUserMessage, …) are not in upstream's envelope union.
		expect(accepted.length).toBeGreaterThan(upstreamCommandNames.length + upstreamEventNames.length - 5);
		for (const message of accepted) {
			const ours = ipcMessageSchema.safeParse(message);
			expect(ours.success, `${JSON.stringify(message).slice(0, 300)}: ${issues(ours)}`).toBe(true);
			expect(ours.data).toEqual(message);
		}
	});
});
