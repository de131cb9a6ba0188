import { defineConfig } from "vitest/config";

// CI asks for a machine-readable summary (see .ci/run); people get the default reporter only.
const jsonReport = process.env.VITEST_JSON_REPORT;

// Tests import our packages by name; this export condition points them at src/, so a test run
// never depends on a stale dist/. The name is ours alone: a generic "source" would also match
// third-party packages that publish TypeScript under it (eventsource-parser does).
const conditions = ["agent-evals-source"];

export default defineConfig({
	resolve: { conditions },
	ssr: { resolve: { conditions } },
	test: {
		globalSetup: ["./vitest.global-setup.ts"],
		include: ["packages/*/test/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
		// Vitest's default is one worker per core less one: a single worker on these 2-core machines.
		// Most tests wait on child processes (agents, graders, services), so three overlap the waits.
		maxWorkers: 3,
		// Many tests run real tasks (an agent process, a grader): seconds alone, but three workers
		// on two loaded cores have stretched them past 20 s. A hung test still fails in a minute.
		testTimeout: 60_000,
		hookTimeout: 30_000,
		reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
	},
});
