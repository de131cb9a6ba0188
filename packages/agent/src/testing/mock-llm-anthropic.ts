import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type NormalisedTurn, pieces, sendJson, startEventStream } from "./mock-llm-shared.js";

// ---- Anthropic messages -----------------------------------------------------------------

function anthropicInputUsage(turn: NormalisedTurn): Record<string, number> {
	return {
		input_tokens: Math.max(0, turn.inputTokens - turn.cacheReadTokens - turn.cacheWriteTokens),
		cache_creation_input_tokens: turn.cacheWriteTokens,
		cache_read_input_tokens: turn.cacheReadTokens,
	};
}

function anthropicBlocks(turn: NormalisedTurn): Record<string, unknown>[] {
	const blocks: Record<string, unknown>[] = [];
	if (turn.reasoning) blocks.push({ type: "thinking", thinking: turn.reasoning, signature: "mock-signature" });
	if (turn.text) blocks.push({ type: "text", text: turn.text });
	for (const call of turn.toolCalls) {
		blocks.push({ type: "tool_use", id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown });
	}
	return blocks;
}

export function streamAnthropic(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	const event = (type: string, data: Record<string, unknown>) =>
		res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
	startEventStream(res);
	event("message_start", {
		message: {
			id: `msg_${randomUUID().replaceAll("-", "")}`,
			type: "message",
			role: "assistant",
			model,
			content: [],
			stop_reason: null,
			stop_sequence: null,
			usage: { ...anthropicInputUsage(turn), output_tokens: 1 },
		},
	});
	let index = 0;
	if (turn.reasoning) {
		event("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
		for (const piece of pieces(turn.reasoning)) {
			event("content_block_delta", { index, delta: { type: "thinking_delta", thinking: piece } });
		}
		event("content_block_delta", { index, delta: { type: "signature_delta", signature: "mock-signature" } });
		event("content_block_stop", { index });
		index++;
	}
	if (turn.text) {
		event("content_block_start", { index, content_block: { type: "text", text: "" } });
		for (const piece of pieces(turn.text)) {
			event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
		}
		event("content_block_stop", { index });
		index++;
	}
	for (const call of turn.toolCalls) {
		event("content_block_start", {
			index,
			content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
		});
		for (const piece of pieces(call.arguments)) {
			event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
		}
		event("content_block_stop", { index });
		index++;
	}
	event("message_delta", {
		delta: { stop_reason: turn.toolCalls.length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
		usage: { output_tokens: turn.outputTokens },
	});
	event("message_stop", {});
	res.end();
}

export function completeAnthropic(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	sendJson(res, 200, {
		id: `msg_${randomUUID().replaceAll("-", "")}`,
		type: "message",
		role: "assistant",
		model,
		content: anthropicBlocks(turn),
		stop_reason: turn.toolCalls.length > 0 ? "tool_use" : "end_turn",
		stop_sequence: null,
		usage: { ...anthropicInputUsage(turn), output_tokens: turn.outputTokens },
	});
}

/**
 * `POST /v1/messages/count_tokens`: a rough count (four characters a token) of what was sent,
 * which is all a client uses it for (deciding when to compact). Not a model call.
 */
export function countAnthropicTokens(res: ServerResponse, body: unknown): void {
	const characters = JSON.stringify(body ?? {}).length;
	sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(characters / 4)) });
}
