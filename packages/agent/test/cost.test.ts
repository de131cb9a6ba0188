import { anthropicModels, openAiModels } from "@agent-evals/types/models";
import type { LanguageModelUsage } from "ai";
import { describe, expect, it } from "vitest";
import { costFromAnthropicStyle, costOf, turnUsageFromAnthropicStyle, usageFromAiSdk } from "../src/providers/cost.js";

const sonnet = { inputPrice: 3, outputPrice: 15, cacheWritesPrice: 3.75, cacheReadsPrice: 0.3 };

function sdkUsage(
	partial: Partial<LanguageModelUsage> & { cacheRead?: number; cacheWrite?: number },
): LanguageModelUsage {
	return {
		inputTokens: partial.inputTokens,
		outputTokens: partial.outputTokens,
		totalTokens: (partial.inputTokens ?? 0) + (partial.outputTokens ?? 0),
		inputTokenDetails: {
			noCacheTokens: undefined,
			cacheReadTokens: partial.cacheRead,
			cacheWriteTokens: partial.cacheWrite,
		},
		outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
	};
}

describe("costOf", () => {
	it("prices uncached input, cache writes, cache reads and output separately", () => {
		const usage = { inputTokens: 26_000, outputTokens: 500, cacheReadTokens: 20_000, cacheWriteTokens: 5_000 };
		// 1000 uncached × $3 + 5000 written × $3.75 + 20000 read × $0.30 + 500 out × $15, per million.
		expect(costOf(usage, sonnet)).toBeCloseTo(0.03525, 10);
	});

	it("gives the same number for the same call counted Anthropic-style and OpenAI-style", () => {
		const anthropicStyle = { input: 1_000, output: 500, cacheRead: 20_000, cacheWrite: 5_000 };
		const openAiStyle = { inputTokens: 26_000, outputTokens: 500, cacheReadTokens: 20_000, cacheWriteTokens: 5_000 };
		expect(costFromAnthropicStyle(anthropicStyle, sonnet)).toBeCloseTo(costOf(openAiStyle, sonnet), 12);
		expect(turnUsageFromAnthropicStyle(anthropicStyle)).toEqual(openAiStyle);
		const opus = anthropicModels["claude-opus-4-1"];
		expect(opus).toBeDefined();
		if (opus) expect(costFromAnthropicStyle(anthropicStyle, opus)).toBeCloseTo(costOf(openAiStyle, opus), 12);
	});

	it("treats absent cache counts as zero in the Anthropic convention", () => {
		expect(costFromAnthropicStyle({ input: 1_000_000, output: 1_000_000 }, sonnet)).toBeCloseTo(18, 10);
	});

	it("bills cache tokens at the input price when the model has no cache prices", () => {
		const plain = { inputPrice: 2, outputPrice: 6 };
		const usage = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 400_000, cacheWriteTokens: 100_000 };
		expect(costOf(usage, plain)).toBeCloseTo(2, 10);
		// Only the read price known (OpenAI): writes fall back to the input price.
		const gpt41 = openAiModels["gpt-4.1"];
		expect(gpt41).toBeDefined();
		if (gpt41) expect(costOf(usage, gpt41)).toBeCloseTo((500_000 * 2 + 100_000 * 2 + 400_000 * 0.5) / 1e6, 10);
	});

	it("prefers the cost the provider reported", () => {
		const usage = {
			inputTokens: 1_000,
			outputTokens: 1_000,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			reportedCost: 0.0042,
		};
		expect(costOf(usage, sonnet)).toBe(0.0042);
		expect(costOf({ ...usage, reportedCost: 0 }, sonnet)).toBe(0);
	});

	it("costs nothing without prices", () => {
		expect(costOf({ inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, {})).toBe(0);
	});
});

describe("usageFromAiSdk", () => {
	it("reads the cache counts from inputTokenDetails", () => {
		expect(usageFromAiSdk(sdkUsage({ inputTokens: 100, outputTokens: 20, cacheRead: 60, cacheWrite: 30 }))).toEqual({
			inputTokens: 100,
			outputTokens: 20,
			cacheReadTokens: 60,
			cacheWriteTokens: 30,
		});
	});

	it("falls back to Anthropic's provider metadata", () => {
		const usage = usageFromAiSdk(sdkUsage({ inputTokens: 100, outputTokens: 20 }), {
			anthropic: { cacheCreationInputTokens: 30, usage: { cache_read_input_tokens: 60, input_tokens: 10 } },
		});
		expect(usage).toEqual({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 60, cacheWriteTokens: 30 });
	});

	it("falls back to Bedrock's provider metadata", () => {
		const usage = usageFromAiSdk(sdkUsage({ inputTokens: 100, outputTokens: 20 }), {
			bedrock: { usage: { cacheReadInputTokens: 50, cacheWriteInputTokens: 25 } },
		});
		expect(usage).toMatchObject({ cacheReadTokens: 50, cacheWriteTokens: 25 });
	});

	it("takes OpenRouter's reported cost and cached tokens", () => {
		const usage = usageFromAiSdk(sdkUsage({ inputTokens: 100, outputTokens: 20 }), {
			openrouter: { usage: { promptTokens: 100, promptTokensDetails: { cachedTokens: 40 }, cost: 0.00123 } },
		});
		expect(usage).toEqual({
			inputTokens: 100,
			outputTokens: 20,
			cacheReadTokens: 40,
			cacheWriteTokens: 0,
			reportedCost: 0.00123,
		});
	});

	it("does not let metadata override counts the SDK already has", () => {
		const usage = usageFromAiSdk(sdkUsage({ inputTokens: 100, outputTokens: 20, cacheRead: 5, cacheWrite: 0 }), {
			anthropic: { cacheCreationInputTokens: 99, usage: { cache_read_input_tokens: 99 } },
		});
		expect(usage).toMatchObject({ cacheReadTokens: 5, cacheWriteTokens: 0 });
	});

	it("counts missing numbers as zero and ignores junk metadata", () => {
		const usage = usageFromAiSdk(sdkUsage({}), { openrouter: { usage: { cost: "free" } }, anthropic: { usage: null } });
		expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
	});
});
