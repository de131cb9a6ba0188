import type { ServerResponse } from "node:http";
import { type NormalisedTurn, pieces, sendJson, startEventStream } from "./mock-llm-shared.js";

// ---- Google's Gemini API (`/v1beta/models/<model>:generateContent` and friends), for Gemini CLI

/** Gemini counts cached tokens inside `promptTokenCount`, as OpenAI does. */
function usageMetadata(turn: NormalisedTurn): Record<string, number> {
	const usage: Record<string, number> = {
		promptTokenCount: turn.inputTokens,
		candidatesTokenCount: turn.outputTokens,
		totalTokenCount: turn.inputTokens + turn.outputTokens,
	};
	if (turn.cacheReadTokens > 0) usage.cachedContentTokenCount = turn.cacheReadTokens;
	return usage;
}

type Part = Record<string, unknown>;

function toolParts(turn: NormalisedTurn): Part[] {
	return turn.toolCalls.map((call) => ({
		functionCall: { id: call.id, name: call.name, args: JSON.parse(call.arguments) as unknown },
	}));
}

function chunk(parts: Part[], model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const { finishReason, ...rest } = extra;
	return {
		candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
		modelVersion: model,
		responseId: `mock-${Date.now().toString(36)}`,
		...rest,
	};
}

/** `:streamGenerateContent?alt=sse`: text and thoughts in pieces, function calls whole, usage last. */
export function streamGemini(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	startEventStream(res);
	const send = (body: Record<string, unknown>) => res.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
	for (const piece of turn.reasoning ? pieces(turn.reasoning) : [])
		send(chunk([{ text: piece, thought: true }], model));
	for (const piece of turn.text ? pieces(turn.text) : []) send(chunk([{ text: piece }], model));
	const calls = toolParts(turn);
	send(chunk(calls, model, { finishReason: "STOP", usageMetadata: usageMetadata(turn) }));
	res.end();
}

export function completeGemini(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	const parts: Part[] = [];
	if (turn.reasoning) parts.push({ text: turn.reasoning, thought: true });
	if (turn.text) parts.push({ text: turn.text });
	parts.push(...toolParts(turn));
	sendJson(res, 200, chunk(parts, model, { finishReason: "STOP", usageMetadata: usageMetadata(turn) }));
}

/** `:countTokens`: a rough count (four characters a token); not a model call. */
export function countGeminiTokens(res: ServerResponse, body: unknown): void {
	const characters = JSON.stringify(body ?? {}).length;
	sendJson(res, 200, { totalTokens: Math.max(1, Math.ceil(characters / 4)) });
}
