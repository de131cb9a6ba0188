import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

export interface RecordedRequest {
	method: string;
	/** Path with query string, as received. */
	path: string;
	/** Lower-case header names. */
	headers: Record<string, string>;
	/** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
	body: unknown;
}

export interface MockLlmServerOptions {
	script?: MockTurn[];
	/** 0 (default) picks a free port. */
	port?: number;
}

export interface MockLlmServer {
	/** e.g. http://127.0.0.1:41234 (no trailing slash, no /v1). */
	url: string;
	/** Every request received, in order, including rejected ones. */
	requests: RecordedRequest[];
	/** Replaces the remaining turns. */
	setScript(turns: MockTurn[]): void;
	/** Turns not consumed yet. */
	remainingTurns(): number;
	close(): Promise<void>;
}

type Flavour = "openai" | "anthropic";

const DEFAULT_USAGE = { inputTokens: 10, outputTokens: 5 };
const MODEL_IDS = ["mock-model", "mock-model-large"];

// Accepts the paths with or without a /v1 or /api/v1 prefix, as providers differ in where
// their base URL ends.
const ROUTE = /^(?:\/api)?(?:\/v1)?\/(chat\/completions|messages|models)\/?$/;

/** Splits text into about `parts` pieces so that streams carry more than one delta. */
function pieces(text: string, parts = 3): string[] {
	if (text.length <= 1) return [text];
	const size = Math.ceil(text.length / parts);
	const out: string[] = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
		req.on("error", reject);
	});
}

function parseBody(raw: string): unknown {
	if (raw === "") return undefined;
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return raw;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
	}
	return out;
}

function hasAuth(headers: Record<string, string>): boolean {
	const bearer = /^Bearer\s+\S+/i.test(headers.authorization ?? "");
	return bearer || (headers["x-api-key"] ?? "").trim() !== "" || (headers["x-goog-api-key"] ?? "").trim() !== "";
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
	if (status === 401) return "invalid_api_key";
	if (status === 429) return "rate_limit_exceeded";
	if (status >= 500) return "server_error";
	return "invalid_request_error";
}

function errorBody(flavour: Flavour, status: number, message: string): unknown {
	const type = errorType(flavour, status);
	if (flavour === "anthropic") return { type: "error", error: { type, message } };
	return { error: { message, type, param: null, code: type } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	res.writeHead(status, { "content-type": "application/json", ...headers });
	res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, flavour: Flavour, status: number, message: string, retryAfter?: number): void {
	const headers: Record<string, string> = {};
	if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
	sendJson(res, status, errorBody(flavour, status, message), headers);
}

interface NormalisedTurn {
	text: string;
	reasoning: string;
	toolCalls: { name: string; arguments: string; id: string }[];
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	cost: number | undefined;
}

function normalise(turn: MockTurn, flavour: Flavour, requestNumber: number): NormalisedTurn {
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

// ---- OpenAI chat completions ------------------------------------------------------------

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

function wantsStreamUsage(body: Record<string, unknown>): boolean {
	const streamOptions = body.stream_options;
	const usage = body.usage;
	return (
		(isRecord(streamOptions) && streamOptions.include_usage === true) || (isRecord(usage) && usage.include === true)
	);
}

function streamOpenAi(res: ServerResponse, turn: NormalisedTurn, model: string, includeUsage: boolean): void {
	const id = `chatcmpl-${randomUUID()}`;
	const created = Math.floor(Date.now() / 1000);
	const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
		`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`;
	const delta = (value: Record<string, unknown>) => chunk([{ index: 0, delta: value, finish_reason: null }]);

	res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
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

function completeOpenAi(res: ServerResponse, turn: NormalisedTurn, model: string): void {
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

function streamAnthropic(res: ServerResponse, turn: NormalisedTurn, model: string): void {
	const event = (type: string, data: Record<string, unknown>) =>
		res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
	res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
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

function completeAnthropic(res: ServerResponse, turn: NormalisedTurn, model: string): void {
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

function listModels(res: ServerResponse, flavour: Flavour): void {
	if (flavour === "anthropic") {
		const data = MODEL_IDS.map((id) => ({
			type: "model",
			id,
			display_name: id,
			created_at: "2025-01-01T00:00:00Z",
		}));
		sendJson(res, 200, { data, has_more: false, first_id: MODEL_IDS[0], last_id: MODEL_IDS.at(-1) });
		return;
	}
	const data = MODEL_IDS.map((id) => ({ id, object: "model", created: 1_735_689_600, owned_by: "mock" }));
	sendJson(res, 200, { object: "list", data });
}

// ---- Server -----------------------------------------------------------------------------

function delay(ms: number, res: ServerResponse): Promise<boolean> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			res.off("close", onClose);
			resolve(true);
		}, ms);
		// A client that gave up (abort, timeout) must not leave the server writing into nothing.
		// The response, not the request: a request emits "close" as soon as its body is read.
		const onClose = () => {
			clearTimeout(timer);
			resolve(false);
		};
		res.once("close", onClose);
	});
}

/**
 * An HTTP server on 127.0.0.1 that speaks just enough of the OpenAI chat-completions and
 * Anthropic messages APIs for the real AI SDK providers to run against it: streaming and not,
 * text, reasoning, tool calls, usage with cache tokens and cost, errors with Retry-After, and
 * a 401 when the request carries no key.
 */
export async function startMockLlmServer(options: MockLlmServerOptions = {}): Promise<MockLlmServer> {
	let script = [...(options.script ?? [])];
	const requests: RecordedRequest[] = [];
	let modelCalls = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const raw = await readBody(req);
		const headers = flatHeaders(req);
		const path = req.url ?? "/";
		const method = req.method ?? "GET";
		const body = parseBody(raw);
		requests.push({ method, path, headers, body });

		const route = ROUTE.exec(path.split("?")[0] ?? "")?.[1];
		// Anthropic's SDK always sends anthropic-version; that tells the two formats apart on /models.
		const flavour: Flavour =
			route === "messages" || headers["anthropic-version"] !== undefined ? "anthropic" : "openai";
		if (route === undefined || (route === "models" ? method !== "GET" : method !== "POST")) {
			sendError(res, flavour, 404, `mock LLM server: no route for ${method} ${path}`);
			return;
		}
		if (!hasAuth(headers)) {
			const message =
				flavour === "anthropic"
					? "x-api-key header is required"
					: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.";
			sendError(res, flavour, 401, message);
			return;
		}
		if (route === "models") {
			listModels(res, flavour);
			return;
		}

		const requestBody = isRecord(body) ? body : {};
		const turn = script.shift();
		modelCalls++;
		if (turn === undefined) {
			// 400, not 5xx: a test that ran out of script must fail, not be retried.
			sendError(res, flavour, 400, `mock LLM server: no scripted turn left for model call ${modelCalls}`);
			return;
		}
		if (turn.delayMs !== undefined && turn.delayMs > 0 && !(await delay(turn.delayMs, res))) return;
		if (turn.error) {
			const { status, message, retryAfterSeconds } = turn.error;
			sendError(res, flavour, status, message ?? `mock error ${status}`, retryAfterSeconds);
			return;
		}
		const model = typeof requestBody.model === "string" ? requestBody.model : "mock-model";
		const normalised = normalise(turn, flavour, modelCalls);
		const stream = requestBody.stream === true;
		if (flavour === "anthropic") {
			if (stream) streamAnthropic(res, normalised, model);
			else completeAnthropic(res, normalised, model);
		} else if (stream) {
			streamOpenAi(res, normalised, model, wantsStreamUsage(requestBody));
		} else {
			completeOpenAi(res, normalised, model);
		}
	};

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "server_error" } });
			else res.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, "127.0.0.1", () => {
			server.off("error", reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		setScript(turns) {
			script = [...turns];
		},
		remainingTurns: () => script.length,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				// Keep-alive sockets would otherwise hold close() open until they time out.
				server.closeAllConnections();
			}),
	};
}
