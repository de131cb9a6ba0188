import type { Attributes, Context, Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
	BatchSpanProcessor,
	NodeTracerProvider,
	type ReadableSpan,
	type Span,
	type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { ReportingExporter, shownUrl } from "./reporting-exporter.js";
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
