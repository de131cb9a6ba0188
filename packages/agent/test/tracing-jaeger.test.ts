import { randomBytes } from "node:crypto";
import { formatTraceparent, type TaskEvent } from "@agent-evals/types";
import { afterEach, describe, expect, it } from "vitest";
import { connect, isTaskEnd, type RunningAgent, startAgent, tempDir, waitForEvent } from "./helpers/agent-process.js";
import { EVERYTHING_SERVER } from "./helpers/mcp.js";

/**
 * The agent's side of a trace, checked in a real Jaeger: a runner's SetTaskContext names the
 * parent span and the endpoint, a scripted task calls MCP tools on server-everything, and the
 * spans must arrive (flushed before the task's last event) under that parent.
 */

const JAEGER_URL = process.env.JAEGER_URL;
const JAEGER_OTLP = process.env.JAEGER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";

interface JaegerSpan {
	spanID: string;
	operationName: string;
	startTime: number;
	references: { refType: string; spanID: string }[];
	tags: { key: string; value: unknown }[];
}

const agents: RunningAgent[] = [];
afterEach(async () => {
	for (const agent of agents.splice(0)) {
		if (agent.child.exitCode === null && agent.child.signalCode === null) {
			agent.child.kill("SIGKILL");
			await agent.exited;
		}
	}
});

async function jaegerSpans(traceId: string, ready: (spans: JaegerSpan[]) => boolean): Promise<JaegerSpan[]> {
	const until = Date.now() + 30_000;
	let last = "";
	for (;;) {
		const response = await fetch(`${JAEGER_URL}/api/traces/${traceId}`).catch((error: Error) => error);
		if (!(response instanceof Error) && response.ok) {
			const spans = ((await response.json()) as { data: { spans: JaegerSpan[] }[] }).data[0]?.spans ?? [];
			if (ready(spans)) return spans;
			last = JSON.stringify(spans.map((span) => span.operationName));
		} else {
			last = response instanceof Error ? response.message : `HTTP ${response.status}`;
		}
		if (Date.now() > until) throw new Error(`trace ${traceId} incomplete in Jaeger after 30 s: ${last}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe.skipIf(!JAEGER_URL)(
	JAEGER_URL
		? "evals-agent traces into Jaeger"
		: 'evals-agent traces into Jaeger: skipped: no JAEGER_URL (start Jaeger with `eval "$(bash scripts/services.sh)"`)',
	() => {
		it("puts its turns under the runner's span and its MCP calls under their tool calls", {
			timeout: 90_000,
		}, async () => {
			const traceId = randomBytes(16).toString("hex");
			const runnerSpan = randomBytes(8).toString("hex");
			const agent = startAgent({ workspace: tempDir("trace-ws") });
			agents.push(agent);
			const { client, events } = await connect(agent.socket);
			client.sendCommand({
				commandName: "SetTaskContext",
				data: {
					taskId: 41,
					rooTaskId: "pending",
					runId: 40,
					mcpServer: "everything",
					traceparent: formatTraceparent({ traceId, spanId: runnerSpan, traceFlags: 1 }),
					otlpEndpoint: `${JAEGER_OTLP}/v1/traces`,
				},
			});
			await waitForEvent(events, (event) => event.eventName === "taskContextConfirmation", 5_000, "the confirmation");
			client.sendCommand({
				commandName: "StartNewTask",
				data: {
					configuration: {
						apiProvider: "scripted",
						mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, "stdio"] } },
						script: [
							{
								toolCalls: [
									{
										name: "use_mcp_tool",
										input: { server_name: "everything", tool_name: "echo", arguments: { message: "traced" } },
									},
									{
										name: "access_mcp_resource",
										input: { server_name: "everything", uri: "demo://resource/static/document/architecture.md" },
									},
								],
								usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 0, cacheWriteTokens: 0 },
							},
							{ toolCalls: [{ name: "use_mcp_tool", input: { server_name: "nowhere", tool_name: "echo" } }] },
						],
					},
					text: "Use the MCP server.",
				},
			});
			const end = await waitForEvent(events, isTaskEnd, 60_000, "the end of the task");
			expect(end.eventName).toBe("taskCompleted");
			const agentTaskId = (end as Extract<TaskEvent, { eventName: "taskCompleted" }>).payload[0];

			const spans = await jaegerSpans(
				traceId,
				(found) =>
					found.filter((span) => span.operationName === "agent.turn").length === 3 &&
					found.filter((span) => span.operationName === "tools/call echo").length === 2 &&
					found.some((span) => span.operationName === "resources/read"),
			);
			const byId = new Map(spans.map((span) => [span.spanID, span]));
			const parentId = (span: JaegerSpan) => span.references.find((ref) => ref.refType === "CHILD_OF")?.spanID;
			const parentOf = (span: JaegerSpan | undefined) => (span ? byId.get(parentId(span) ?? "") : undefined);
			const tag = (span: JaegerSpan | undefined, key: string) => span?.tags.find((each) => each.key === key)?.value;
			// In the order they started: Jaeger lists them in no particular order.
			const named = (name: string) =>
				spans.filter((span) => span.operationName === name).sort((a, b) => a.startTime - b.startTime);

			const turns = named("agent.turn");
			for (const turn of turns) {
				expect(parentId(turn)).toBe(runnerSpan);
				expect(tag(turn, "gen_ai.conversation.id")).toBe(agentTaskId);
			}
			const [first, second] = named("ai.streamText.doStream");
			expect(tag(first, "gen_ai.usage.input_tokens")).toBe(1200);
			expect(tag(first, "gen_ai.usage.output_tokens")).toBe(80);
			expect(tag(first, "gen_ai.system")).toBe("scripted");
			expect(tag(second, "gen_ai.usage.input_tokens")).toBe(0);

			const calls = named("tools/call echo");
			const ok = calls.find((span) => tag(span, "mcp.response.size") !== undefined);
			const failed = calls.find((span) => span !== ok);
			expect(parentOf(ok)?.operationName).toBe("execute_tool use_mcp_tool");
			expect(turns).toContain(parentOf(parentOf(ok)));
			expect(tag(ok, "rpc.system")).toBe("mcp");
			expect(tag(ok, "mcp.method.name")).toBe("tools/call");
			expect(tag(ok, "mcp.server")).toBe("everything");
			expect(tag(ok, "gen_ai.tool.name")).toBe("echo");
			expect(tag(ok, "mcp.request.size")).toBe(JSON.stringify({ message: "traced" }).length);
			expect(Number(tag(ok, "mcp.response.size"))).toBeGreaterThan(0);
			expect(tag(ok, "error")).toBeUndefined();

			expect(tag(failed, "mcp.server")).toBe("nowhere");
			expect(tag(failed, "error.type")).toBe("unknown_server");
			expect(tag(failed, "error")).toBe(true);
			expect(tag(parentOf(failed), "error.type")).toBe("tool_error");

			const [read] = named("resources/read");
			expect(parentOf(read)?.operationName).toBe("execute_tool access_mcp_resource");
			expect(tag(read, "mcp.resource.uri")).toBe("demo://resource/static/document/architecture.md");
			expect(Number(tag(read, "mcp.response.size"))).toBeGreaterThan(0);

			// The run, task and servers of SetTaskContext are on every span, the AI SDK's included.
			for (const span of spans) {
				expect(tag(span, "eval.run_id"), span.operationName).toBe(40);
				expect(tag(span, "eval.task_id"), span.operationName).toBe(41);
				expect(tag(span, "eval.mcp_server"), span.operationName).toBe("everything");
			}
		});
	},
);
