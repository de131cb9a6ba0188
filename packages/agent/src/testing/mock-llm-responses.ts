import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { isRecord, type NormalisedTurn, pieces, sendJson, startEventStream } from "./mock-llm-shared.js";

// ---- OpenAI Responses API (`POST /v1/responses`), which Codex CLI speaks exclusively --------

type Item = Record<string, unknown>;

/**
 * Names of the request's freeform tools (`{"type": "custom"}`), which are called with raw text
 * instead of JSON arguments. Codex CLI needs this: for the models it knows it declares
 * `apply_patch` so, and takes a call to it only as a `custom_tool_call` carrying the patch text.
 */
export function customToolNames(body: Record<string, unknown>): Set<string> {
	const tools = Array.isArray(body.tools) ? body.tools : [];
	return new Set(
		tools
			.filter((tool) => isRecord(tool) && tool.type === "custom" && typeof tool.name === "string")
			.map((tool) => String((tool as Item).name)),
	);
}

/** A custom tool's input: the scripted input when it is a string (a patch), else its JSON. */
function customInput(args: string): string {
	const value = JSON.parse(args) as unknown;
	return typeof value === "string" ? value : args;
}

/** The output items of a turn, finished, in the order they stream. */
function outputItems(turn: NormalisedTurn, customTools: Set<string>): Item[] {
	const items: Item[] = [];
	if (turn.reasoning) {
		items.push({
			id: `rs_${randomUUID().replaceAll("-", "")}`,
			type: "reasoning",
			summary: [{ type: "summary_text", text: turn.reasoning }],
		});
	}
	if (turn.text) {
		items.push({
			id: `msg_${randomUUID().replaceAll("-", "")}`,
			type: "message",
			status: "completed",
			role: "assistant",
			content: [{ type: "output_text", text: turn.text, annotations: [] }],
		});
	}
	for (const call of turn.toolCalls) {
		if (customTools.has(call.name)) {
			items.push({
				id: `ctc_${randomUUID().replaceAll("-", "")}`,
				type: "custom_tool_call",
				status: "completed",
				call_id: call.id,
				name: call.name,
				input: customInput(call.arguments),
			});
			continue;
		}
		items.push({
			id: `fc_${randomUUID().replaceAll("-", "")}`,
			type: "function_call",
			status: "completed",
			call_id: call.id,
			name: call.name,
			arguments: call.arguments,
		});
	}
	return items;
}

/** Responses usage: `input_tokens` includes the cached ones, which are detailed apart. */
function responsesUsage(turn: NormalisedTurn): Record<string, unknown> {
	return {
		input_tokens: turn.inputTokens,
		input_tokens_details: { cached_tokens: turn.cacheReadTokens },
		output_tokens: turn.outputTokens,
		output_tokens_details: { reasoning_tokens: 0 },
		total_tokens: turn.inputTokens + turn.outputTokens,
	};
}

function responseObject(id: string, model: string, status: string, output: Item[], turn?: NormalisedTurn): Item {
	return {
		id,
		object: "response",
		created_at: Math.floor(Date.now() / 1000),
		status,
		model,
		output,
		...(turn ? { usage: responsesUsage(turn) } : {}),
	};
}

export function streamResponses(
	res: ServerResponse,
	turn: NormalisedTurn,
	model: string,
	customTools: Set<string> = new Set(),
): void {
	const id = `resp_${randomUUID().replaceAll("-", "")}`;
	let sequence = 0;
	const event = (type: string, data: Record<string, unknown>) =>
		res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);

	startEventStream(res);
	event("response.created", { response: responseObject(id, model, "in_progress", []) });
	event("response.in_progress", { response: responseObject(id, model, "in_progress", []) });
	const items = outputItems(turn, customTools);
	items.forEach((item, outputIndex) => {
		const itemId = item.id;
		if (item.type === "reasoning") {
			event("response.output_item.added", { output_index: outputIndex, item: { ...item, summary: [] } });
			const part = { type: "summary_text", text: "" };
			event("response.reasoning_summary_part.added", {
				item_id: itemId,
				output_index: outputIndex,
				summary_index: 0,
				part,
			});
			for (const piece of pieces(turn.reasoning)) {
				event("response.reasoning_summary_text.delta", {
					item_id: itemId,
					output_index: outputIndex,
					summary_index: 0,
					delta: piece,
				});
			}
			event("response.reasoning_summary_text.done", {
				item_id: itemId,
				output_index: outputIndex,
				summary_index: 0,
				text: turn.reasoning,
			});
		} else if (item.type === "message") {
			event("response.output_item.added", {
				output_index: outputIndex,
				item: { ...item, status: "in_progress", content: [] },
			});
			const part = { type: "output_text", text: "", annotations: [] };
			event("response.content_part.added", { item_id: itemId, output_index: outputIndex, content_index: 0, part });
			for (const piece of pieces(turn.text)) {
				event("response.output_text.delta", {
					item_id: itemId,
					output_index: outputIndex,
					content_index: 0,
					delta: piece,
				});
			}
			event("response.output_text.done", {
				item_id: itemId,
				output_index: outputIndex,
				content_index: 0,
				text: turn.text,
			});
			event("response.content_part.done", {
				item_id: itemId,
				output_index: outputIndex,
				content_index: 0,
				part: { ...part, text: turn.text },
			});
		} else if (item.type === "custom_tool_call") {
			const input = String(item.input);
			event("response.output_item.added", {
				output_index: outputIndex,
				item: { ...item, status: "in_progress", input: "" },
			});
			for (const piece of pieces(input)) {
				event("response.custom_tool_call_input.delta", { item_id: itemId, output_index: outputIndex, delta: piece });
			}
			event("response.custom_tool_call_input.done", { item_id: itemId, output_index: outputIndex, input });
		} else {
			const args = String(item.arguments);
			event("response.output_item.added", {
				output_index: outputIndex,
				item: { ...item, status: "in_progress", arguments: "" },
			});
			for (const piece of pieces(args)) {
				event("response.function_call_arguments.delta", { item_id: itemId, output_index: outputIndex, delta: piece });
			}
			event("response.function_call_arguments.done", { item_id: itemId, output_index: outputIndex, arguments: args });
		}
		event("response.output_item.done", { output_index: outputIndex, item });
	});
	event("response.completed", { response: responseObject(id, model, "completed", items, turn) });
	res.end();
}

export function completeResponses(
	res: ServerResponse,
	turn: NormalisedTurn,
	model: string,
	customTools: Set<string> = new Set(),
): void {
	const id = `resp_${randomUUID().replaceAll("-", "")}`;
	sendJson(res, 200, responseObject(id, model, "completed", outputItems(turn, customTools), turn));
}
