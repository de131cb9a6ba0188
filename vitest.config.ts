import { defineConfig } from "vitest/config";

// CI asks for a machine-readable summary (see .ci/run); people get the default reporter only.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
	// Tests import packages by name; the "source" export condition points them at src/, so a
	// test run never depends on a stale dist/.
	resolve: { conditions: ["source"] },
	ssr: { resolve: { conditions: ["source"] } },
	test: {
		include: ["packages/*/test/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
		testTimeout: 20_000,
		hookTimeout: 30_000,
		reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
	},
});
