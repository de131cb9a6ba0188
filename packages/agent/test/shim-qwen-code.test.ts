import { describe, expect, it } from "vitest";
import { qwenParser } from "../src/shim/clis/qwen-code.js";
import type { CliEvent } from "../src/shim/spec.js";

/* Qwen Code's stream-json, as 0.15.10 writes it (lines shortened to the fields the parser reads). */

const SESSION = "250e29d3-d601-45b4-a71f-b6ebe21f1f7c";

function parse(lines: unknown[]): CliEvent[] {
	const parser = qwenParser();
	return lines.flatMap((line) => parser.line(JSON.stringify(line)));
}

function assistant(content: unknown[], usage: Record<string, number>, id = "m1") {
	return { type: "assistant", session_id: SESSION, message: { id, role: "assistant", content, usage } };
}

function result(fields: Record<string, unknown>) {
	return { type: "result", session_id: SESSION, ...fields };
}

describe("Qwen Code's stream", () => {
	it("turns a model API error, which it reports as assistant text and a success, into a failure", () => {
		const text = "[API Error: 400 mock: this request is refused]";
		const events = parse([
			{ type: "system", subtype: "init", session_id: SESSION },
			assistant([{ type: "text", text }], { input_tokens: 0, output_tokens: 0 }),
			result({ subtype: "success", is_error: false, result: text, usage: { input_tokens: 0, output_tokens: 0 } }),
		]);
		expect(events).toEqual([
			{ type: "session", id: SESSION },
			{ type: "result", ok: false, error: text },
		]);
	});

	it("keeps a model's answer that merely mentions an API error", () => {
		const text = "The log says [API Error: 500] once.";
		const events = parse([
			assistant([{ type: "text", text }], { input_tokens: 10, output_tokens: 5 }),
			result({ subtype: "success", is_error: false, result: text }),
		]);
		expect(events.at(-1)).toEqual({ type: "result", ok: true, text, error: undefined });
	});

	it("sums per-call usage and ignores the session total, which counts a resumed session's earlier runs", () => {
		const events = parse([
			assistant([{ type: "text", text: "Resumed." }], {
				input_tokens: 2234,
				output_tokens: 217,
				cache_read_input_tokens: 600,
			}),
			result({
				subtype: "success",
				is_error: false,
				result: "Resumed.",
				usage: { input_tokens: 3468, output_tokens: 334, cache_read_input_tokens: 900 },
			}),
		]);
		expect(events.filter((event) => event.type === "usage")).toEqual([
			{
				type: "usage",
				mode: "add",
				usage: { inputTokens: 2234, outputTokens: 217, cacheReadTokens: 600, cacheWriteTokens: 0 },
			},
		]);
	});

	it("says the message of an error result", () => {
		const events = parse([
			result({ subtype: "error_during_execution", is_error: true, error: { message: "Reached max turns" } }),
		]);
		expect(events.at(-1)).toMatchObject({ type: "result", ok: false, error: expect.stringContaining("max turns") });
	});
});
