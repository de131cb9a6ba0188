import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { commitBaseline, MAX_DIFF_CHARS, workspaceDiff } from "../src/run/git-baseline.js";
import { tempDir } from "./helpers/runner.js";

const dirs: string[] = [];
afterEach(async () => {
	await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workspace(files: Record<string, string>): Promise<string> {
	const dir = tempDir("git-baseline");
	dirs.push(dir);
	for (const [name, content] of Object.entries(files)) {
		await mkdir(join(dir, name, ".."), { recursive: true });
		await writeFile(join(dir, name), content);
	}
	return dir;
}

describe("git baseline", () => {
	it("shows what changed since the pristine copy: edits and new files, never build output", async () => {
		const dir = await workspace({ "adder.py": "def add(a, b):\n    pass\n", "docs/instructions.md": "Add.\n" });
		expect(await commitBaseline(dir)).toBe(true);
		expect(await workspaceDiff(dir)).toBe("");

		await writeFile(join(dir, "adder.py"), "def add(a, b):\n    return a + b\n");
		await writeFile(join(dir, "notes.txt"), "new\n");
		await mkdir(join(dir, "node_modules", "left-pad"), { recursive: true });
		await writeFile(join(dir, "node_modules", "left-pad", "index.js"), "module.exports = 1;\n");
		await mkdir(join(dir, "__pycache__"));
		await writeFile(join(dir, "__pycache__", "adder.cpython-311.pyc"), "bytes");

		const diff = await workspaceDiff(dir);
		expect(diff).toContain("-    pass\n+    return a + b");
		expect(diff).toContain("+++ b/notes.txt");
		expect(diff).not.toContain("node_modules");
		expect(diff).not.toContain("__pycache__");
		expect(await readFile(join(dir, ".git", "info", "exclude"), "utf8")).toContain("node_modules/");
	});

	it("cuts a huge diff, saying so", async () => {
		const dir = await workspace({ "big.txt": "" });
		await commitBaseline(dir);
		await writeFile(join(dir, "big.txt"), "x".repeat(80).concat("\n").repeat(5_000));
		const diff = await workspaceDiff(dir);
		expect(diff.length).toBeLessThan(MAX_DIFF_CHARS + 100);
		expect(diff).toMatch(/\[diff cut at \d+ characters\]\n$/);
	});

	it("says why there is no diff when the workspace has no baseline, and never touches a repository around it", async () => {
		const outer = await workspace({ "tracked.txt": "outer\n" });
		expect(await commitBaseline(outer)).toBe(true);
		const dir = join(outer, "workspace");
		await mkdir(dir);
		await writeFile(join(dir, "a.txt"), "a\n");
		expect(await workspaceDiff(dir)).toMatch(/^\(no diff: /);
		// The outer repository's index is as it was: a.txt was not added to it.
		const { stdout } = await promisify(execFile)("git", ["ls-files"], { cwd: outer });
		expect(stdout).toBe("tracked.txt\n");
	});
});
