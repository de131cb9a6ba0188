import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { nullLogger } from "../../src/log.js";
import type { ToolContext } from "../../src/tools/index.js";

const created: string[] = [];

afterEach(async () => {
	await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh, symlink-resolved temporary directory, removed after the test. */
export async function tempDir(prefix = "agent-tools-"): Promise<string> {
	const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
	created.push(dir);
	return dir;
}

export function makeContext(workspace: string, overrides: Partial<ToolContext> = {}): ToolContext {
	return {
		workspace,
		signal: new AbortController().signal,
		commandTimeoutMs: 10_000,
		maxOutputChars: 20_000,
		log: nullLogger,
		...overrides,
	};
}

/** Writes files given as { "relative/path": content }, creating directories. */
export async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
	for (const [relative, content] of Object.entries(files)) {
		const full = path.join(root, relative);
		await mkdir(path.dirname(full), { recursive: true });
		await writeFile(full, content);
	}
}
