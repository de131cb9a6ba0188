import { parseTraceparent, type TaskContext } from "@agent-evals/types";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "../log.js";
import { evalAttributes } from "./attributes.js";
import type { AgentTracing } from "./sdk.js";

/** What the agent calls itself in traces unless OTEL_SERVICE_NAME says otherwise. */
export const AGENT_SERVICE_NAME = "evals-agent";
/** A collector that does not answer may hold back the end of a task this long at most. */
const FLUSH_LIMIT_MS = 3_000;

/**
 * Where the agent sends spans, or undefined when it should not trace: only when a runner gave a
 * valid traceparent *and* there is an OTLP endpoint, from SetTaskContext or the standard
 * variables (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces).
 */
export function tracesEndpoint(
	context: Pick<TaskContext, "traceparent" | "otlpEndpoint">,
	env: NodeJS.ProcessEnv,
): string | undefined {
	if (!parseTraceparent(context.traceparent)) return undefined;
	if (context.otlpEndpoint) return context.otlpEndpoint;
	const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
	if (traces) return traces;
	const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
	return base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
}

/**
 * The agent process's tracing: off until a SetTaskContext asks for it, then the SDK is loaded
 * (once; the first endpoint stays for the life of the process) and every span carries that
 * context's run and task. Failures only ever reach the log.
 */
export class AgentTelemetry {
	private tracing: Promise<AgentTracing | undefined> | undefined;

	constructor(
		private readonly env: NodeJS.ProcessEnv,
		private readonly log: Logger,
	) {}

	/** Takes a SetTaskContext: starts tracing if it asks for it, and names the run and task. */
	configure(context: TaskContext): void {
		const url = tracesEndpoint(context, this.env);
		if (url && !this.tracing) {
			const serviceName = this.env.OTEL_SERVICE_NAME?.trim() || AGENT_SERVICE_NAME;
			this.tracing = import("./sdk.js").then(
				({ startTracing }) => startTracing({ url, serviceName, warn: (message) => this.log.log("warn", message) }),
				(error: unknown) => {
					this.log.log("error", `tracing is off: ${error instanceof Error ? error.message : String(error)}`);
					return undefined;
				},
			);
			this.log.log("info", `tracing to ${url}`);
		}
		void this.tracing?.then((tracing) => tracing?.setAttributes(evalAttributes(context)));
	}

	/** The tracer for a task about to start; undefined when it is not traced. */
	async tracer(context: TaskContext | undefined): Promise<Tracer | undefined> {
		if (!context || !parseTraceparent(context.traceparent)) return undefined;
		return (await this.tracing)?.tracer;
	}

	/** Sends every ended span; never throws, never waits long. */
	flush(): Promise<void> {
		return this.bounded((tracing) => tracing.flush());
	}

	shutdown(): Promise<void> {
		return this.bounded((tracing) => tracing.shutdown());
	}

	private async bounded(work: (tracing: AgentTracing) => Promise<void>): Promise<void> {
		const tracing = await this.tracing;
		if (!tracing) return;
		await Promise.race([
			// A failed export was already reported, once, by the exporter: nothing to add per flush.
			work(tracing).catch(() => undefined),
			new Promise<void>((resolve) => setTimeout(resolve, FLUSH_LIMIT_MS).unref()),
		]);
	}
}
