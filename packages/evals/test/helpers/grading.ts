import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A fixture suite under test/fixtures/suites. */
export const fixtureSuite = (name: string) => path.join(here, "..", "fixtures", "suites", name);

/** Temporary folders for one test file, removed when it ends. Call at module level. */
export function tempDirs(prefix: string): () => Promise<string> {
	const temps: string[] = [];
	afterAll(async () => {
		await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
	});
	return async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
		temps.push(dir);
		return dir;
	};
}

/** Whether a tool is installed here (tests that need it skip, saying so, when it is not). */
export function onPath(tool: string): boolean {
	try {
		execFileSync("/bin/sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
}
