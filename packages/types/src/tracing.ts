// W3C trace context as it crosses the IPC boundary, and the dashboard's link to a trace viewer.
// No zod and no OpenTelemetry here: the agent parses, the runner formats, the web builds links.

/** The parts of a `traceparent` header (https://www.w3.org/TR/trace-context/). */
export interface TraceParent {
	/** 32 lowercase hex digits, not all zero. */
	traceId: string;
	/** 16 lowercase hex digits, not all zero: the parent span. */
	spanId: string;
	/** Bit 0 is "sampled". */
	traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/** `00-<trace id>-<span id>-<flags>`, the version this code speaks. */
export function formatTraceparent(parent: TraceParent): string {
	const flags = (parent.traceFlags & 0xff).toString(16).padStart(2, "0");
	return `00-${parent.traceId}-${parent.spanId}-${flags}`;
}

/**
 * The trace context in a `traceparent`, or undefined when it is not a valid one: version `ff`
 * and all-zero ids are invalid by the specification, and an invalid parent must start a new
 * trace rather than join a broken one.
 */
export function parseTraceparent(text: string | undefined): TraceParent | undefined {
	const match = TRACEPARENT.exec(text?.trim() ?? "");
	if (!match) return undefined;
	const [, version, traceId = "", spanId = "", flags = ""] = match;
	if (version === "ff" || ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
	return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** Where `EVALS_TRACE_URL`'s template puts the trace id. */
export const TRACE_ID_PLACEHOLDER = "{traceId}";

/**
 * A trace viewer's page for `traceId`, from a template such as
 * `http://localhost:16686/trace/{traceId}`; undefined without a usable template (it must be an
 * http(s) URL holding the placeholder) or trace id.
 */
export function traceLink(template: string | null | undefined, traceId: string | null | undefined): string | undefined {
	if (!template || !traceId || !isTraceUrlTemplate(template)) return undefined;
	return template.split(TRACE_ID_PLACEHOLDER).join(encodeURIComponent(traceId));
}

export function isTraceUrlTemplate(template: string): boolean {
	if (!template.includes(TRACE_ID_PLACEHOLDER)) return false;
	try {
		const url = new URL(template.split(TRACE_ID_PLACEHOLDER).join("0"));
		return url.protocol === "http:" || url.protocol === "https:";
	} catch {
		return false;
	}
}
