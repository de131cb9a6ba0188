import { ReportingExporter, shownUrl } from "@agent-evals/agent/reporting-exporter";
import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { TraceExport } from "./config.js";
import { LineSpanExporter } from "./exporters.js";

/*
 * The OpenTelemetry SDK for the runner, loaded only when a run is traced. The provider is not
 * registered globally: one process (`evals serve`) may execute runs with different exporters,
 * and every span is started with an explicit parent, so no context manager is needed either.
 */

/** A stuck collector may hold back the end of a run (and the CLI's exit) this long at most. */
const FLUSH_LIMIT_MS = 5_000;
const EXPORT_TIMEOUT_MS = 4_000;
/** Spans leave in batches this often, so a long run shows up in the viewer as it goes. */
const BATCH_DELAY_MS = 1_000;

export interface Tracing {
	tracer: Tracer;
	/** Sends every ended span; never rejects, and gives up after a few seconds. */
	flush(): Promise<void>;
	shutdown(): Promise<void>;
}

export function createTracing(target: TraceExport, warn: (message: string) => void): Tracing {
	let exporter: SpanExporter;
	if (target.kind === "otlp") {
		exporter = new ReportingExporter(
			new OTLPTraceExporter({ url: target.url, timeoutMillis: EXPORT_TIMEOUT_MS }),
			shownUrl(target.url),
			warn,
		);
	} else {
		exporter = new LineSpanExporter((line) => process.stderr.write(line));
	}
	const provider = new BasicTracerProvider({
		resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: target.serviceName, "process.pid": process.pid }),
		spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: BATCH_DELAY_MS })],
	});
	return {
		tracer: provider.getTracer("agent-evals"),
		flush: () => bounded(provider.forceFlush()),
		shutdown: () => bounded(provider.shutdown()),
	};
}

function bounded(work: Promise<void>): Promise<void> {
	return Promise.race([
		work.catch(() => undefined),
		new Promise<void>((resolve) => setTimeout(resolve, FLUSH_LIMIT_MS).unref()),
	]);
}
