import { defineConfig } from "vitest/config";

// CI asks for a machine-readable summary (see .ci/run); people get the default reporter only.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
	// Tests import packages by name; the "source" export condition points them at src/, so a
	// test run never depends on a stale dist/.
	resolve: { conditions: ["source"] },
	ssr: { resolve: { conditions: ["source"] } },
	test: {
		globalSetup: ["./vitest.global-setup.ts"],
		// The AI SDK imports eventsource-parser, whose exports also have a "source" condition
		// pointing at TypeScript; Node, given --conditions source by vitest, cannot load it.
		// Pre-bundled with esbuild, these load fast and resolve it to compiled code.
		deps: {
			optimizer: {
				ssr: {
					enabled: true,
					include: [
						"ai",
						"@ai-sdk/provider",
						"@ai-sdk/provider-utils",
						"@ai-sdk/amazon-bedrock",
						"@ai-sdk/anthropic",
						"@ai-sdk/deepseek",
						"@ai-sdk/google",
						"@ai-sdk/google-vertex",
						"@ai-sdk/google-vertex/anthropic",
						"@ai-sdk/groq",
						"@ai-sdk/mistral",
						"@ai-sdk/openai",
						"@ai-sdk/openai-compatible",
						"@ai-sdk/xai",
						"@openrouter/ai-sdk-provider",
						// The MCP SDK's clients import eventsource and eventsource-parser (same problem).
						"@modelcontextprotocol/sdk/client/index.js",
						"@modelcontextprotocol/sdk/client/sse.js",
						"@modelcontextprotocol/sdk/client/stdio.js",
						"@modelcontextprotocol/sdk/client/streamableHttp.js",
						"@modelcontextprotocol/sdk/types.js",
					],
				},
			},
		},
		include: ["packages/*/test/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
		testTimeout: 20_000,
		hookTimeout: 30_000,
		reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
	},
});
