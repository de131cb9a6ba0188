import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-node";

/*
 * Span delivery as both processes that trace (the runner and evals-agent) report it: one
 * warning, never a failure, and never a credential from the endpoint's URL.
 */

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
