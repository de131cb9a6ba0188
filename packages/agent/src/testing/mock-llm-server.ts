import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { completeAnthropic, countAnthropicTokens, streamAnthropic } from "./mock-llm-anthropic.js";
import { completeGemini, countGeminiTokens, streamGemini } from "./mock-llm-gemini.js";
import { completeOpenAi, streamOpenAi, wantsStreamUsage } from "./mock-llm-openai.js";
import { completeResponses, customToolNames, streamResponses } from "./mock-llm-responses.js";
import { type Flavour, isRecord, type MockTurn, normalise, sendError, sendJson } from "./mock-llm-shared.js";

export type { MockTurn } from "./mock-llm-shared.js";

/**
 * A script entry: a turn, or a function that makes the turn from the request it answers (a
 * turn that needs a path only the request tells, such as the agent's workspace).
 */
export type MockScriptItem = MockTurn | ((request: RecordedRequest) => MockTurn);

export interface RecordedRequest {
	method: string;
	/** Path with query string, as received. */
	path: string;
	/** Lower-case header names. */
	headers: Record<string, string>;
	/** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
	body: unknown;
	/** For a model call that was answered: from the script, or by `side`. */
	answeredBy?: "script" | "side";
}

/** Totals of the usage the server reported in its answers (OpenAI's convention: cache inside input). */
export interface ServedUsage {
	/** Model calls answered with a reply (errors not counted). */
	calls: number;
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	/** Sum of the `usage.cost` the turns reported (OpenRouter-style), where they did. */
	cost: number;
}

export interface MockLlmServerOptions {
	script?: MockScriptItem[];
	/** 0 (default) picks a free port. */
	port?: number;
	/**
	 * Answers a model call outside the script: coding-agent CLIs make calls of their own (a
	 * session title, a memory summary) that would otherwise take the turn meant for the agent's
	 * next step. Return a turn to answer the call with it (the script is not consumed), or
	 * undefined to let the script answer.
	 */
	side?: (request: RecordedRequest) => MockTurn | undefined;
}

export interface MockLlmServer {
	/** e.g. http://127.0.0.1:41234 (no trailing slash, no /v1). */
	url: string;
	/** Every request received, in order, including rejected ones. */
	requests: RecordedRequest[];
	/** Replaces the remaining turns. */
	setScript(turns: MockScriptItem[]): void;
	/** Turns not consumed yet. */
	remainingTurns(): number;
	/** What the answers so far reported as usage, script and side calls together. */
	servedUsage(): ServedUsage;
	close(): Promise<void>;
}

const MODEL_IDS = ["mock-model", "mock-model-large"];

// Accepts the paths with or without a /v1 or /api/v1 prefix, as providers differ in where
// their base URL ends.
const ROUTE = /^(?:\/api)?(?:\/v1)?\/(chat\/completions|messages\/count_tokens|messages|responses|models)\/?$/;
// Google's API names the model and the method in the path: /v1beta/models/gemini-x:generateContent.
const GEMINI_ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const GEMINI_MODELS = /^\/v1(?:beta|alpha)?\/models\/?$/;

type Route = "chat/completions" | "messages" | "messages/count_tokens" | "responses" | "models" | "gemini";

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
	if (flavour === "gemini") {
		const models = MODEL_IDS.map((id) => ({
			name: `models/${id}`,
			displayName: id,
			inputTokenLimit: 1_000_000,
			outputTokenLimit: 65_536,
			supportedGenerationMethods: ["generateContent", "countTokens"],
		}));
		sendJson(res, 200, { models });
		return;
	}
	const data = MODEL_IDS.map((id) => ({ id, object: "model", created: 1_735_689_600, owned_by: "mock" }));
	sendJson(res, 200, { object: "list", data });
}

/** Which API a path belongs to, and the wire format of its answers (and errors). */
function classify(
	path: string,
	headers: Record<string, string>,
): { route: Route | undefined; flavour: Flavour; geminiModel?: string; geminiMethod?: string } {
	const gemini = GEMINI_ROUTE.exec(path);
	if (gemini) return { route: "gemini", flavour: "gemini", geminiModel: gemini[1], geminiMethod: gemini[2] };
	if (GEMINI_MODELS.test(path) && headers["x-goog-api-key"] !== undefined)
		return { route: "models", flavour: "gemini" };
	const route = ROUTE.exec(path)?.[1] as Route | undefined;
	// Anthropic's SDK always sends anthropic-version; that tells the formats apart on /models.
	const flavour: Flavour =
		route === "messages" || route === "messages/count_tokens" || headers["anthropic-version"] !== undefined
			? "anthropic"
			: route === "responses"
				? "responses"
				: "openai";
	return { route, flavour };
}

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
 * Responses APIs, Anthropic messages and Google's Gemini API for real clients (the AI SDK
 * providers, coding-agent CLIs) to run against it: streaming and not, text, reasoning, tool
 * calls, usage with cache tokens and cost, errors with Retry-After, and a 401 when the request
 * carries no key. Token counting and model lists answer without taking a turn.
 */
export async function startMockLlmServer(options: MockLlmServerOptions = {}): Promise<MockLlmServer> {
	let script = [...(options.script ?? [])];
	const requests: RecordedRequest[] = [];
	const served: ServedUsage = {
		calls: 0,
		inputTokens: 0,
		outputTokens: 0,
		cacheReadTokens: 0,
		cacheWriteTokens: 0,
		cost: 0,
	};
	let modelCalls = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const raw = await readBody(req);
		const headers = flatHeaders(req);
		const path = req.url ?? "/";
		const method = req.method ?? "GET";
		const body = parseBody(raw);
		const recorded: RecordedRequest = { method, path, headers, body };
		requests.push(recorded);

		// Some clients probe the server before the first call (Claude Code sends HEAD /).
		if (method === "HEAD" && path === "/") {
			res.writeHead(200).end();
			return;
		}
		const { route, flavour, geminiModel, geminiMethod } = classify(path.split("?")[0] ?? "", headers);
		if (route === undefined || (route === "models" ? method !== "GET" : method !== "POST")) {
			sendError(res, flavour, 404, `mock LLM server: no route for ${method} ${path}`);
			return;
		}
		if (!hasAuth(headers)) {
			const message =
				flavour === "anthropic"
					? "x-api-key header is required"
					: flavour === "gemini"
						? "API key not valid. Please pass a valid API key."
						: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.";
			sendError(res, flavour, 401, message);
			return;
		}
		if (route === "models") {
			listModels(res, flavour);
			return;
		}
		if (route === "messages/count_tokens") {
			countAnthropicTokens(res, body);
			return;
		}
		if (geminiMethod === "countTokens") {
			countGeminiTokens(res, body);
			return;
		}

		const requestBody = isRecord(body) ? body : {};
		const sideTurn = options.side?.(recorded);
		const next = sideTurn ?? script.shift();
		const turn = typeof next === "function" ? next(recorded) : next;
		modelCalls++;
		if (turn === undefined) {
			// 400, not 5xx: a test that ran out of script must fail, not be retried.
			sendError(res, flavour, 400, `mock LLM server: no scripted turn left for model call ${modelCalls}`);
			return;
		}
		recorded.answeredBy = sideTurn ? "side" : "script";
		if (turn.delayMs !== undefined && turn.delayMs > 0 && !(await delay(turn.delayMs, res))) return;
		if (turn.error) {
			const { status, message, retryAfterSeconds } = turn.error;
			sendError(res, flavour, status, message ?? `mock error ${status}`, retryAfterSeconds);
			return;
		}
		const model = geminiModel ?? (typeof requestBody.model === "string" ? requestBody.model : "mock-model");
		const normalised = normalise(turn, flavour, modelCalls);
		served.calls++;
		served.inputTokens += normalised.inputTokens;
		served.outputTokens += normalised.outputTokens;
		served.cacheReadTokens += normalised.cacheReadTokens;
		served.cacheWriteTokens += normalised.cacheWriteTokens;
		served.cost += normalised.cost ?? 0;
		const stream = requestBody.stream === true;
		if (flavour === "anthropic") {
			if (stream) streamAnthropic(res, normalised, model);
			else completeAnthropic(res, normalised, model);
		} else if (flavour === "responses") {
			const customTools = customToolNames(requestBody);
			if (stream) streamResponses(res, normalised, model, customTools);
			else completeResponses(res, normalised, model, customTools);
		} else if (flavour === "gemini") {
			if (geminiMethod === "streamGenerateContent") streamGemini(res, normalised, model);
			else completeGemini(res, normalised, model);
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
		servedUsage: () => ({ ...served }),
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				// Keep-alive sockets would otherwise hold close() open until they time out.
				server.closeAllConnections();
			}),
	};
}
