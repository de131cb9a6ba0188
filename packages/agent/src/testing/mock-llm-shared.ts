import type { ServerResponse } from "node:http";

/*
 * What every wire format of the mock LLM server shares: the scripted turn, its normal form,
 * JSON and error answers, and the pieces a streamed text is cut into.
 */

/**
 * One scripted model answer. Each request to a model endpoint consumes the next turn.
 * `usage.inputTokens` counts ALL input tokens, cache reads and writes included (OpenAI's
 * convention); the Anthropic format reports the uncached part as `input_tokens`.
 */
export interface MockTurn {
	text?: string;
	reasoning?: string;
	toolCalls?: { name: string; input: unknown; id?: string }[];
	usage?: {
		inputTokens: number;
		outputTokens: number;
		cacheReadTokens?: number;
		cacheWriteTokens?: number;
		/** USD the provider billed, reported as OpenRouter does (`usage.cost`). */
		cost?: number;
	};
	/** Wait before answering. */
	delayMs?: number;
	/** Answer with this HTTP status and an error body in the provider's format instead. */
	error?: { status: number; message?: string; retryAfterSeconds?: number };
}

/** The wire formats, which also decide the shape of error bodies. */
export type Flavour = "openai" | "anthropic" | "responses" | "gemini";

export interface NormalisedTurn {
	text: string;
	reasoning: string;
	toolCalls: { name: string; arguments: string; id: string }[];
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	cost: number | undefined;
}

export const DEFAULT_USAGE = { inputTokens: 10, outputTokens: 5 };

export function normalise(turn: MockTurn, flavour: Flavour, requestNumber: number): NormalisedTurn {
	const usage = turn.usage ?? DEFAULT_USAGE;
	const idPrefix = flavour === "anthropic" ? "toolu_mock" : "call_mock";
	return {
		text: turn.text ?? "",
		reasoning: turn.reasoning ?? "",
		toolCalls: (turn.toolCalls ?? []).map((call, index) => ({
			name: call.name,
			arguments: JSON.stringify(call.input ?? {}),
			id: call.id ?? `${idPrefix}_${requestNumber}_${index}`,
		})),
		inputTokens: usage.inputTokens,
		outputTokens: usage.outputTokens,
		cacheReadTokens: turn.usage?.cacheReadTokens ?? 0,
		cacheWriteTokens: turn.usage?.cacheWriteTokens ?? 0,
		cost: turn.usage?.cost,
	};
}

/** Splits text into about `parts` pieces so that streams carry more than one delta. */
export function pieces(text: string, parts = 3): string[] {
	if (text.length <= 1) return [text];
	const size = Math.ceil(text.length / parts);
	const out: string[] = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	res.writeHead(status, { "content-type": "application/json", ...headers });
	res.end(JSON.stringify(body));
}

export function startEventStream(res: ServerResponse): void {
	res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

function errorType(flavour: Flavour, status: number): string {
	if (flavour === "anthropic") {
		if (status === 401) return "authentication_error";
		if (status === 403) return "permission_error";
		if (status === 404) return "not_found_error";
		if (status === 429) return "rate_limit_error";
		if (status === 529) return "overloaded_error";
		if (status >= 500) return "api_error";
		return "invalid_request_error";
	}
	if (flavour === "gemini") {
		// Google's canonical status names, which its SDK reads.
		if (status === 401) return "UNAUTHENTICATED";
		if (status === 403) return "PERMISSION_DENIED";
		if (status === 404) return "NOT_FOUND";
		if (status === 429) return "RESOURCE_EXHAUSTED";
		if (status === 503) return "UNAVAILABLE";
		if (status >= 500) return "INTERNAL";
		return "INVALID_ARGUMENT";
	}
	if (status === 401) return "invalid_api_key";
	if (status === 429) return "rate_limit_exceeded";
	if (status >= 500) return "server_error";
	return "invalid_request_error";
}

function errorBody(flavour: Flavour, status: number, message: string): unknown {
	const type = errorType(flavour, status);
	if (flavour === "anthropic") return { type: "error", error: { type, message } };
	if (flavour === "gemini") return { error: { code: status, message, status: type } };
	return { error: { message, type, param: null, code: type } };
}

export function sendError(
	res: ServerResponse,
	flavour: Flavour,
	status: number,
	message: string,
	retryAfter?: number,
): void {
	const headers: Record<string, string> = {};
	if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
	sendJson(res, status, errorBody(flavour, status, message), headers);
}
