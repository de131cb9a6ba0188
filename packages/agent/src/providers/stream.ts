import type { FinishReason, TextStreamPart, ToolSet } from "ai";
import { usageFromAiSdk } from "./cost.js";
import type { TurnUsage } from "./types.js";

export interface CollectedToolCall {
	toolCallId: string;
	toolName: string;
	input: unknown;
}

export interface CollectedTurn {
	text: string;
	reasoning: string;
	toolCalls: CollectedToolCall[];
	/** Summed over the steps of the stream (one step when tools have no `execute`). */
	usage: TurnUsage;
	finishReason: FinishReason | undefined;
}

function addUsage(total: TurnUsage, step: TurnUsage): TurnUsage {
	const sum: TurnUsage = {
		inputTokens: total.inputTokens + step.inputTokens,
		outputTokens: total.outputTokens + step.outputTokens,
		cacheReadTokens: total.cacheReadTokens + step.cacheReadTokens,
		cacheWriteTokens: total.cacheWriteTokens + step.cacheWriteTokens,
	};
	if (total.reportedCost !== undefined || step.reportedCost !== undefined) {
		sum.reportedCost = (total.reportedCost ?? 0) + (step.reportedCost ?? 0);
	}
	return sum;
}

/**
 * Reads a `streamText` result to the end and throws the provider's error, if any.
 * `streamText` does not reject on a failed call: the failure arrives as an `error` part (and
 * goes to `onError`), so awaiting `text` or `usage` alone would hide the APICallError that
 * `withRetries` needs to see. Pass `onError: () => {}` to streamText to keep the SDK from also
 * logging it.
 */
export async function collectStream<TOOLS extends ToolSet>(result: {
	fullStream: AsyncIterable<TextStreamPart<TOOLS>>;
}): Promise<CollectedTurn> {
	let text = "";
	let reasoning = "";
	const toolCalls: CollectedToolCall[] = [];
	let usage: TurnUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
	let finishReason: FinishReason | undefined;
	for await (const part of result.fullStream) {
		switch (part.type) {
			case "text-delta":
				text += part.text;
				break;
			case "reasoning-delta":
				reasoning += part.text;
				break;
			case "tool-call":
				toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
				break;
			case "finish-step":
				usage = addUsage(usage, usageFromAiSdk(part.usage, part.providerMetadata));
				break;
			case "finish":
				finishReason = part.finishReason;
				break;
			case "error":
				throw part.error;
			case "abort":
				throw new DOMException("The model request was aborted.", "AbortError");
		}
	}
	return { text, reasoning, toolCalls, usage, finishReason };
}
