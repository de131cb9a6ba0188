import { parseTraceparent, type TaskContext } from "@agent-evals/types";
import { type Context, context, ROOT_CONTEXT, type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import {
	type McpRequest,
	mcpRequestAttributes,
	mcpResponseAttributes,
	mcpSpanName,
	toolCallAttributes,
	turnAttributes,
} from "./attributes.js";

/*
 * The agent's spans, on the OpenTelemetry API only: without the SDK (tracing off) every call
 * here is a no-op, so the task loop pays nothing. `agent.turn` hangs under the runner's span
 * named by SetTaskContext's traceparent; model calls (the AI SDK's own spans) and tool calls
 * hang under their turn, MCP requests under their tool call.
 */

export const TRACER_NAME = "evals-agent";
const MAX_STATUS_MESSAGE = 300;

/** The context whose parent is the runner's span, or the root when there is none. */
export function remoteParent(traceparent: string | undefined): Context {
	const parent = parseTraceparent(traceparent);
	if (!parent) return ROOT_CONTEXT;
	return trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true });
}

export class TaskSpans {
	private readonly parent: Context;
	private turn: { span: Span; context: Context } | undefined;

	constructor(
		/** Undefined when the task is not traced. */
		private readonly tracer: Tracer | undefined,
		taskContext: TaskContext | undefined,
		private readonly agentTaskId: string,
	) {
		this.parent = remoteParent(taskContext?.traceparent);
	}

	/** Starts the span of model request number `turn`, ending the previous one. */
	beginTurn(turn: number): void {
		if (!this.tracer) return;
		this.endTurn();
		const span = this.tracer.startSpan(
			"agent.turn",
			{ attributes: turnAttributes(turn, this.agentTaskId) },
			this.parent,
		);
		this.turn = { span, context: trace.setSpan(this.parent, span) };
	}

	/** Ends the current turn's span; an error (the task aborted during it) marks it failed. */
	endTurn(error?: unknown): void {
		const turn = this.turn;
		if (!turn) return;
		this.turn = undefined;
		if (error !== undefined) turn.span.setStatus({ code: SpanStatusCode.ERROR, message: clip(describe(error)) });
		turn.span.end();
	}

	/** Runs `work` with the current turn as the active span: the AI SDK's spans become its children. */
	inTurn<T>(work: () => T): T {
		return this.turn ? context.with(this.turn.context, work) : work();
	}

	/** The AI SDK's telemetry settings: on with our tracer while traced, prompts and outputs left out. */
	modelTelemetry() {
		if (!this.tracer) return undefined;
		// Prompts hold whole files and grow every turn: the transcript already keeps them.
		return {
			isEnabled: true,
			tracer: this.tracer,
			recordInputs: false,
			recordOutputs: false,
			functionId: "agent.turn",
		};
	}

	/** The span of one tool call, a child of the current turn. */
	startTool(call: { toolName: string; toolCallId: string }): ToolSpan {
		if (!this.tracer || !this.turn) return NO_TOOL_SPAN;
		const span = this.tracer.startSpan(
			`execute_tool ${call.toolName}`,
			{ attributes: toolCallAttributes(call) },
			this.turn.context,
		);
		return new RecordingToolSpan(span, trace.setSpan(this.turn.context, span));
	}
}

export interface ToolSpan {
	/** Runs the tool with this span active, so MCP requests it makes become its children. */
	run<T>(work: () => Promise<T>): Promise<T>;
	end(result: { ok: boolean; output: string }): void;
}

const NO_TOOL_SPAN: ToolSpan = { run: (work) => work(), end: () => {} };

class RecordingToolSpan implements ToolSpan {
	constructor(
		private readonly span: Span,
		private readonly context: Context,
	) {}

	run<T>(work: () => Promise<T>): Promise<T> {
		return context.with(this.context, work);
	}

	end(result: { ok: boolean; output: string }): void {
		if (!result.ok) {
			this.span.setAttribute("error.type", "tool_error");
			this.span.setStatus({ code: SpanStatusCode.ERROR, message: clip(result.output) });
		}
		this.span.end();
	}
}

/** One MCP request's span, started under whatever is active (the tool call that made it). */
export class McpSpan {
	private readonly span: Span;

	constructor(request: McpRequest) {
		this.span = trace
			.getTracer(TRACER_NAME)
			.startSpan(mcpSpanName(request), { attributes: mcpRequestAttributes(request) }, context.active());
	}

	/** The server answered; `error` when its answer is an error result (`isError`). */
	answered(responseSize: number, error?: string): void {
		this.span.setAttributes(mcpResponseAttributes({ responseSize, errorType: error ? "tool_error" : undefined }));
		if (error) this.span.setStatus({ code: SpanStatusCode.ERROR, message: clip(error) });
		this.span.end();
	}

	/** The request failed: `errorType` is the hub's code (timeout, not_connected, …). */
	failed(errorType: string, message: string): void {
		this.span.setAttributes(mcpResponseAttributes({ errorType }));
		this.span.setStatus({ code: SpanStatusCode.ERROR, message: clip(message) });
		this.span.end();
	}
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function clip(text: string): string {
	return text.length > MAX_STATUS_MESSAGE ? `${text.slice(0, MAX_STATUS_MESSAGE)}…` : text;
}
