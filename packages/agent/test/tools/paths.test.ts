import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	displayPath,
	PathOutsideWorkspaceError,
	readFileTool,
	resolveInWorkspace,
	runTool,
	toWorkspacePath,
	writeToFileTool,
} from "../../src/tools/index.js";
import { makeContext, tempDir, writeFiles } from "./helpers.js";

describe("resolveInWorkspace", () => {
	it("resolves relative and absolute paths inside the workspace", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "src/a.ts": "x" });
		expect(await resolveInWorkspace(ws, "src/a.ts")).toBe(path.join(ws, "src/a.ts"));
		expect(await resolveInWorkspace(ws, "./src/../src/a.ts")).toBe(path.join(ws, "src/a.ts"));
		expect(await resolveInWorkspace(ws, path.join(ws, "src/a.ts"))).toBe(path.join(ws, "src/a.ts"));
		expect(await resolveInWorkspace(ws, ".")).toBe(ws);
		expect(await resolveInWorkspace(ws, "")).toBe(ws);
		// Not existing yet (a file about to be created) is fine.
		expect(await resolveInWorkspace(ws, "new/dir/file.txt")).toBe(path.join(ws, "new/dir/file.txt"));
		// A name that merely starts with two dots is inside.
		expect(await resolveInWorkspace(ws, "..hidden")).toBe(path.join(ws, "..hidden"));
	});

	it("refuses .. escapes and absolute paths outside", async () => {
		const ws = await tempDir();
		await expect(resolveInWorkspace(ws, "../x")).rejects.toThrow(
			'Path "../x" is outside the workspace; only files under the workspace can be used.',
		);
		await expect(resolveInWorkspace(ws, "src/../../x")).rejects.toBeInstanceOf(PathOutsideWorkspaceError);
		await expect(resolveInWorkspace(ws, "/etc/passwd")).rejects.toBeInstanceOf(PathOutsideWorkspaceError);
		await expect(resolveInWorkspace(ws, `${ws}-sibling/file`)).rejects.toBeInstanceOf(PathOutsideWorkspaceError);
	});

	it("refuses symlinks that lead outside, existing or dangling", async () => {
		const ws = await tempDir();
		const outside = await tempDir("agent-outside-");
		await writeFiles(outside, { "secret.txt": "secret" });
		await symlink(path.join(outside, "secret.txt"), path.join(ws, "link.txt"));
		await symlink(outside, path.join(ws, "linkdir"));
		await symlink(path.join(outside, "not-yet.txt"), path.join(ws, "dangling.txt"));
		for (const requested of ["link.txt", "linkdir", "linkdir/secret.txt", "linkdir/new/file.txt", "dangling.txt"]) {
			await expect(resolveInWorkspace(ws, requested)).rejects.toThrow(/outside the workspace/);
		}
	});

	it("accepts a symlinked directory that stays inside", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "real/a.txt": "a" });
		await symlink(path.join(ws, "real"), path.join(ws, "alias"));
		expect(await resolveInWorkspace(ws, "alias/a.txt")).toBe(path.join(ws, "real/a.txt"));
		expect(await resolveInWorkspace(ws, "alias/new.txt")).toBe(path.join(ws, "real/new.txt"));
	});

	it("accepts a workspace given through a symlink", async () => {
		const base = await tempDir();
		await mkdir(path.join(base, "ws"));
		await symlink(path.join(base, "ws"), path.join(base, "ws-link"));
		const viaLink = path.join(base, "ws-link");
		expect(await resolveInWorkspace(viaLink, "a.txt")).toBe(path.join(base, "ws", "a.txt"));
		expect(await resolveInWorkspace(viaLink, path.join(viaLink, "a.txt"))).toBe(path.join(base, "ws", "a.txt"));
	});

	it("presents paths relative to the workspace with forward slashes", async () => {
		const ws = await tempDir();
		expect(toWorkspacePath(ws, path.join(ws, "src", "a.ts"))).toBe("src/a.ts");
		expect(toWorkspacePath(ws, ws)).toBe(".");
		expect(displayPath(ws, "./src//a.ts")).toBe("src/a.ts");
		expect(displayPath(ws, "../x")).toBe("../x");
	});
});

describe("tools refuse paths outside the workspace", () => {
	it("read_file and write_to_file return ok:false and touch nothing", async () => {
		const ws = await tempDir();
		const outside = await tempDir("agent-outside-");
		await writeFiles(outside, { "secret.txt": "secret" });
		await symlink(outside, path.join(ws, "out"));
		const context = makeContext(ws);

		const read = await runTool(readFileTool, { path: "out/secret.txt" }, context);
		expect(read.ok).toBe(false);
		expect(read.output).toContain("outside the workspace");
		expect(read.output).not.toContain("secret\n");

		const write = await runTool(writeToFileTool, { path: "out/secret.txt", content: "pwned" }, context);
		expect(write.ok).toBe(false);
		expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("secret");

		const escaped = await runTool(writeToFileTool, { path: "../escape.txt", content: "x" }, context);
		expect(escaped).toEqual({
			ok: false,
			output: 'Path "../escape.txt" is outside the workspace; only files under the workspace can be used.',
		});
		await writeFile(path.join(ws, "inside.txt"), "ok");
		expect((await runTool(readFileTool, { path: path.join(ws, "inside.txt") }, context)).ok).toBe(true);
	});
});
