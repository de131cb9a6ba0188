import { formatTraceparent, type OtelMode } from "@agent-evals/types";
import { type Attributes, type Context, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Score } from "../grading/score.js";
import {
	outcomeAttributes,
	runAttributes,
	runEndAttributes,
	type TracedRun,
	type TracedTask,
	taskAttributes,
	taskBaseAttributes,
} from "./attributes.js";
import { type TraceExport, traceExportFor } from "./config.js";
import type { Tracing } from "./provider.js";

/*
 * The runner's spans: `evals.run` → `evals.task` (one per attempt) → its phases. The agent's
 * spans join the trace through the `traceparent` of the `evals.agent` phase, which the runner
 * sends in SetTaskContext. With tracing off nothing here is created and the SDK is never loaded.
 */

const providers = new Map<string, Promise<Tracing>>();

function defaultWarn(message: string): void {
	process.stderr.write(`evals: ${message}\n`);
}

/**
 * The trace of one execution of a run (a resumed run gets a new one), or undefined when the run
 * is not traced. Exporters are made once per destination and shared by the runs of a process.
 */
export async function openRunTrace(
	run: TracedRun & { otel: OtelMode },
	options: { env?: NodeJS.ProcessEnv; warn?: (message: string) => void } = {},
): Promise<RunTrace | undefined> {
	const warn = options.warn ?? defaultWarn;
	let target: TraceExport | undefined;
	try {
		target = traceExportFor(run.otel, options.env ?? process.env);
	} catch (error) {
		// Checked when the run was made; a variable changed since must not cost the run its tasks.
		warn(`tracing is off for run ${run.id}: ${error instanceof Error ? error.message : String(error)}`);
		return undefined;
	}
	if (!target) return undefined;
	const chosen = target;
	const key = JSON.stringify(chosen);
	let tracing = providers.get(key);
	if (!tracing) {
		tracing = import("./provider.js").then(({ createTracing }) => createTracing(chosen, warn));
		providers.set(key, tracing);
	}
	return new RunTrace(await tracing, run, target.kind === "otlp" ? target.url : undefined);
}

/** Sends what is left and stops every exporter of this process (before it exits). */
export async function shutdownTracing(): Promise<void> {
	const all = [...providers.values()];
	providers.clear();
	await Promise.all(all.map(async (tracing) => (await tracing).shutdown()));
}

export class RunTrace {
	private readonly span: Span;
	private readonly context: Context;
	private ended = false;

	constructor(
		private readonly tracing: Tracing,
		private readonly run: TracedRun,
		/** The OTLP traces URL the agent should send its spans to; undefined for console output. */
		readonly agentEndpoint: string | undefined,
	) {
		this.span = tracing.tracer.startSpan("evals.run", { attributes: runAttributes(run) }, ROOT_CONTEXT);
		this.context = trace.setSpan(ROOT_CONTEXT, this.span);
	}

	get traceId(): string {
		return this.span.spanContext().traceId;
	}

	startTask(task: TracedTask, attempt: number): TaskTrace {
		return new TaskTrace(this, this.tracing, this.context, this.run, task, attempt);
	}

	/** Ends the run's span with how the run finished. */
	end(finished: { status: string; passed: number; failed: number }): void {
		if (this.ended) return;
		this.ended = true;
		this.span.setAttributes(runEndAttributes(finished));
		if (finished.status === "failed") this.span.setStatus({ code: SpanStatusCode.ERROR, message: "the run failed" });
		this.span.end();
	}

	/** Ends the span if `end` was not reached (the controller broke), and sends everything. */
	async close(): Promise<void> {
		if (!this.ended) {
			this.ended = true;
			this.span.setStatus({ code: SpanStatusCode.ERROR, message: "the run stopped before it finished" });
			this.span.end();
		}
		await this.tracing.flush();
	}
}

export class TaskTrace {
	private readonly span: Span;
	private readonly context: Context;
	private readonly base: Attributes;
	private ended = false;

	constructor(
		readonly run: RunTrace,
		private readonly tracing: Tracing,
		parent: Context,
		traced: TracedRun,
		task: TracedTask,
		attempt: number,
	) {
		this.base = taskBaseAttributes(traced, task.id);
		this.span = tracing.tracer.startSpan("evals.task", { attributes: taskAttributes(traced, task, attempt) }, parent);
		this.context = trace.setSpan(parent, this.span);
	}

	get traceId(): string {
		return this.span.spanContext().traceId;
	}

	/**
	 * Runs one phase of the task as a child span; `work` gets the span's `traceparent` so that what
	 * it starts in another process (the agent) can hang its spans under it.
	 */
	async phase<T>(name: string, work: (traceparent: string) => Promise<T>): Promise<T> {
		const span = this.tracing.tracer.startSpan(name, { attributes: this.base }, this.context);
		try {
			return await work(formatTraceparent(span.spanContext()));
		} catch (error) {
			span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
			throw error;
		} finally {
			span.end();
		}
	}

	/** The verdict, on the task's span: a task that did not pass is an error unless it was cancelled. */
	outcome(score: Score): void {
		this.span.setAttributes(outcomeAttributes(score));
		if (!score.passed && score.failureKind !== "cancelled") {
			this.span.setStatus({ code: SpanStatusCode.ERROR, message: `${score.failureKind}: ${score.summary}` });
		}
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		this.span.end();
	}
}
