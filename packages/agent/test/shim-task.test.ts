import { randomInt } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nullLogger } from "../src/log.js";
import type { CliAgentSpec } from "../src/shim/spec.js";
import { ShimTask } from "../src/shim/task.js";

const temps: string[] = [];
afterAll(async () => {
	await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), "shim-task-"));
	temps.push(dir);
	return dir;
}

/** Live processes whose command line holds `marker`. */
async function processesWith(marker: string): Promise<number[]> {
	const found: number[] = [];
	for (const name of await readdir("/proc")) {
		if (!/^\d+$/.test(name)) continue;
		const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
		const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
		if (cmdline.includes(marker) && !/\) [ZX] /.test(stat)) found.push(Number(name));
	}
	return found;
}

/** A CLI that starts a command in a session of its own (as PTY-based tools do) and exits at once. */
function leavingCli(marker: string): CliAgentSpec {
	return {
		name: "leaving",
		title: "Leaving CLI",
		package: "leaving",
		version: "1.0.0",
		supports: { min: "1.0.0", below: "2.0.0" },
		bin: "sh",
		providers: ["anthropic"],
		providerNote: "only anthropic",
		capabilities: { tokens: "none", cacheTokens: false, cost: "table", tools: false, resume: false },
		launch: () => ({
			command: "sh",
			args: ["-c", `setsid sleep ${marker} >/dev/null 2>&1 </dev/null & echo done`],
			env: {},
		}),
		parser: () => ({ line: (text) => (text === "done" ? [{ type: "result", ok: true }] : []) }),
		toolName: () => undefined,
	};
}

describe("shim task", () => {
	it("ends a run only when nothing it started is left, even after the CLI itself exited", async () => {
		const marker = `31.${randomInt(100_000_000, 999_999_999)}`;
		const task = ShimTask.create(
			{
				spec: leavingCli(marker),
				storageRoot: await tempDir(),
				workspace: await tempDir(),
				env: process.env,
				binPath: "sh",
				cacheDir: await tempDir(),
				emit: () => {},
				log: nullLogger,
			},
			{ apiProvider: "anthropic", apiModelId: "claude-test" },
		);
		try {
			expect(await task.start("go")).toBe("completed");
			// The command left the CLI's tree and group; the run's marker in its environment found it.
			expect(await processesWith(marker)).toEqual([]);
		} finally {
			for (const pid of await processesWith(marker)) process.kill(pid, "SIGKILL");
		}
	});
});
