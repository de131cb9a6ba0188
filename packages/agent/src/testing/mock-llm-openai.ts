import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, type NormalisedTurn, pieces, sendJson, startEventStream } from "./mock-llm-shared.js";

// ---- OpenAI chat completions (also what OpenAI-compatible servers and OpenRouter speak) -----

function openAiUsage(turn: NormalisedTurn): Record<string, unknown> {
	const details: Record<string, number> = { cached_tokens: turn.cacheReadTokens };
	if (turn.cacheWriteTokens > 0) details.cache_write_tokens = turn.cacheWriteTokens;
	const usage: Record<string, unknown> = {
		prompt_tokens: turn.inputTokens,
		completion_tokens: turn.outputTokens,
		total_tokens: turn.inputTokens + turn.outputTokens,
		prompt_tokens_details: details,
	};
	if (turn.cost !== undefined) usage.cost = turn.cost;
	return usage;
}

export function wantsStreamUsage(body: Record<string, unknown>): boolean {
	const streamOptions = body.stream_options;
	const usage = body.usage;
	return (
		(isRecord(streamOptions) && streamOptions.include_usage === true) || (isRecord(usage) && usage.include === true)
	);
}

export function streamOpenAi(res: ServerResponse, turn: NormalisedTurn, model: string, includeUsage: boolean): void {
	const id = `chatcmpl-${randomUUID()}`;
	const created = Math.floor(Date.now() / 1000);
	const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
		`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`;
	const delta = (value: Record<string, unknown>) => chunk([{ index: 0, delta: value, finish_reason: null }]);

	startEventStream(res);
	res.write(delta({ role: "assistant", content: "" }));
	// `reasoning_content` is what DeepSeek-style servers send, `reasoning` what OpenRouter sends.
	for (const piece of turn.reasoning ? pieces(turn.reasoning) : []) {
		res.write(delta({ reasoning_content: piece, reasoning: piece }));
	}
	for (const piece of turn.text ? pieces(turn.text) : []) res.write(delta({ content: piece }));
	turn.toolCalls.forEach((call, index) => {
		res.write(
			delta({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
		);
		for (const piece of pieces(call.arguments)) {
			res.write(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
		}
	});
	const finishReason = turn.toolCalls.length > 0 ? "tool_calls" : "stop";
	res.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
	if (includeUsage) res.write(chunk([], { usage: openAiUsage(turn) }));
	res.end("data: [DONE]\n\n");
}

export function completeOpenAi(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	const message: Record<string, unknown> = { role: "assistant", content: turn.text || null };
	if (turn.reasoning) {
		message.reasoning_content = turn.reasoning;
		message.reasoning = turn.reasoning;
	}
	if (turn.toolCalls.length > 0) {
		message.tool_calls = turn.toolCalls.map((call) => ({
			id: call.id,
			type: "function",
			function: { name: call.name, arguments: call.arguments },
		}));
	}
	sendJson(res, 200, {
		id: `chatcmpl-${randomUUID()}`,
		object: "chat.completion",
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, finish_reason: turn.toolCalls.length > 0 ? "tool_calls" : "stop" }],
		usage: openAiUsage(turn),
	});
}
