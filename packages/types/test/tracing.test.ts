import {
	formatTraceparent,
	isTraceUrlTemplate,
	parseTraceparent,
	runConfigSchema,
	taskCommandSchema,
	traceLink,
} from "@agent-evals/types";
import { describe, expect, it } from "vitest";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

describe("traceparent", () => {
	it("round-trips: what the runner formats, the agent parses back unchanged", () => {
		for (const traceFlags of [0, 1]) {
			const parent = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags };
			const header = formatTraceparent(parent);
			expect(header).toBe(`00-${TRACE_ID}-${SPAN_ID}-0${traceFlags}`);
			expect(parseTraceparent(header)).toEqual(parent);
		}
	});

	it("is accepted by SetTaskContext's schema as formatted", () => {
		const traceparent = formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
		const parsed = taskCommandSchema.parse({
			commandName: "SetTaskContext",
			data: { taskId: 1, rooTaskId: "pending", runId: 2, traceparent, otlpEndpoint: "http://127.0.0.1:4318/v1/traces" },
		});
		expect(parsed).toMatchObject({ data: { traceparent } });
	});

	it("refuses what the specification calls invalid, so a broken parent never joins a trace", () => {
		const zeros32 = "0".repeat(32);
		const zeros16 = "0".repeat(16);
		for (const bad of [
			undefined,
			"",
			`ff-${TRACE_ID}-${SPAN_ID}-01`, // version ff is forbidden
			`00-${zeros32}-${SPAN_ID}-01`, // all-zero trace id
			`00-${TRACE_ID}-${zeros16}-01`, // all-zero span id
			`00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, // ids are lowercase hex
			`00-${TRACE_ID}-${SPAN_ID}`, // no flags
			`00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`, // short trace id
		]) {
			expect(parseTraceparent(bad), String(bad)).toBeUndefined();
		}
	});
});

describe("trace links", () => {
	it("puts the trace id into the template wherever it names it", () => {
		expect(traceLink("http://localhost:16686/trace/{traceId}", TRACE_ID)).toBe(
			`http://localhost:16686/trace/${TRACE_ID}`,
		);
		expect(traceLink("https://grafana.example/explore?trace={traceId}&again={traceId}", "abc")).toBe(
			"https://grafana.example/explore?trace=abc&again=abc",
		);
	});

	it("gives no link without a usable template or a trace id", () => {
		expect(traceLink(undefined, TRACE_ID)).toBeUndefined();
		expect(traceLink("http://localhost:16686/trace/{traceId}", null)).toBeUndefined();
		for (const template of ["http://localhost:16686/trace/", "javascript:alert({traceId})", "not a url {traceId}"]) {
			expect(isTraceUrlTemplate(template), template).toBe(false);
			expect(traceLink(template, TRACE_ID), template).toBeUndefined();
		}
	});
});

describe("the run config's otel", () => {
	it("takes the four modes and nothing else, with the choices in the message", () => {
		for (const otel of ["off", "otlp", "jaeger", "console"]) {
			expect(runConfigSchema.parse({ otel }).otel).toBe(otel);
		}
		expect(runConfigSchema.parse({}).otel).toBeUndefined();
		const wrong = runConfigSchema.safeParse({ otel: "zipkin" });
		expect(wrong.success).toBe(false);
		expect(wrong.error?.issues[0]?.message).toBe("must be one of off, otlp, jaeger, console");
	});
});
