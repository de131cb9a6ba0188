import type {
	LanguageModelV3CallOptions,
	LanguageModelV3Content,
	LanguageModelV3GenerateResult,
	LanguageModelV3Prompt,
	LanguageModelV3StreamPart,
	LanguageModelV3StreamResult,
	LanguageModelV3Usage,
} from "@ai-sdk/provider";

/** What an offline model answers in one call. */
export interface OfflineTurn {
	text?: string;
	reasoning?: string;
	toolCalls?: { name: string; input: unknown }[];
	usage?: { inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number };
}

export function toV3Usage(usage: OfflineTurn["usage"]): LanguageModelV3Usage {
	const input = usage?.inputTokens ?? 0;
	const cacheRead = usage?.cacheReadTokens ?? 0;
	const cacheWrite = usage?.cacheWriteTokens ?? 0;
	return {
		inputTokens: { total: input, noCache: Math.max(0, input - cacheRead - cacheWrite), cacheRead, cacheWrite },
		outputTokens: { total: usage?.outputTokens ?? 0, text: usage?.outputTokens ?? 0, reasoning: undefined },
	};
}

let callCounter = 0;
const nextCallId = () => `offline_${Date.now().toString(36)}_${(callCounter++).toString(36)}`;

// Text is streamed in small pieces so consumers see partial messages as with a real model.
function pieces(text: string, size = 64): string[] {
	const out: string[] = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out;
}

function parts(turn: OfflineTurn): LanguageModelV3StreamPart[] {
	const out: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: [] }];
	if (turn.reasoning) {
		out.push({ type: "reasoning-start", id: "r0" });
		for (const delta of pieces(turn.reasoning)) out.push({ type: "reasoning-delta", id: "r0", delta });
		out.push({ type: "reasoning-end", id: "r0" });
	}
	if (turn.text) {
		out.push({ type: "text-start", id: "t0" });
		for (const delta of pieces(turn.text)) out.push({ type: "text-delta", id: "t0", delta });
		out.push({ type: "text-end", id: "t0" });
	}
	const calls = turn.toolCalls ?? [];
	for (const call of calls) {
		out.push({
			type: "tool-call",
			toolCallId: nextCallId(),
			toolName: call.name,
			input: typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {}),
		});
	}
	out.push({
		type: "finish",
		usage: toV3Usage(turn.usage),
		finishReason: { unified: calls.length > 0 ? "tool-calls" : "stop", raw: undefined },
	});
	return out;
}

export function streamOf(turn: OfflineTurn): LanguageModelV3StreamResult {
	const queue = parts(turn);
	return {
		stream: new ReadableStream<LanguageModelV3StreamPart>({
			pull(controller) {
				const next = queue.shift();
				if (next) controller.enqueue(next);
				else controller.close();
			},
		}),
	};
}

export function generateOf(turn: OfflineTurn): LanguageModelV3GenerateResult {
	const content: LanguageModelV3Content[] = [];
	for (const part of parts(turn)) {
		if (part.type === "tool-call") content.push(part);
	}
	if (turn.reasoning) content.unshift({ type: "reasoning", text: turn.reasoning });
	if (turn.text) content.unshift({ type: "text", text: turn.text });
	const calls = turn.toolCalls?.length ?? 0;
	return {
		content,
		usage: toV3Usage(turn.usage),
		finishReason: { unified: calls > 0 ? "tool-calls" : "stop", raw: undefined },
		warnings: [],
	};
}

/** Resolves after `ms`, or rejects at once when the call is aborted. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (ms <= 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/** Number of assistant turns already in the conversation: where a script or plan resumes. */
export function assistantTurns(prompt: LanguageModelV3Prompt): number {
	return prompt.filter((message) => message.role === "assistant").length;
}

/** Tool calls made so far, with whether their result came back as a success. */
export function toolCallOutcomes(
	prompt: LanguageModelV3Prompt,
): { toolName: string; input: unknown; succeeded: boolean | undefined }[] {
	const calls = new Map<string, { toolName: string; input: unknown; succeeded: boolean | undefined }>();
	for (const message of prompt) {
		if (message.role === "assistant") {
			for (const part of message.content) {
				if (part.type === "tool-call")
					calls.set(part.toolCallId, { toolName: part.toolName, input: part.input, succeeded: undefined });
			}
		} else if (message.role === "tool") {
			for (const part of message.content) {
				if (part.type !== "tool-result") continue;
				const call = calls.get(part.toolCallId);
				if (call) call.succeeded = part.output.type === "text" || part.output.type === "json";
			}
		}
	}
	return [...calls.values()];
}

export type CallOptions = LanguageModelV3CallOptions;
