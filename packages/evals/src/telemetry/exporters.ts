import type { HrTime } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/**
 * `--otel console`: one line per span on stderr, readable in a terminal and never mixed into
 * stdout, which may carry `--json`. Children end before their parents, so lines come leaf first.
 */
export class LineSpanExporter implements SpanExporter {
	constructor(private readonly write: (line: string) => void) {}

	export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
		for (const span of spans) this.write(`${spanLine(span)}\n`);
		done({ code: ExportResultCode.SUCCESS });
	}

	async shutdown(): Promise<void> {}
}

/** `otel <trace id> <span id> ← <parent span id> <name> <ms> ms [ERROR: message] {attributes}` */
export function spanLine(span: ReadableSpan): string {
	const { traceId, spanId } = span.spanContext();
	const parent = span.parentSpanContext?.spanId ?? "root";
	const status = span.status.code === 2 ? ` ERROR${span.status.message ? `: ${span.status.message}` : ""}` : "";
	return `otel ${traceId} ${spanId} ← ${parent} ${span.name} ${milliseconds(span.duration)} ms${status} ${JSON.stringify(span.attributes)}`;
}

function milliseconds([seconds, nanos]: HrTime): string {
	return (seconds * 1000 + nanos / 1e6).toFixed(1);
}

/**
 * Tells the user once that spans cannot be delivered (a collector that is down, a wrong
 * endpoint), then stays quiet: tracing trouble must cost a warning line, never a task, and
 * never a line per batch.
 */
export class ReportingExporter implements SpanExporter {
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
				const why = result.error?.message || "no reason given";
				this.warn(`tracing: cannot send spans to ${this.destination} (${why}); tasks go on without them`);
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

/** A URL as it may be shown: credentials in it are dropped. */
export function shownUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = "";
		parsed.password = "";
		return parsed.toString();
	} catch {
		return "(an invalid URL)";
	}
}
