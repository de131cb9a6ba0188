/**
 * Smoke test of the IPC benchmark: a --quick run must finish and report sane numbers for both
 * implementations. It checks that the harness works, not how fast anything is; the numbers of a
 * run this short on a shared CI machine mean nothing.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./run.mjs", import.meta.url));

interface Throughput {
	msgsPerSec: number;
	mbPerSec: number;
	serverCpuUsPerMsg: number;
	clientCpuUsPerMsg: number;
}
interface ImplResult {
	throughput: Throughput;
	backlogThroughput?: Throughput;
	rtt: { p50Ms: number; p99Ms: number; meanMs: number; samples: number };
}
interface Report {
	node: string;
	socketDir: string;
	options: { samples: number; rounds: number; quick: boolean };
	results: Record<string, ImplResult>;
	ratios: Record<string, number | undefined>;
}

describe("bench:ipc --quick", () => {
	it("measures both implementations and cleans up after itself", async () => {
		// The benchmark loads the built package, like the runner does.
		expect(existsSync(new URL("../../packages/ipc/dist/index.js", import.meta.url)), "run `npm run build`").toBe(true);
		const { stdout } = await run(process.execPath, [script, "--quick", "--json"], {
			cwd: repoRoot,
			timeout: 18_000,
			maxBuffer: 16 * 1024 * 1024,
		});
		const report = JSON.parse(stdout) as Report;

		expect(report.node).toBe(process.version);
		expect(report.options.quick).toBe(true);
		for (const impl of ["ours", "node-ipc"]) {
			const result = report.results[impl];
			expect(result, impl).toBeDefined();
			if (!result) continue;
			for (const throughput of [result.throughput, result.backlogThroughput]) {
				expect(throughput, impl).toBeDefined();
				expect(throughput?.msgsPerSec).toBeGreaterThan(0);
				expect(throughput?.mbPerSec).toBeGreaterThan(0);
				expect(throughput?.serverCpuUsPerMsg).toBeGreaterThan(0);
				expect(throughput?.clientCpuUsPerMsg).toBeGreaterThan(0);
			}
			expect(result.rtt.samples).toBe(report.options.samples * report.options.rounds);
			expect(result.rtt.p50Ms).toBeGreaterThan(0);
			expect(result.rtt.p99Ms).toBeGreaterThanOrEqual(result.rtt.p50Ms);
			expect(Number.isFinite(result.rtt.meanMs)).toBe(true);
		}
		for (const [name, ratio] of Object.entries(report.ratios)) {
			expect(Number.isFinite(ratio) && (ratio ?? 0) > 0, name).toBe(true);
		}
		// Sockets live in a directory of their own, removed with everything in it before exit.
		expect(report.socketDir).toMatch(/agent-evals-ipc-bench-/);
		expect(existsSync(report.socketDir)).toBe(false);
	});
});
