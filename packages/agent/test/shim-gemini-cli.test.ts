import { describe, expect, it } from "vitest";
import { geminiCli } from "../src/shim/clis/gemini-cli.js";
import type { CliEvent } from "../src/shim/spec.js";

/*
 * Gemini CLI's stream-json as version 0.61 printed it against the mock LLM server (timestamps
 * dropped), so the parser is checked without the CLI.
 */

function parse(lines: unknown[]): CliEvent[] {
	const parser = geminiCli.parser();
	return [...lines.flatMap((line) => parser.line(JSON.stringify(line))), ...(parser.end?.() ?? [])];
}

describe("Gemini CLI stream parser", () => {
	it("reads the session, text deltas, tools and the run's usage (input including cached)", () => {
		const events = parse([
			{ type: "init", session_id: "c4859f4f", model: "gemini-2.5-flash" },
			{ type: "message", role: "user", content: "Do the task." },
			{ type: "message", role: "assistant", content: "Wri", delta: true },
			{ type: "tool_use", tool_name: "write_file", tool_id: "w1", parameters: { file_path: "/w/a.py", content: "x" } },
			{ type: "tool_result", tool_id: "w1", status: "success" },
			{ type: "tool_use", tool_name: "run_shell_command", tool_id: "r1", parameters: { command: "ls" } },
			{ type: "tool_result", tool_id: "r1", status: "error", output: "", error: { message: "denied" } },
			{
				type: "result",
				status: "success",
				stats: { total_tokens: 7353, input_tokens: 6702, output_tokens: 651, cached: 1800, input: 4902 },
			},
		]);
		expect(events).toEqual([
			{ type: "session", id: "c4859f4f" },
			{ type: "text", text: "Wri", delta: true },
			{ type: "tool", id: "w1", name: "write_file", input: { file_path: "/w/a.py", content: "x" } },
			{ type: "tool_result", id: "w1", output: "", failed: false },
			{ type: "tool", id: "r1", name: "run_shell_command", input: { command: "ls" } },
			{ type: "tool_result", id: "r1", output: "denied", failed: true },
			{
				type: "usage",
				mode: "total",
				usage: { inputTokens: 6702, outputTokens: 651, cacheReadTokens: 1800, cacheWriteTokens: 0 },
			},
			{ type: "result", ok: true, error: undefined },
		]);
		expect(geminiCli.toolName("write_file", {})).toBe("write_to_file");
		expect(geminiCli.toolName("run_shell_command", {})).toBe("execute_command");
	});

	it("counts thinking as output: the rest of the total after the input", () => {
		const events = parse([
			{
				type: "result",
				status: "success",
				// 1000 prompt, 100 candidates and 400 thoughts tokens.
				stats: { total_tokens: 1500, input_tokens: 1000, output_tokens: 100, cached: 0 },
			},
		]);
		expect(events[0]).toMatchObject({ type: "usage", usage: { inputTokens: 1000, outputTokens: 500 } });
	});

	it("fails with the API's message, or with the error line before a result that has none", () => {
		const refused = parse([
			{
				type: "result",
				status: "error",
				error: { type: "unknown", message: '[API Error: {"error":{"code":400,"message":"refused"}}]' },
				stats: { input_tokens: 0, output_tokens: 0, cached: 0 },
			},
		]);
		expect(refused.at(-1)).toMatchObject({ type: "result", ok: false, error: expect.stringContaining("refused") });
		const invalid = parse([
			{ type: "error", severity: "warning", message: "retrying" },
			{ type: "error", severity: "error", message: "The model returned an empty response." },
			{ type: "result", status: "error", stats: {} },
		]);
		expect(invalid.at(-1)).toEqual({ type: "result", ok: false, error: "The model returned an empty response." });
	});
});
