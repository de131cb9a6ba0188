import { type RunDetailResponse, runDetailResponseSchema } from "@agent-evals/types";
import { createServer, type ServerOptions, startServer } from "../../src/server/index.js";
import { harness, RUNNER_SUITE, tempDir } from "./runner.js";

type Extra = Partial<Pick<ServerOptions, "token" | "webDist" | "keepAliveMs" | "traceUrl" | "suiteRoots">>;

export interface Reply {
	status: number;
	headers: Headers;
	body: unknown;
	text: string;
}

/** The app over an in-memory store, driven with `app.request()`: no socket. */
export async function apiHarness(extra: Extra = {}) {
	const h = await harness();
	const server = createServer({
		store: h.store,
		bus: h.bus,
		controller: h.controller,
		storeKind: "pglite",
		defaultSuite: RUNNER_SUITE,
		webDist: tempDir("web-dist"),
		...extra,
	});
	const call = async (
		method: string,
		path: string,
		init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
	): Promise<Reply> => {
		const headers: Record<string, string> = { ...init.headers };
		let body: string | undefined = init.raw;
		if (init.body !== undefined) {
			body = JSON.stringify(init.body);
			headers["content-type"] ??= "application/json";
		}
		const response = await server.app.request(path, { method, headers, body });
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, headers: response.headers, body: parsed, text };
	};
	const waitForRun = async (id: number, done = isOver, timeoutMs = 60_000): Promise<RunDetailResponse> => {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const reply = await call("GET", `/api/runs/${id}`);
			const detail = runDetailResponseSchema.parse(reply.body);
			if (done(detail)) return detail;
			if (Date.now() > until) throw new Error(`run ${id} still ${detail.run.status} after ${timeoutMs} ms`);
			await sleep(100);
		}
	};
	return {
		...h,
		app: server.app,
		deps: server.deps,
		call,
		waitForRun,
		async close() {
			await server.close();
			await h.close();
		},
	};
}

/** A real listening server on a free port, over an in-memory store unless told otherwise. */
export async function liveHarness(extra: Extra = {}, store: Parameters<typeof harness>[0] = {}) {
	const h = await harness(store);
	const server = await startServer({
		store: h.store,
		bus: h.bus,
		controller: h.controller,
		storeKind: "pglite",
		defaultSuite: RUNNER_SUITE,
		webDist: tempDir("web-dist"),
		port: 0,
		...extra,
	});
	return {
		...h,
		server,
		url: server.url,
		async close() {
			await server.close();
			await h.close();
		},
	};
}

export const isOver = (detail: RunDetailResponse) =>
	["completed", "cancelled", "failed"].includes(detail.run.status) && detail.run.finishedAt !== null;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SseFrame {
	id?: string;
	event?: string;
	data?: string;
	comment?: string;
}

/**
 * Reads a Server-Sent Events response frame by frame, as EventSource would (without its
 * reconnection, which the tests drive themselves).
 */
export async function* sseFrames(response: Response): AsyncGenerator<SseFrame> {
	if (!response.body) throw new Error("no body");
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let buffer = "";
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const frame: SseFrame = {};
				for (const line of block.split("\n")) {
					if (line.startsWith(":")) frame.comment = line.slice(1).trim();
					const colon = line.indexOf(":");
					if (colon <= 0) continue;
					const field = line.slice(0, colon);
					const value = line.slice(colon + 1).replace(/^ /, "");
					if (field === "id") frame.id = value;
					else if (field === "event") frame.event = value;
					else if (field === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
				}
				yield frame;
			}
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}
