import { randomUUID } from "node:crypto";
import {
	type ClineMessage,
	isKnownToolName,
	type QueuedMessage,
	type Settings,
	type TaskContext,
	type TaskEvent,
	type TokenUsage,
	type ToolUsage,
} from "@agent-evals/types";
import type { Tracer } from "@opentelemetry/api";
import { type AssistantContent, type ModelMessage, streamText, type ToolSet, type UserContent } from "ai";
import { limitsFrom, type TaskLimits } from "../config/defaults.js";
import type { Logger } from "../log.js";
import { costOf, usageFromAiSdk } from "../providers/cost.js";
import { withRetries } from "../providers/retry.js";
import type { ResolvedModel, TurnUsage } from "../providers/types.js";
import type { CommandSandbox } from "../sandbox/from-env.js";
import { TaskSpans } from "../telemetry/spans.js";
import { findTool, runTool, toolDescriptorsForModel, toolSchemasForModel } from "../tools/registry.js";
import type { ToolDefinition, ToolResult } from "../tools/types.js";
import { trimToFit } from "./context-window.js";
import { type TaskMetadata, type TaskStatus, TaskStorage } from "./storage.js";
import { buildSystemPrompt } from "./system-prompt.js";
import { TokenUsageReporter } from "./token-usage.js";
import { UiMessageLog } from "./ui-messages.js";

export interface TaskOptions {
	workspace: string;
	storageRoot: string;
	settings: Settings;
	model: ResolvedModel;
	/**
	 * Continues the task when the model fails in a way retries do not fix (retries exhausted, an
	 * error that is not retried such as a rejected key). Used once: a failing fallback ends the task.
	 */
	fallback?: ResolvedModel;
	tools: ToolDefinition[];
	/** Extra system prompt sections (the MCP servers and their tools). */
	promptSections?: string[];
	emit: (event: TaskEvent) => void;
	log: Logger;
	context?: TaskContext;
	/** Overrides of the limits derived from settings (tests). */
	limits?: Partial<TaskLimits>;
	tokenUsageIntervalMs?: number;
	/** Set when the runner asked for a trace: turns, model calls and tool calls become spans. */
	tracer?: Tracer;
	/** Sends the spans; awaited before the task's last event, after which the runner may stop us. */
	flushTelemetry?: () => Promise<void>;
	/** Where execute_command runs commands (the runner's sandbox); unset: plain child processes. */
	commandSandbox?: CommandSandbox;
}

interface ToolCall {
	toolCallId: string;
	toolName: string;
	input: unknown;
}

interface ModelTurn {
	text: string;
	reasoning: string;
	toolCalls: ToolCall[];
	usage: TurnUsage;
}

/** Thrown inside the loop to end the task as aborted, with the reason shown to the user. */
class TaskStop extends Error {}

const EMPTY_USAGE: TokenUsage = {
	totalTokensIn: 0,
	totalTokensOut: 0,
	totalCacheWrites: 0,
	totalCacheReads: 0,
	totalCost: 0,
	contextTokens: 0,
};

const INTERRUPTED = "The task was interrupted before this tool call finished; its effect is unknown.";
const RESUMED =
	"[TASK RESUMPTION] This task was interrupted and has been resumed in a new session. A command may not have finished and files may be half-written: check the current state of the workspace, then continue the task.";
const NO_TOOL_USED =
	"[ERROR] You did not call a tool. Every message must call a tool: keep working with the tools, or call attempt_completion if the task is done.";

/**
 * One coding task: the conversation with the model, the tool calls, the events that report them
 * and the files that let another process resume it. The loop knows nothing of sockets; it emits
 * TaskEvents through `emit`.
 */
export class Task {
	readonly taskId: string;
	status: TaskStatus = "running";
	private readonly options: TaskOptions;
	private readonly limits: TaskLimits;
	private readonly storage: TaskStorage;
	private readonly ui: UiMessageLog;
	private readonly reporter: TokenUsageReporter;
	private readonly toolSet: ToolSet;
	private readonly system: string;
	/** System prompt plus tool definitions: sent with every request, so part of the budget. */
	private readonly fixedPromptText: string;
	private history: ModelMessage[];
	private tokenUsage: TokenUsage;
	private toolUsage: ToolUsage;
	private turns: number;
	private mistakes = 0;
	private readonly abort = new AbortController();
	private commandAbort: AbortController | undefined;
	private readonly queued: QueuedMessage[] = [];
	private metadata: TaskMetadata;
	private finished: Promise<TaskStatus> | undefined;
	private readonly spans: TaskSpans;
	/** The model requests go to: the primary until it fails for good, then the fallback. */
	private model: ResolvedModel;

	private constructor(
		options: TaskOptions,
		state: { metadata: TaskMetadata; history: ModelMessage[]; ui: ClineMessage[] },
	) {
		this.options = options;
		this.model = state.metadata.onFallback && options.fallback ? options.fallback : options.model;
		this.taskId = state.metadata.taskId;
		this.metadata = state.metadata;
		this.limits = { ...limitsFrom(options.settings), ...options.limits };
		this.storage = new TaskStorage(options.storageRoot, this.taskId);
		this.history = state.history;
		this.tokenUsage = { ...EMPTY_USAGE, ...state.metadata.tokenUsage };
		this.toolUsage = structuredClone(state.metadata.toolUsage);
		this.turns = state.metadata.turns;
		this.ui = new UiMessageLog(
			this.taskId,
			(payload) => this.emit({ eventName: "message", payload: [payload] }),
			(messages) =>
				void this.storage.saveUiMessages(messages).catch((error) => this.logError("saving ui messages", error)),
			state.ui,
		);
		this.reporter = new TokenUsageReporter(
			(usage, tools) => this.emit({ eventName: "taskTokenUsageUpdated", payload: [this.taskId, usage, tools] }),
			options.tokenUsageIntervalMs,
		);
		this.toolSet = toolSchemasForModel(options.tools);
		this.system = buildSystemPrompt({
			workspace: options.workspace,
			tools: options.tools,
			customInstructions: options.settings.customInstructions,
			sections: options.promptSections,
		});
		this.fixedPromptText = this.system + JSON.stringify(toolDescriptorsForModel(options.tools));
		this.spans = new TaskSpans(options.tracer, options.context, this.taskId);
	}

	/** A new task; emits `taskCreated`. Call `start` to run it. */
	static create(options: TaskOptions, text: string): Task {
		const now = Date.now();
		const task = new Task(options, {
			metadata: {
				taskId: randomUUID(),
				text,
				workspace: options.workspace,
				createdAt: now,
				updatedAt: now,
				status: "running",
				settings: options.settings,
				tokenUsage: { ...EMPTY_USAGE },
				toolUsage: {},
				turns: 0,
			},
			history: [],
			ui: [],
		});
		task.emit({ eventName: "taskCreated", payload: [task.taskId] });
		return task;
	}

	/** A task read back from storage, ready for `resume`; emits `taskCreated`. */
	static async load(options: TaskOptions, taskId: string): Promise<Task> {
		const stored = await new TaskStorage(options.storageRoot, taskId).load();
		const task = new Task(options, { metadata: stored.metadata, history: stored.apiHistory, ui: stored.uiMessages });
		task.emit({ eventName: "taskCreated", payload: [task.taskId] });
		return task;
	}

	/** Runs the task to its end. Never throws: failures end the task as aborted. */
	start(text: string, images: string[] = []): Promise<TaskStatus> {
		this.finished ??= this.run(async () => {
			this.ui.say("text", text, images.length > 0 ? { images } : {});
			const content: UserContent = [
				{ type: "text", text: `<task>\n${text}\n</task>\n\n${await this.environmentDetails()}` },
				...images.map((image) => ({ type: "image" as const, image })),
			];
			this.history.push({ role: "user", content });
			await this.persist();
		});
		return this.finished;
	}

	/** Continues a loaded task where it stopped. */
	resume(): Promise<TaskStatus> {
		this.finished ??= this.run(async () => {
			this.ui.ask("resume_task");
			const last = this.history.at(-1);
			if (last?.role === "assistant" && Array.isArray(last.content)) {
				const calls = last.content.filter((part) => part.type === "tool-call");
				if (calls.length > 0) {
					this.history.push({
						role: "tool",
						content: calls.map((call) => ({
							type: "tool-result" as const,
							toolCallId: call.toolCallId,
							toolName: call.toolName,
							output: { type: "error-text" as const, value: INTERRUPTED },
						})),
					});
				}
			}
			this.history.push({ role: "user", content: RESUMED });
			await this.persist();
		});
		return this.finished;
	}

	/** Stops the model stream and any running command at once; the task ends as aborted. */
	cancel(reason = "Task cancelled"): void {
		if (!this.abort.signal.aborted) this.abort.abort(new TaskStop(reason));
	}

	/** Stops the running command only; the task goes on with its (partial) output. */
	cancelCommand(): boolean {
		if (!this.commandAbort) return false;
		this.commandAbort.abort(new Error("Command cancelled by the user"));
		return true;
	}

	/**
	 * Adds a user message for the next turn; returns its id. The id reaches the runner in
	 * `queuedMessagesUpdated`, which is how it can name the message in DeleteQueuedMessage.
	 */
	queueMessage(text: string, images?: string[]): string {
		const id = randomUUID();
		this.queued.push({ timestamp: Date.now(), id, text, ...(images?.length ? { images } : {}) });
		this.queueChanged();
		return id;
	}

	deleteQueuedMessage(id: string): boolean {
		const index = this.queued.findIndex((message) => message.id === id);
		if (index === -1) return false;
		this.queued.splice(index, 1);
		this.queueChanged();
		return true;
	}

	/** Adds a message from outside the loop (MCP telemetry) to the transcript and the event stream. */

	get isRunning(): boolean {
		return this.status === "running";
	}

	get done(): Promise<TaskStatus> | undefined {
		return this.finished;
	}

	get usage(): { tokenUsage: TokenUsage; toolUsage: ToolUsage } {
		return { tokenUsage: { ...this.tokenUsage }, toolUsage: structuredClone(this.toolUsage) };
	}

	private async run(prepare: () => Promise<void>): Promise<TaskStatus> {
		this.status = "running";
		this.emit({ eventName: "taskStarted", payload: [this.taskId] });
		try {
			await prepare();
			const result = await this.loop();
			this.spans.endTurn();
			return await this.finish("completed", result);
		} catch (error) {
			const reason = this.abort.signal.aborted ? (this.abort.signal.reason as Error).message : describe(error);
			this.spans.endTurn(reason);
			if (!(error instanceof TaskStop) && !this.abort.signal.aborted) this.logError("task failed", error);
			this.ui.say("error", reason);
			return await this.finish("aborted", undefined);
		}
	}

	private async loop(): Promise<string> {
		for (;;) {
			this.throwIfCancelled();
			if (this.turns >= this.limits.maxTurns) {
				throw new TaskStop(`Stopped after ${this.turns} model requests (limit ${this.limits.maxTurns}).`);
			}
			if (this.limits.maxCost !== undefined && this.tokenUsage.totalCost >= this.limits.maxCost) {
				throw new TaskStop(
					`Stopped at a cost of $${this.tokenUsage.totalCost.toFixed(4)} (limit $${this.limits.maxCost}).`,
				);
			}
			this.takeQueuedMessages();
			this.spans.beginTurn(this.turns + 1);
			const turn = await this.callModel();
			this.turns++;
			this.history.push(assistantMessage(turn));

			if (turn.toolCalls.length === 0) {
				this.history.push({ role: "user", content: NO_TOOL_USED });
				await this.persist();
				this.countMistake(true);
				continue;
			}

			const results: { call: ToolCall; result: ToolResult }[] = [];
			let completion: string | undefined;
			for (const call of turn.toolCalls) {
				if (completion !== undefined || this.abort.signal.aborted) {
					results.push({
						call,
						result: { ok: false, output: "Not run: the task had already finished or was cancelled." },
					});
					continue;
				}
				const result = await this.runToolCall(call);
				results.push({ call, result });
				if (result.completion !== undefined) completion = result.completion;
			}
			this.history.push({
				role: "tool",
				content: results.map(({ call, result }) => ({
					type: "tool-result" as const,
					toolCallId: call.toolCallId,
					toolName: call.toolName,
					output: result.ok
						? { type: "text" as const, value: result.output }
						: { type: "error-text" as const, value: result.output },
				})),
			});
			await this.persist();
			this.throwIfCancelled();
			if (completion !== undefined) return completion;
			this.countMistake(results.some(({ result }) => !result.ok));
		}
	}

	private countMistake(mistake: boolean): void {
		this.mistakes = mistake ? this.mistakes + 1 : 0;
		if (this.limits.mistakeLimit > 0 && this.mistakes >= this.limits.mistakeLimit) {
			this.ui.ask("mistake_limit_reached", `${this.mistakes} consecutive mistakes`);
			throw new TaskStop(`Stopped after ${this.mistakes} consecutive mistakes (limit ${this.limits.mistakeLimit}).`);
		}
	}

	private async callModel(): Promise<ModelTurn> {
		try {
			return await this.requestTurn();
		} catch (error) {
			const fallback = this.options.fallback;
			if (!fallback || this.model === fallback || this.abort.signal.aborted) throw error;
			// The same request again on the fallback, said in the transcript; its api_req_started
			// names the fallback, so the runner keeps each model's tokens and cost apart.
			this.ui.say(
				"api_req_retried",
				`The model ${this.model.providerId}:${this.model.modelId} failed (${describe(error)}); continuing with the fallback model ${fallback.providerId}:${fallback.modelId}.`,
			);
			this.options.log.log("warn", `task ${this.taskId}: switching to the fallback model after: ${describe(error)}`);
			this.model = fallback;
			this.metadata.onFallback = true;
			return this.requestTurn();
		}
	}

	private async requestTurn(): Promise<ModelTurn> {
		const { model } = this;
		const budget = model.info.contextWindow - Math.min(model.info.maxTokens, model.info.contextWindow / 4);
		const trimmed = trimToFit(this.history, budget, this.fixedPromptText);
		if (trimmed.removed > 0) {
			this.history = trimmed.messages;
			this.ui.say("condense_context", `Removed ${trimmed.removed} earlier messages to fit the context window.`);
		}
		const requestTs = this.ui.say(
			"api_req_started",
			JSON.stringify({ provider: model.providerId, model: model.modelId }),
		);
		const turn = await this.spans.inTurn(() =>
			withRetries(() => this.streamTurn(), {
				signal: this.abort.signal,
				maxRetries: 3,
				onRetry: ({ attempt, delayMs, error, status }) => {
					// The status first, as Roo Code's provider errors have it ("429 …"): a runner
					// (the observer's rate-limit detector) can tell a rate limit from an outage.
					this.ui.say(
						"api_req_retry_delayed",
						`${status === undefined ? "" : `HTTP ${status}: `}${describe(error)}\nRetry ${attempt} in ${Math.ceil(delayMs / 1000)} s.`,
					);
				},
			}),
		);
		const cost = costOf(turn.usage, model.info);
		this.addUsage(turn.usage, cost);
		this.ui.update(requestTs, {
			text: JSON.stringify({
				provider: model.providerId,
				model: model.modelId,
				tokensIn: turn.usage.inputTokens,
				tokensOut: turn.usage.outputTokens,
				cacheWrites: turn.usage.cacheWriteTokens,
				cacheReads: turn.usage.cacheReadTokens,
				cost,
			}),
		});
		return turn;
	}

	/** One model call, streamed into partial UI messages. Errors propagate for retry. */
	private async streamTurn(): Promise<ModelTurn> {
		const { model } = this;
		const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.limits.apiRequestTimeoutMs)]);
		const result = streamText({
			model: model.model,
			system: this.system,
			messages: this.history,
			tools: this.toolSet,
			maxRetries: 0,
			abortSignal: signal,
			maxOutputTokens: this.options.settings.modelMaxTokens ?? model.info.maxTokens,
			temperature: this.options.settings.modelTemperature ?? undefined,
			experimental_telemetry: this.spans.modelTelemetry(),
			onError: () => {
				// Errors are read from the stream below; without this the SDK also logs them.
			},
		});
		let text = "";
		let reasoning = "";
		let textTs: number | undefined;
		let reasoningTs: number | undefined;
		const toolCalls: ToolCall[] = [];
		let usage: TurnUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
		try {
			for await (const part of result.fullStream) {
				switch (part.type) {
					case "text-delta":
						text += part.text;
						if (textTs === undefined) textTs = this.ui.say("text", text, { partial: true });
						else this.ui.update(textTs, { text, partial: true });
						break;
					case "reasoning-delta":
						reasoning += part.text;
						if (reasoningTs === undefined) reasoningTs = this.ui.say("reasoning", reasoning, { partial: true });
						else this.ui.update(reasoningTs, { text: reasoning, partial: true });
						break;
					case "tool-call":
						toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
						break;
					case "finish-step":
						usage = usageFromAiSdk(part.usage, part.providerMetadata);
						break;
					case "error":
						throw part.error;
					case "abort":
						throw this.abort.signal.aborted ? this.abort.signal.reason : new Error("The model request timed out.");
				}
			}
		} finally {
			if (textTs !== undefined) this.ui.update(textTs, { text, partial: false });
			if (reasoningTs !== undefined) this.ui.update(reasoningTs, { text: reasoning, partial: false });
		}
		return { text, reasoning, toolCalls, usage };
	}

	private async runToolCall(call: ToolCall): Promise<ToolResult> {
		// ToolUsage and taskToolFailed carry Roo Code's tool names only: its schema rejects any
		// other, so a Roo Code runner would drop the whole event. A name the model made up is
		// still an error in the transcript and a mistake, but it is not counted per tool.
		const reportable = isKnownToolName(call.toolName);
		const counts = this.toolUsage[call.toolName] ?? { attempts: 0, failures: 0 };
		if (reportable) this.toolUsage[call.toolName] = counts;
		counts.attempts++;
		const tool = findTool(call.toolName, this.options.tools);
		const input = (typeof call.input === "object" && call.input !== null ? call.input : {}) as Record<string, unknown>;
		let outputTs: number | undefined;
		let output = "";
		this.commandAbort = new AbortController();
		const signal = AbortSignal.any([this.abort.signal, this.commandAbort.signal]);
		switch (call.toolName) {
			case "execute_command":
				this.ui.ask("command", String(input.command ?? ""));
				break;
			case "ask_followup_question":
				this.ui.ask("followup", JSON.stringify({ question: input.question, suggest: input.follow_up }));
				break;
			case "attempt_completion":
				break;
			case "use_mcp_tool":
			case "access_mcp_resource":
				// Roo Code's transcript of an MCP call: the request, then that it started; the
				// result text follows as mcp_server_response.
				this.ui.ask("use_mcp_server", JSON.stringify(mcpServerUse(call.toolName, input)));
				this.ui.say("mcp_server_request_started", "");
				break;
			default:
				this.ui.ask("tool", JSON.stringify(toolSummary(call.toolName, input)));
		}
		const toolSpan = this.spans.startTool(call);
		let result: ToolResult;
		if (!tool) {
			result = {
				ok: false,
				output: `Unknown tool "${call.toolName}". Available tools: ${this.options.tools.map((t) => t.name).join(", ")}.`,
			};
		} else {
			result = await toolSpan.run(() =>
				runTool(tool, call.input, {
					workspace: this.options.workspace,
					signal,
					commandTimeoutMs: this.limits.commandTimeoutMs,
					maxOutputChars: this.limits.maxToolOutputChars,
					log: this.options.log,
					...(this.options.commandSandbox ? { sandbox: this.options.commandSandbox } : {}),
					onProgress: (chunk) => {
						output += chunk;
						if (outputTs === undefined) outputTs = this.ui.say("command_output", output, { partial: true });
						else this.ui.update(outputTs, { text: output, partial: true });
					},
				}),
			);
		}
		toolSpan.end(result);
		this.commandAbort = undefined;
		if (outputTs !== undefined) this.ui.update(outputTs, { text: output, partial: false });
		if (call.toolName === "ask_followup_question") this.ui.say("user_feedback", result.output);
		if (call.toolName === "use_mcp_tool" || call.toolName === "access_mcp_resource") {
			this.ui.say("mcp_server_response", result.ok ? result.output : `Error:\n${result.output}`);
		}
		if (result.completion !== undefined) this.ui.say("completion_result", result.completion);
		if (!result.ok) {
			counts.failures++;
			this.ui.say("error", `${call.toolName}: ${result.output}`);
			if (reportable) this.emit({ eventName: "taskToolFailed", payload: [this.taskId, call.toolName, result.output] });
		}
		this.reporter.update(this.tokenUsage, this.toolUsage);
		return result;
	}

	private addUsage(usage: TurnUsage, cost: number): void {
		const total = this.tokenUsage;
		total.totalTokensIn += usage.inputTokens;
		total.totalTokensOut += usage.outputTokens;
		total.totalCacheReads = (total.totalCacheReads ?? 0) + usage.cacheReadTokens;
		total.totalCacheWrites = (total.totalCacheWrites ?? 0) + usage.cacheWriteTokens;
		total.totalCost += cost;
		total.contextTokens = usage.inputTokens + usage.outputTokens;
		this.reporter.update(this.tokenUsage, this.toolUsage);
	}

	/** Every change of the queue is sent whole, as Roo Code does, so a runner can mirror it. */
	private queueChanged(): void {
		this.emit({ eventName: "queuedMessagesUpdated", payload: [this.taskId, this.queued.map((m) => ({ ...m }))] });
	}

	private takeQueuedMessages(): void {
		if (this.queued.length === 0) return;
		const taken = this.queued.splice(0);
		this.queueChanged();
		for (const message of taken) {
			this.ui.say("user_feedback", message.text, message.images?.length ? { images: message.images } : {});
			this.history.push({
				role: "user",
				content: [
					{ type: "text", text: message.text },
					...(message.images ?? []).map((image) => ({ type: "image" as const, image })),
				],
			});
		}
	}

	private async environmentDetails(): Promise<string> {
		const listTool = findTool("list_files", this.options.tools);
		let files = "";
		if (listTool) {
			const listing = await runTool(
				listTool,
				{ path: ".", recursive: true },
				{
					workspace: this.options.workspace,
					signal: this.abort.signal,
					commandTimeoutMs: this.limits.commandTimeoutMs,
					maxOutputChars: 10_000,
					log: this.options.log,
				},
			);
			if (listing.ok) files = `\n# Workspace files\n${listing.output}`;
		}
		return `<environment_details>\n# Workspace\n${this.options.workspace}${files}\n</environment_details>`;
	}

	private async finish(status: TaskStatus, completion: string | undefined): Promise<TaskStatus> {
		this.status = status;
		this.reporter.update(this.tokenUsage, this.toolUsage);
		this.reporter.flush();
		this.reporter.dispose();
		this.ui.flush();
		await this.persist().catch((error) => this.logError("saving the task", error));
		await this.storage.flush();
		await this.options.flushTelemetry?.();
		if (status === "completed") {
			this.emit({
				eventName: "taskCompleted",
				payload: [this.taskId, { ...this.tokenUsage }, structuredClone(this.toolUsage), { isSubtask: false }],
			});
		} else {
			this.emit({ eventName: "taskAborted", payload: [this.taskId] });
		}
		this.options.log.log("info", `task ${this.taskId} ${status}${completion ? `: ${completion}` : ""}`);
		return status;
	}

	private async persist(): Promise<void> {
		this.metadata = {
			...this.metadata,
			updatedAt: Date.now(),
			status: this.status,
			tokenUsage: { ...this.tokenUsage },
			toolUsage: structuredClone(this.toolUsage),
			turns: this.turns,
		};
		await Promise.all([this.storage.saveApiHistory(this.history), this.storage.saveMetadata(this.metadata)]);
		this.ui.flush();
	}

	private throwIfCancelled(): void {
		if (this.abort.signal.aborted) throw this.abort.signal.reason;
	}

	private emit(event: TaskEvent): void {
		try {
			this.options.emit(event);
		} catch (error) {
			this.logError(`emitting ${event.eventName}`, error);
		}
	}

	private logError(what: string, error: unknown): void {
		this.options.log.log("error", `task ${this.taskId}: ${what}: ${describe(error)}`);
	}
}

function assistantMessage(turn: ModelTurn): ModelMessage {
	const content: Exclude<AssistantContent, string> = [];
	if (turn.reasoning) content.push({ type: "reasoning", text: turn.reasoning });
	if (turn.text) content.push({ type: "text", text: turn.text });
	for (const call of turn.toolCalls) {
		content.push({ type: "tool-call", toolCallId: call.toolCallId, toolName: call.toolName, input: call.input });
	}
	if (content.length === 0) content.push({ type: "text", text: "(no response)" });
	return { role: "assistant", content };
}

/** What the UI shows of a tool call: the small arguments, not whole file contents. */
/** The `use_mcp_server` ask as Roo Code writes it: the arguments as JSON text. */
function mcpServerUse(tool: "use_mcp_tool" | "access_mcp_resource", input: Record<string, unknown>) {
	const args = input.arguments;
	return {
		type: tool,
		serverName: input.server_name,
		...(tool === "use_mcp_tool"
			? { toolName: input.tool_name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) }
			: { uri: input.uri }),
	};
}

function toolSummary(tool: string, input: Record<string, unknown>): Record<string, unknown> {
	const summary: Record<string, unknown> = { tool };
	for (const [key, value] of Object.entries(input)) {
		summary[key] =
			typeof value === "string" && value.length > 2_000 ? `${value.slice(0, 2_000)}… (${value.length} chars)` : value;
	}
	return summary;
}

export function describe(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
