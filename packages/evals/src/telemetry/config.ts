import { type OtelMode, otelModes } from "@agent-evals/types";

/*
 * Where a run's spans go, decided from the run's mode and the standard OTEL_* variables. Pure:
 * no OpenTelemetry is loaded here, so a run with tracing off never loads the SDK.
 */

/** Jaeger's OTLP/HTTP receiver on this machine, where `--otel jaeger` sends spans. */
export const JAEGER_OTLP_ENDPOINT = "http://127.0.0.1:4318";
/** The OTLP/HTTP default (the specification's) when no endpoint variable is set. */
export const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";
export const DEFAULT_SERVICE_NAME = "evals";

export type TraceExport =
	/** OTLP over HTTP (protobuf) to a traces URL (`…/v1/traces`). */
	| { kind: "otlp"; url: string; serviceName: string }
	/** One line per span on stderr (stdout may carry `--json`). */
	| { kind: "console"; serviceName: string };

/** A mistake in EVALS_OTEL or an OTEL_* variable: the user's, said in one line. */
export class TraceConfigError extends Error {
	override readonly name = "TraceConfigError";
}

/** The run's mode as asked, else $EVALS_OTEL, else off. */
export function otelModeFor(asked: OtelMode | undefined, env: NodeJS.ProcessEnv): OtelMode {
	if (asked) return asked;
	const fromEnv = env.EVALS_OTEL?.trim().toLowerCase();
	if (!fromEnv) return "off";
	if (!(otelModes as readonly string[]).includes(fromEnv)) {
		throw new TraceConfigError(`EVALS_OTEL is "${env.EVALS_OTEL}": use one of ${otelModes.join(", ")}.`);
	}
	return fromEnv as OtelMode;
}

/**
 * Where spans of a run in `mode` go, or undefined for off. `otlp` follows the specification's
 * variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the traces URL as is, OTEL_EXPORTER_OTLP_ENDPOINT
 * a base that `/v1/traces` is appended to. Headers are left to the exporter, which reads
 * OTEL_EXPORTER_OTLP_HEADERS itself: they never pass through our code or the store.
 */
export function traceExportFor(mode: OtelMode, env: NodeJS.ProcessEnv): TraceExport | undefined {
	const serviceName = env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME;
	switch (mode) {
		case "off":
			return undefined;
		case "console":
			return { kind: "console", serviceName };
		case "jaeger":
			return { kind: "otlp", url: tracesUrl(JAEGER_OTLP_ENDPOINT), serviceName };
		case "otlp": {
			const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
			if (traces) return { kind: "otlp", url: httpUrl(traces, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), serviceName };
			const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_OTLP_ENDPOINT;
			return { kind: "otlp", url: tracesUrl(httpUrl(base, "OTEL_EXPORTER_OTLP_ENDPOINT")), serviceName };
		}
	}
}

function tracesUrl(base: string): string {
	return `${base.replace(/\/+$/, "")}/v1/traces`;
}

function httpUrl(value: string, variable: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new TraceConfigError(`${variable} is not a URL: "${value}".`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new TraceConfigError(`${variable} must be an http(s) URL (OTLP over HTTP), not "${value}".`);
	}
	return value;
}
