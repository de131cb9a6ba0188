import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { estimateTokens, trimToFit } from "../src/task/context-window.js";

function conversation(turns: number, size = 400): ModelMessage[] {
	const messages: ModelMessage[] = [{ role: "user", content: "the task" }];
	for (let i = 0; i < turns; i++) {
		messages.push({
			role: "assistant",
			content: [{ type: "tool-call", toolCallId: `c${i}`, toolName: "read_file", input: { path: `f${i}` } }],
		});
		messages.push({
			role: "tool",
			content: [
				{
					type: "tool-result",
					toolCallId: `c${i}`,
					toolName: "read_file",
					output: { type: "text", value: "x".repeat(size) },
				},
			],
		});
	}
	return messages;
}

describe("trimToFit", () => {
	it("leaves a conversation that fits alone", () => {
		const messages = conversation(3);
		expect(trimToFit(messages, 1_000_000)).toEqual({ messages, removed: 0 });
	});

	it("keeps the task, adds a note and never separates a tool result from its call", () => {
		const messages = conversation(20);
		const budget = Math.floor(estimateTokens(messages) / 3);
		const { messages: trimmed, removed } = trimToFit(messages, budget);
		expect(removed).toBeGreaterThan(0);
		expect(estimateTokens(trimmed)).toBeLessThanOrEqual(budget);
		expect(trimmed[0]).toEqual({ role: "user", content: "the task" });
		expect(trimmed[1]?.role).toBe("user");
		expect(String(trimmed[1]?.content)).toMatch(/removed to fit the context window/);
		// Trimming again replaces the note instead of stacking another one.
		const again = trimToFit([...trimmed, ...conversation(10).slice(1)], budget);
		expect(again.messages.filter((m) => String(m.content).includes("removed to fit")).length).toBe(1);
		expect(trimmed[2]?.role).toBe("assistant");
		const calls = new Set<string>();
		for (const message of trimmed) {
			if (!Array.isArray(message.content)) continue;
			for (const part of message.content) {
				if (part.type === "tool-call") calls.add(part.toolCallId);
				if (part.type === "tool-result") expect(calls.has(part.toolCallId)).toBe(true);
			}
		}
		// The newest turn is always kept.
		expect(trimmed.at(-1)).toEqual(messages.at(-1));
	});
});
