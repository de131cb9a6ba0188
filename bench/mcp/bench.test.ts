/**
 * Smoke test of the MCP benchmark: a --quick run must finish and report sane numbers for both
 * implementations and both payloads. It checks the harness, not the speed: numbers from a run
 * this short on a shared machine mean nothing.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./run.mjs", import.meta.url));

interface Row {
	sdk: { p50Ms: number; p99Ms: number; samples: number };
	ours: { p50Ms: number; p99Ms: number; samples: number };
	ratioP50: number;
	ratioP99: number;
}

describe("bench:mcp --quick", () => {
	it("calls echo through the hub and through the SDK with both payloads", async () => {
		const { stdout } = await run(process.execPath, [script, "--quick", "--json"], { cwd: repoRoot, timeout: 120_000 });
		const report = JSON.parse(stdout) as { results: Record<string, Row> };
		expect(Object.keys(report.results)).toEqual(["1 KB", "100 KB"]);
		for (const row of Object.values(report.results)) {
			for (const impl of [row.sdk, row.ours]) {
				expect(impl.samples).toBe(20);
				expect(impl.p50Ms).toBeGreaterThan(0);
				expect(impl.p99Ms).toBeGreaterThanOrEqual(impl.p50Ms);
			}
			expect(row.ratioP50).toBeCloseTo(row.ours.p50Ms / row.sdk.p50Ms, 6);
		}
	}, 150_000);
});
