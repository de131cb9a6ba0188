import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * `npx evals` and `npx evals-agent` after a fresh `npm install`: npm links bin entries before
 * postinstall builds dist/, and silently skips a target that does not exist yet. So every bin
 * target must be a file committed to the repository (not a build output), and the links npm made
 * must point at it and run.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const rootManifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };

const bins = rootManifest.workspaces.flatMap((workspace) => {
	const manifest = JSON.parse(readFileSync(path.join(repoRoot, workspace, "package.json"), "utf8")) as {
		bin?: Record<string, string>;
	};
	return Object.entries(manifest.bin ?? {}).map(([name, target]) => ({
		name,
		file: path.join(repoRoot, workspace, target),
	}));
});

const tracked = new Set(
	execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" })
		.split("\0")
		.filter(Boolean)
		.map((file) => path.join(repoRoot, file)),
);

describe("bin entries", () => {
	it("are the two CLIs", () => {
		expect(bins.map((bin) => bin.name).sort()).toEqual(["evals", "evals-agent"]);
	});

	it.each(bins)("$name points at a committed, executable node script", ({ file }) => {
		expect(tracked.has(file), `${path.relative(repoRoot, file)} is not committed`).toBe(true);
		expect(readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
		expect(statSync(file).mode & 0o111).not.toBe(0);
	});

	it.each(bins)("$name is linked in node_modules/.bin and answers --help", ({ name, file }) => {
		const link = path.join(repoRoot, "node_modules", ".bin", name);
		expect(realpathSync(link)).toBe(realpathSync(file));
		const result = spawnSync(link, ["--help"], { encoding: "utf8", timeout: 20_000 });
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain(`Usage: ${name} `);
	});

	it.each(bins)("$name says how to build it when dist/ is missing", ({ name, file }) => {
		// The same script in a package that has not been built yet.
		const pkg = mkdtempSync(path.join(os.tmpdir(), "agent-evals-bin-"));
		writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ type: "module" }));
		mkdirSync(path.join(pkg, "bin"));
		const copy = path.join(pkg, "bin", path.basename(file));
		copyFileSync(file, copy);
		const result = spawnSync(process.execPath, [copy, "--help"], { encoding: "utf8", timeout: 20_000 });
		expect(result.status).toBe(1);
		expect(result.stderr).toBe(`${name} is not built yet: run \`npm run build\` in the agent-evals checkout.\n`);
	});
});
