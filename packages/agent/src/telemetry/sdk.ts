import type { Attributes, Context, Tracer } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
	BatchSpanProcessor,
	NodeTracerProvider,
	type ReadableSpan,
	type Span,
	type SpanExporter,
	type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { TRACER_NAME } from "./spans.js";

/*
 * The OpenTelemetry SDK of the agent process, loaded only when a runner asks for a trace. It is
 * registered globally: one agent process serves one runner, and the AI SDK and the MCP hub find
 * the active span through the global context manager (AsyncLocalStorage).
 */

const EXPORT_TIMEOUT_MS = 3_000;
const BATCH_DELAY_MS = 500;

export interface AgentTracing {
	tracer: Tracer;
	/** Attributes every span started from now on gets: the current evals run and task. */
	setAttributes(attributes: Attributes): void;
	flush(): Promise<void>;
	shutdown(): Promise<void>;
}

export function startTracing(options: {
	url: string;
	serviceName: string;
	warn: (message: string) => void;
}): AgentTracing {
	const attributes = new CommonAttributes();
	const exporter = new ReportingExporter(
		new OTLPTraceExporter({ url: options.url, timeoutMillis: EXPORT_TIMEOUT_MS }),
		shownUrl(options.url),
		options.warn,
	);
	const provider = new NodeTracerProvider({
		resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, "process.pid": process.pid }),
		spanProcessors: [attributes, new BatchSpanProcessor(exporter, { scheduledDelayMillis: BATCH_DELAY_MS })],
	});
	provider.register();
	return {
		tracer: provider.getTracer(TRACER_NAME),
		setAttributes: (next) => attributes.set(next),
		flush: () => provider.forceFlush(),
		shutdown: () => provider.shutdown(),
	};
}

/** Puts the current evals attributes on every span as it starts, ours and the AI SDK's alike. */
class CommonAttributes implements SpanProcessor {
	private attributes: Attributes = {};

	set(attributes: Attributes): void {
		this.attributes = attributes;
	}

	onStart(span: Span, _parent: Context): void {
		span.setAttributes(this.attributes);
	}

	onEnd(_span: ReadableSpan): void {}

	async forceFlush(): Promise<void> {}

	async shutdown(): Promise<void> {}
}

/** Says once, in the log, that spans cannot be delivered; the task never notices. */
class ReportingExporter implements SpanExporter {
	private warned = false;

	constructor(
		private readonly inner: SpanExporter,
		private readonly destination: string,
		private readonly warn: (message: string) => void,
	) {}

	export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
		this.inner.export(spans, (result) => {
			if (result.code !== ExportResultCode.SUCCESS && !this.warned) {
				this.warned = true;
				this.warn(`tracing: cannot send spans to ${this.destination} (${result.error?.message || "no reason given"})`);
			}
			done(result);
		});
	}

	forceFlush(): Promise<void> {
		return this.inner.forceFlush?.() ?? Promise.resolve();
	}

	shutdown(): Promise<void> {
		return this.inner.shutdown();
	}
}

function shownUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = "";
		parsed.password = "";
		return parsed.toString();
	} catch {
		return "(an invalid URL)";
	}
}
