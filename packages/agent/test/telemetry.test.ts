import { formatTraceparent } from "@agent-evals/types";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import {
	InMemorySpanExporter,
	NodeTracerProvider,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpHub } from "../src/mcp/hub.js";
import { tracesEndpoint } from "../src/telemetry/agent-telemetry.js";
import {
	evalAttributes,
	mcpRequestAttributes,
	mcpResponseAttributes,
	mcpSpanName,
	toolCallAttributes,
} from "../src/telemetry/attributes.js";
import { remoteParent, TaskSpans, TRACER_NAME } from "../src/telemetry/spans.js";
import { createTestHub, fixtureStdio } from "./helpers/mcp.js";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const RUNNER_SPAN = "b7ad6b7169203331";
const TRACEPARENT = formatTraceparent({ traceId: TRACE_ID, spanId: RUNNER_SPAN, traceFlags: 1 });

describe("when the agent traces", () => {
	it("only with a valid traceparent and an endpoint: SetTaskContext's first, then the standard variables", () => {
		const withEndpoint = { traceparent: TRACEPARENT, otlpEndpoint: "http://collector:4318/v1/traces" };
		expect(tracesEndpoint(withEndpoint, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://elsewhere:4318" })).toBe(
			"http://collector:4318/v1/traces",
		);
		const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" };
		expect(tracesEndpoint({ traceparent: TRACEPARENT }, env)).toBe("http://collector:4318/v1/traces");
		expect(
			tracesEndpoint(
				{ traceparent: TRACEPARENT },
				{ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:9999/custom/path" },
			),
		).toBe("http://traces:9999/custom/path");
		// No endpoint anywhere, or no (valid) trace context: no tracing, whatever else is set.
		expect(tracesEndpoint({ traceparent: TRACEPARENT }, {})).toBeUndefined();
		expect(tracesEndpoint({ otlpEndpoint: "http://collector:4318/v1/traces" }, env)).toBeUndefined();
		expect(tracesEndpoint({ traceparent: `00-${"0".repeat(32)}-${RUNNER_SPAN}-01` }, env)).toBeUndefined();
	});
});

describe("span attributes", () => {
	it("name the evals run, task and MCP servers", () => {
		expect(evalAttributes({ runId: 3, taskId: 7 })).toEqual({ "eval.run_id": 3, "eval.task_id": 7 });
		expect(evalAttributes({ runId: 3, taskId: 7, mcpServer: "docs,search" })).toEqual({
			"eval.run_id": 3,
			"eval.task_id": 7,
			"eval.mcp_server": "docs,search",
		});
	});

	it("describe tool calls and MCP requests in the conventions' names", () => {
		expect(toolCallAttributes({ toolName: "read_file", toolCallId: "call_1" })).toEqual({
			"gen_ai.operation.name": "execute_tool",
			"gen_ai.tool.name": "read_file",
			"gen_ai.tool.call.id": "call_1",
		});
		const call = { method: "tools/call", server: "docs", tool: "search", requestSize: 17 } as const;
		expect(mcpSpanName(call)).toBe("tools/call search");
		expect(mcpRequestAttributes(call)).toEqual({
			"rpc.system": "mcp",
			"mcp.method.name": "tools/call",
			"mcp.server": "docs",
			"gen_ai.tool.name": "search",
			"gen_ai.operation.name": "execute_tool",
			"mcp.request.size": 17,
		});
		const read = { method: "resources/read", server: "docs", uri: "docs://a", requestSize: 20 } as const;
		expect(mcpSpanName(read)).toBe("resources/read");
		expect(mcpRequestAttributes(read)).toEqual({
			"rpc.system": "mcp",
			"mcp.method.name": "resources/read",
			"mcp.server": "docs",
			"mcp.resource.uri": "docs://a",
			"mcp.request.size": 20,
		});
		expect(mcpResponseAttributes({ responseSize: 5 })).toEqual({ "mcp.response.size": 5 });
		expect(mcpResponseAttributes({ errorType: "timeout" })).toEqual({ "error.type": "timeout" });
	});
});

describe("the agent's spans, with the SDK in this process", () => {
	const exporter = new InMemorySpanExporter();
	const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
	let hub: McpHub | undefined;

	beforeAll(() => {
		// As the agent's SDK module does: global, so the hub's spans find the active tool call.
		provider.register();
	});
	afterAll(async () => {
		await hub?.dispose();
		await provider.shutdown();
		trace.disable();
		context.disable();
	});

	const byName = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);
	const only = (name: string): ReadableSpan => {
		const [span, ...more] = byName(name);
		if (!span || more.length > 0) throw new Error(`expected one ${name} span, got ${byName(name).length}`);
		return span;
	};

	it("hang turns under the runner's span, tool calls under turns, MCP requests under tool calls", async () => {
		const test = createTestHub({ settingsServers: { fx: fixtureStdio() } });
		hub = test.hub;
		await hub.start();
		const started = hub;
		const spans = new TaskSpans(
			provider.getTracer(TRACER_NAME),
			{ taskId: 7, runId: 3, rooTaskId: "pending", traceparent: TRACEPARENT },
			"agent-task-1",
		);

		spans.beginTurn(1);
		const echo = spans.startTool({ toolName: "use_mcp_tool", toolCallId: "call_1" });
		await echo.run(async () => {
			await started.callTool("fx", "echo", { message: "hello" });
			await started.readResource("fx", "fixture://readme");
		});
		echo.end({ ok: true, output: "hello" });
		spans.beginTurn(2);
		const failing = spans.startTool({ toolName: "use_mcp_tool", toolCallId: "call_2" });
		await failing.run(async () => {
			await started.callTool("fx", "fail", { message: "no luck" });
			await started.callTool("nowhere", "echo", {}).catch(() => undefined);
		});
		failing.end({ ok: false, output: "no luck" });
		spans.endTurn("cancelled by the runner");

		const turns = byName("agent.turn");
		expect(turns.map((span) => span.attributes["agent.turn.number"])).toEqual([1, 2]);
		for (const turn of turns) {
			expect(turn.spanContext().traceId).toBe(TRACE_ID);
			expect(turn.parentSpanContext?.spanId).toBe(RUNNER_SPAN);
			expect(turn.attributes["gen_ai.conversation.id"]).toBe("agent-task-1");
		}
		expect(turns[0]?.status.code).toBe(SpanStatusCode.UNSET);
		expect(turns[1]?.status).toEqual({ code: SpanStatusCode.ERROR, message: "cancelled by the runner" });

		const tools = byName("execute_tool use_mcp_tool");
		expect(tools.map((span) => span.parentSpanContext?.spanId)).toEqual(turns.map((turn) => turn.spanContext().spanId));
		expect(tools[1]?.status.code).toBe(SpanStatusCode.ERROR);
		expect(tools[1]?.attributes["error.type"]).toBe("tool_error");

		const calls = byName("tools/call echo");
		expect(calls).toHaveLength(2);
		const [ok, unknown] = calls;
		expect(ok?.parentSpanContext?.spanId).toBe(tools[0]?.spanContext().spanId);
		expect(ok?.attributes).toMatchObject({
			"rpc.system": "mcp",
			"mcp.method.name": "tools/call",
			"mcp.server": "fx",
			"gen_ai.tool.name": "echo",
			"mcp.request.size": JSON.stringify({ message: "hello" }).length,
		});
		expect(ok?.attributes["mcp.response.size"]).toBeGreaterThan(0);
		expect(ok?.status.code).toBe(SpanStatusCode.UNSET);
		// A server nobody configured: the request never left, and the hub's code says why.
		expect(unknown?.parentSpanContext?.spanId).toBe(tools[1]?.spanContext().spanId);
		expect(unknown?.attributes["error.type"]).toBe("unknown_server");
		expect(unknown?.status).toEqual({ code: SpanStatusCode.ERROR, message: "No connection found for server: nowhere" });

		const read = only("resources/read");
		expect(read.parentSpanContext?.spanId).toBe(tools[0]?.spanContext().spanId);
		expect(read.attributes).toMatchObject({
			"mcp.method.name": "resources/read",
			"mcp.resource.uri": "fixture://readme",
			"mcp.server": "fx",
		});
		expect(read.attributes["mcp.response.size"]).toBeGreaterThan(0);

		// The server answered with an error result (isError): answered, and still a failure.
		const failed = only("tools/call fail");
		expect(failed.attributes["error.type"]).toBe("tool_error");
		expect(failed.attributes["mcp.response.size"]).toBeGreaterThan(0);
		expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "no luck" });
	});

	it("records nothing without a tracer, and the tool still runs in its turn", async () => {
		exporter.reset();
		const spans = new TaskSpans(undefined, { taskId: 1, rooTaskId: "x", runId: 1, traceparent: TRACEPARENT }, "t");
		spans.beginTurn(1);
		expect(spans.modelTelemetry()).toBeUndefined();
		const tool = spans.startTool({ toolName: "read_file", toolCallId: "c" });
		expect(await tool.run(async () => spans.inTurn(() => 42))).toBe(42);
		tool.end({ ok: false, output: "missing" });
		spans.endTurn();
		expect(exporter.getFinishedSpans()).toEqual([]);
	});

	it("starts a new trace when the runner's traceparent is not a valid one", () => {
		const parent = trace.getSpanContext(remoteParent("00-zz-yy-01"));
		expect(parent).toBeUndefined();
		expect(trace.getSpanContext(remoteParent(TRACEPARENT))).toEqual({
			traceId: TRACE_ID,
			spanId: RUNNER_SPAN,
			traceFlags: 1,
			isRemote: true,
		});
	});
});
