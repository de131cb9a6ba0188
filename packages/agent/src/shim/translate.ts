import type { TaskEvent, TokenUsage, ToolUsage } from "@agent-evals/types";
import type { TokenUsageReporter } from "../task/token-usage.js";
import type { UiMessageLog } from "../task/ui-messages.js";
import type { Endpoint } from "./endpoints.js";
import type { CliAgentSpec, CliEvent, UsageReport } from "./spec.js";

/*
 * Turns one task's CLI events into Roo Code's events, so a runner sees a CLI agent exactly as it
 * sees our own: the transcript (text, tool asks, command output, errors), token usage with cost,
 * per-tool counts under our tool names, failed tools, and one end.
 */

const EMPTY_USAGE: TokenUsage = {
	totalTokensIn: 0,
	totalTokensOut: 0,
	totalCacheReads: 0,
	totalCacheWrites: 0,
	totalCost: 0,
	contextTokens: 0,
};

const MAX_TOOL_FIELD = 2_000;

interface OpenTool {
	name: string;
	command: boolean;
	output: string;
	outputTs?: number;
}

export interface TranslatorOptions {
	taskId: string;
	spec: Pick<CliAgentSpec, "toolName" | "commandOf">;
	endpoint: Pick<Endpoint, "provider" | "modelId" | "prices" | "pricesFromRun">;
	emit: (event: TaskEvent) => void;
	ui: UiMessageLog;
	reporter: TokenUsageReporter;
	/** What earlier runs of this task (before a resume) used; this run adds to it. */
	before?: { tokens: TokenUsage; tools: ToolUsage };
}

/** USD of a report: the run's own prices win, then what the CLI said, then the model table. */
export function costOf(report: UsageReport, endpoint: TranslatorOptions["endpoint"]): number {
	if (!endpoint.pricesFromRun && report.cost !== undefined && report.cost > 0) return report.cost;
	const prices = endpoint.prices;
	if (!prices) return report.cost ?? 0;
	const input = prices.inputPrice ?? 0;
	const uncached = Math.max(0, report.inputTokens - report.cacheReadTokens - report.cacheWriteTokens);
	return (
		(uncached * input +
			report.cacheReadTokens * (prices.cacheReadsPrice ?? input) +
			report.cacheWriteTokens * (prices.cacheWritesPrice ?? input) +
			report.outputTokens * (prices.outputPrice ?? 0)) /
		1_000_000
	);
}

function truncate(input: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(input).map(([key, value]) => [
			key,
			typeof value === "string" && value.length > MAX_TOOL_FIELD
				? `${value.slice(0, MAX_TOOL_FIELD)}… (${value.length} chars)`
				: value,
		]),
	);
}

export class EventTranslator {
	readonly tools: ToolUsage;
	private readonly before: TokenUsage;
	/** This run: the sum of per-call reports, or the CLI's own running total when it gives one. */
	private added: { usage: UsageReport; cost: number } = {
		usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
		cost: 0,
	};
	private total: { usage: UsageReport; cost: number } | undefined;
	private contextTokens = 0;
	private readonly open = new Map<string, OpenTool>();
	private textTs: number | undefined;
	private text = "";
	private outcome: { ok: boolean; text?: string; error?: string } | undefined;
	private session: string | undefined;
	private ended = false;
	private endpoint: TranslatorOptions["endpoint"];

	constructor(private readonly options: TranslatorOptions) {
		this.endpoint = options.endpoint;
		this.before = { ...EMPTY_USAGE, ...options.before?.tokens };
		this.tools = structuredClone(options.before?.tools ?? {});
	}

	/** The CLI's verdict, once it gave one. */
	get result(): { ok: boolean; text?: string; error?: string } | undefined {
		return this.outcome;
	}

	/** The model the run uses, known once the task's settings are resolved (prices for the cost). */
	setEndpoint(endpoint: TranslatorOptions["endpoint"]): void {
		this.endpoint = endpoint;
	}

	get sessionId(): string | undefined {
		return this.session;
	}

	get tokens(): TokenUsage {
		const run = this.total ?? this.added;
		return {
			totalTokensIn: this.before.totalTokensIn + run.usage.inputTokens,
			totalTokensOut: this.before.totalTokensOut + run.usage.outputTokens,
			totalCacheReads: (this.before.totalCacheReads ?? 0) + run.usage.cacheReadTokens,
			totalCacheWrites: (this.before.totalCacheWrites ?? 0) + run.usage.cacheWriteTokens,
			totalCost: this.before.totalCost + run.cost,
			contextTokens: this.contextTokens || this.before.contextTokens,
		};
	}

	handle(event: CliEvent): void {
		if (this.ended) return;
		if (event.type !== "text" || !event.delta) this.closeText();
		switch (event.type) {
			case "session":
				this.session = event.id;
				return;
			case "text":
				if (event.delta) this.appendText(event.text);
				else if (event.text.trim() !== "") this.options.ui.say("text", event.text);
				return;
			case "reasoning":
				if (event.text.trim() !== "") this.options.ui.say("reasoning", event.text);
				return;
			case "tool":
				this.toolStarted(event.id, event.name, event.input);
				return;
			case "tool_output":
				this.toolOutput(event.id, event.chunk);
				return;
			case "tool_result":
				this.toolFinished(event.id, event.output, event.failed);
				return;
			case "usage":
				this.usage(event.mode, event.usage);
				return;
			case "error":
				this.options.ui.say("error", event.message);
				return;
			case "result":
				this.outcome ??= { ok: event.ok, text: event.text, error: event.error };
				if (event.ok && event.text) this.options.ui.say("completion_result", event.text);
				if (!event.ok) this.options.ui.say("error", event.error ?? "The agent reported a failure.");
				return;
		}
	}

	/** Ends the task once: the last usage, then `taskCompleted` or `taskAborted`. */
	finish(status: "completed" | "aborted", reason?: string): void {
		if (this.ended) return;
		this.closeText();
		if (reason) this.options.ui.say("error", reason);
		this.ended = true;
		const { reporter, emit, taskId, ui } = this.options;
		reporter.update(this.tokens, this.tools);
		reporter.flush();
		reporter.dispose();
		ui.flush();
		if (status === "completed") {
			emit({
				eventName: "taskCompleted",
				payload: [taskId, this.tokens, structuredClone(this.tools), { isSubtask: false }],
			});
		} else {
			emit({ eventName: "taskAborted", payload: [taskId] });
		}
	}

	private appendText(piece: string): void {
		this.text += piece;
		if (this.textTs === undefined) this.textTs = this.options.ui.say("text", this.text, { partial: true });
		else this.options.ui.update(this.textTs, { text: this.text, partial: true });
	}

	private closeText(): void {
		if (this.textTs !== undefined) this.options.ui.update(this.textTs, { text: this.text, partial: false });
		this.textTs = undefined;
		this.text = "";
	}

	private toolStarted(id: string, cliName: string, input: Record<string, unknown>): void {
		const name = this.options.spec.toolName(cliName, input) ?? cliName;
		const counts = this.tools[name] ?? { attempts: 0, failures: 0 };
		counts.attempts++;
		this.tools[name] = counts;
		const command = name === "execute_command";
		this.open.set(id, { name, command, output: "" });
		if (command) this.options.ui.ask("command", this.options.spec.commandOf?.(input) ?? JSON.stringify(input));
		else this.options.ui.ask("tool", JSON.stringify({ tool: name, ...truncate(input) }));
		this.options.reporter.update(this.tokens, this.tools);
	}

	private toolOutput(id: string, chunk: string): void {
		const tool = this.open.get(id);
		if (!tool?.command || chunk === "") return;
		tool.output += chunk;
		if (tool.outputTs === undefined)
			tool.outputTs = this.options.ui.say("command_output", tool.output, { partial: true });
		else this.options.ui.update(tool.outputTs, { text: tool.output, partial: true });
	}

	private toolFinished(id: string, output: string, failed: boolean): void {
		const tool = this.open.get(id);
		if (!tool) return;
		this.open.delete(id);
		if (tool.command) {
			if (tool.outputTs !== undefined)
				this.options.ui.update(tool.outputTs, { text: output || tool.output, partial: false });
			else if (output !== "") this.options.ui.say("command_output", output);
		}
		if (failed) {
			const counts = this.tools[tool.name];
			if (counts) counts.failures++;
			const message = output.trim() || "failed";
			this.options.ui.say("error", `${tool.name}: ${message}`);
			this.options.emit({ eventName: "taskToolFailed", payload: [this.options.taskId, tool.name, message] });
		}
		this.options.reporter.update(this.tokens, this.tools);
	}

	private usage(mode: "add" | "total" | "session", report: UsageReport): void {
		if (mode === "session") {
			// This run's part of the session's total: what the task's earlier runs recorded is
			// already in `before` (a run stopped before it reported leaves its part to this one).
			const run: UsageReport = {
				inputTokens: Math.max(0, report.inputTokens - this.before.totalTokensIn),
				outputTokens: Math.max(0, report.outputTokens - this.before.totalTokensOut),
				cacheReadTokens: Math.max(0, report.cacheReadTokens - (this.before.totalCacheReads ?? 0)),
				cacheWriteTokens: Math.max(0, report.cacheWriteTokens - (this.before.totalCacheWrites ?? 0)),
			};
			this.total = { usage: run, cost: costOf(run, this.endpoint) };
			this.options.reporter.update(this.tokens, this.tools);
			return;
		}
		const cost = costOf(report, this.endpoint);
		if (mode === "total") {
			this.total = { usage: { ...report }, cost };
		} else {
			const sum = this.added.usage;
			sum.inputTokens += report.inputTokens;
			sum.outputTokens += report.outputTokens;
			sum.cacheReadTokens += report.cacheReadTokens;
			sum.cacheWriteTokens += report.cacheWriteTokens;
			this.added.cost += cost;
			this.contextTokens = report.inputTokens + report.outputTokens;
			// One model call, as our agent reports each request.
			this.options.ui.say(
				"api_req_started",
				JSON.stringify({
					provider: this.endpoint.provider,
					model: this.endpoint.modelId,
					tokensIn: report.inputTokens,
					tokensOut: report.outputTokens,
					cacheReads: report.cacheReadTokens,
					cacheWrites: report.cacheWriteTokens,
					cost,
				}),
			);
		}
		this.options.reporter.update(this.tokens, this.tools);
	}
}
