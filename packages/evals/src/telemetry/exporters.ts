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
