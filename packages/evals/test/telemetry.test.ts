import { parseTraceparent, taskDetailSchema, taskListResponseSchema } from "@agent-evals/types";
import { SpanStatusCode } from "@opentelemetry/api";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { createServer, ServerConfigError } from "../src/server/index.js";
import { outcomeAttributes, runAttributes, taskAttributes } from "../src/telemetry/attributes.js";
import { DEFAULT_SERVICE_NAME, otelModeFor, TraceConfigError, traceExportFor } from "../src/telemetry/config.js";
import { spanLine } from "../src/telemetry/exporters.js";
import { RunTrace } from "../src/telemetry/run-trace.js";
import { harness } from "./helpers/runner.js";
import { apiHarness } from "./helpers/server.js";

describe("where a run's spans go", () => {
	it("takes the run's mode, else EVALS_OTEL, else off", () => {
		expect(otelModeFor("jaeger", { EVALS_OTEL: "console" })).toBe("jaeger");
		expect(otelModeFor(undefined, { EVALS_OTEL: " Console " })).toBe("console");
		expect(otelModeFor(undefined, {})).toBe("off");
		expect(() => otelModeFor(undefined, { EVALS_OTEL: "zipkin" })).toThrow(
			new TraceConfigError('EVALS_OTEL is "zipkin": use one of off, otlp, jaeger, console.'),
		);
	});

	it("follows the OTLP variables for otlp, and Jaeger's default endpoint for jaeger", () => {
		expect(traceExportFor("off", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toBeUndefined();
		expect(traceExportFor("console", {})).toEqual({ kind: "console", serviceName: DEFAULT_SERVICE_NAME });
		expect(traceExportFor("jaeger", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://elsewhere:4318" })).toEqual({
			kind: "otlp",
			url: "http://127.0.0.1:4318/v1/traces",
			serviceName: "evals",
		});
		expect(traceExportFor("otlp", {})).toMatchObject({ url: "http://localhost:4318/v1/traces" });
		expect(
			traceExportFor("otlp", { OTEL_EXPORTER_OTLP_ENDPOINT: "https://c.example/otlp/", OTEL_SERVICE_NAME: "ci" }),
		).toEqual({
			kind: "otlp",
			url: "https://c.example/otlp/v1/traces",
			serviceName: "ci",
		});
		expect(
			traceExportFor("otlp", {
				OTEL_EXPORTER_OTLP_ENDPOINT: "http://base:4318",
				OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/my/traces",
			}),
		).toMatchObject({ url: "http://traces:4318/my/traces" });
	});

	it("says in one line what is wrong with an endpoint", () => {
		expect(() => traceExportFor("otlp", { OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" })).toThrow(
			/^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
		);
		expect(() => traceExportFor("otlp", { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" })).toThrow(
			'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not a URL: "not a url".',
		);
	});
});

describe("the runner's span attributes", () => {
	const run = { id: 4, model: "oracle", agent: "builtin", mcpServer: "docs,search", arm: "mcp" };
	it("name the run, the task and the MCP servers on every task span", () => {
		expect(runAttributes(run)).toEqual({
			"eval.run_id": 4,
			"eval.mcp_server": "docs,search",
			"eval.model": "oracle",
			"eval.agent": "builtin",
			"eval.arm": "mcp",
		});
		expect(
			taskAttributes({ ...run, mcpServer: null }, { id: 9, language: "go", exercise: "luhn", iteration: 2 }, 3),
		).toEqual({
			"eval.run_id": 4,
			"eval.task_id": 9,
			"eval.language": "go",
			"eval.exercise": "luhn",
			"eval.iteration": 2,
			"eval.attempt": 3,
		});
		expect(outcomeAttributes({ passed: false, failureKind: "timeout", summary: "" })).toEqual({
			"eval.passed": false,
			"eval.failure_kind": "timeout",
		});
	});
});

describe("a run's trace", () => {
	const exporter = new InMemorySpanExporter();
	const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
	const tracing = {
		tracer: provider.getTracer("test"),
		flush: () => provider.forceFlush(),
		shutdown: () => provider.shutdown(),
	};
	afterAll(() => provider.shutdown());
	const named = (name: string): ReadableSpan => {
		const span = exporter.getFinishedSpans().find((each) => each.name === name);
		if (!span) throw new Error(`no ${name} span`);
		return span;
	};

	it("is evals.run → evals.task → phases, and each phase hands its own traceparent to its work", async () => {
		const run = { id: 1, model: "oracle", agent: "builtin", mcpServer: null, arm: null };
		const runTrace = new RunTrace(tracing, run, "http://collector:4318/v1/traces");
		const task = runTrace.startTask({ id: 2, language: "python", exercise: "adder", iteration: 1 }, 1);
		expect(task.traceId).toBe(runTrace.traceId);
		const handed = await task.phase("evals.agent", async (traceparent) => parseTraceparent(traceparent));
		await expect(
			task.phase("evals.grading", async () => {
				throw new Error("toolchain missing");
			}),
		).rejects.toThrow("toolchain missing");
		task.outcome({ passed: false, failureKind: "infra", summary: "toolchain missing" });
		task.end();
		runTrace.end({ status: "completed", passed: 0, failed: 1 });
		await runTrace.close();

		const runSpan = named("evals.run");
		const taskSpan = named("evals.task");
		const agent = named("evals.agent");
		const grading = named("evals.grading");
		expect(runSpan.parentSpanContext).toBeUndefined();
		expect(taskSpan.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
		for (const phase of [agent, grading]) {
			expect(phase.parentSpanContext?.spanId).toBe(taskSpan.spanContext().spanId);
			expect(phase.attributes).toEqual({ "eval.run_id": 1, "eval.task_id": 2 });
		}
		// What the agent receives names the evals.agent span itself: its spans hang right there.
		expect(handed).toEqual({ traceId: runTrace.traceId, spanId: agent.spanContext().spanId, traceFlags: 1 });
		expect(grading.status).toEqual({ code: SpanStatusCode.ERROR, message: "toolchain missing" });
		expect(taskSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: "infra: toolchain missing" });
		expect(taskSpan.attributes).toMatchObject({ "eval.passed": false, "eval.failure_kind": "infra" });
		expect(runSpan.attributes).toMatchObject({ "eval.status": "completed", "eval.failed_count": 1 });
		expect(runTrace.agentEndpoint).toBe("http://collector:4318/v1/traces");

		expect(spanLine(grading)).toMatch(
			new RegExp(
				`^otel ${runTrace.traceId} ${grading.spanContext().spanId} ← ${taskSpan.spanContext().spanId} evals.grading \\d+\\.\\d ms ERROR: toolchain missing \\{"eval.run_id":1,"eval.task_id":2\\}$`,
			),
		);
		expect(spanLine(runSpan)).toContain(" ← root evals.run ");
	});

	it("leaves a cancelled task's span without an error, and ends a run that broke as failed", async () => {
		exporter.reset();
		const runTrace = new RunTrace(tracing, { id: 3, model: "m", agent: "a", mcpServer: null, arm: null }, undefined);
		const task = runTrace.startTask({ id: 5, language: "go", exercise: "x", iteration: 1 }, 2);
		task.outcome({ passed: false, failureKind: "cancelled", summary: "cancelled" });
		task.end();
		task.end();
		await runTrace.close();
		expect(named("evals.task").status.code).toBe(SpanStatusCode.UNSET);
		expect(named("evals.run").status).toEqual({
			code: SpanStatusCode.ERROR,
			message: "the run stopped before it finished",
		});
		expect(exporter.getFinishedSpans()).toHaveLength(2);
	});
});

describe("tracing through the API", () => {
	// An in-memory database takes seconds to create on a busy machine.
	it("refuses a trace link template without {traceId} or not http(s), in one line", { timeout: 120_000 }, async () => {
		const h = await harness();
		try {
			for (const traceUrl of ["http://localhost:16686/trace/", "file:///tmp/{traceId}"]) {
				expect(() =>
					createServer({ store: h.store, bus: h.bus, controller: h.controller, storeKind: "pglite", traceUrl }),
				).toThrow(ServerConfigError);
			}
		} finally {
			await h.close();
		}
	});

	it("tells the dashboard the link template, takes otel in POST /api/runs, and shows each task's trace id", async () => {
		const api = await apiHarness({ traceUrl: "http://localhost:16686/trace/{traceId}" });
		try {
			const health = await api.call("GET", "/api/health");
			expect(health.body).toEqual({
				ok: true,
				store: "pglite",
				bus: "memory",
				traceUrl: "http://localhost:16686/trace/{traceId}",
			});
			const wrong = await api.call("POST", "/api/runs", { body: { otel: "zipkin", exercises: ["python/adder"] } });
			expect(wrong.status).toBe(400);
			expect(wrong.text).toContain("must be one of off, otlp, jaeger, console");

			const created = await api.call("POST", "/api/runs", {
				body: { model: "oracle", exercises: ["python/adder"], otel: "console" },
			});
			expect(created.status, created.text).toBe(201);
			const { id } = created.body as { id: number };
			expect((await api.store.runs.get(id))?.otel).toBe("console");
			const detail = await api.waitForRun(id);
			expect(detail.run.status).toBe("completed");
			const [task] = taskListResponseSchema.parse((await api.call("GET", `/api/runs/${id}/tasks`)).body).tasks;
			expect(task?.traceId).toMatch(/^[0-9a-f]{32}$/);
			const full = taskDetailSchema.parse((await api.call("GET", `/api/tasks/${task?.id}`)).body);
			expect(full.traceId).toBe(task?.traceId);

			// Untraced runs leave it empty, and a requeued task forgets the old attempt's trace.
			const plain = await api.call("POST", "/api/runs", { body: { model: "oracle", exercises: ["python/adder"] } });
			const plainId = (plain.body as { id: number }).id;
			expect((await api.store.runs.get(plainId))?.otel).toBe("off");
			await api.waitForRun(plainId);
			const [untraced] = (await api.store.tasks.summaries(plainId)).tasks;
			expect(untraced?.traceId).toBeNull();
			await api.controller.requeueTask(task?.id ?? 0);
			expect((await api.store.tasks.get(task?.id ?? 0))?.traceId).toBeNull();
		} finally {
			await api.close();
		}
	}, 180_000);
});
