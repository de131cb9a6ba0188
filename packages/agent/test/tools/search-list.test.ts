import { symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	compileFilePattern,
	globToRegExp,
	LIST_MAX_ENTRIES,
	listFilesTool,
	runTool,
	SEARCH_MAX_MATCHES,
	searchFilesTool,
} from "../../src/tools/index.js";
import { makeContext, tempDir, writeFiles } from "./helpers.js";

async function project() {
	const ws = await tempDir();
	await writeFiles(ws, {
		"src/app.ts": "import { helper } from './util';\n\nexport function main() {\n\treturn helper(1);\n}\n",
		"src/util.ts": "export function helper(n: number) {\n\treturn n * 2;\n}\n",
		"src/view.tsx": "export const View = () => helper(3);\n",
		"src/nested/deep.js": "helper();\n",
		"README.md": "Call helper() to double.\n",
		"node_modules/lib/index.js": "export function helper() {}\n",
		"dist/app.js": "helper(1);\n",
		".git/config": "helper = yes\n",
		"logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x70, 0x65, 0x72]),
	});
	return ws;
}

describe("glob", () => {
	it("translates *, ?, **, braces and classes", () => {
		expect(globToRegExp("*.ts").test("a.ts")).toBe(true);
		expect(globToRegExp("*.ts").test("src/a.ts")).toBe(false);
		expect(globToRegExp("src/**/*.ts").test("src/a.ts")).toBe(true);
		expect(globToRegExp("src/**/*.ts").test("src/x/y/a.ts")).toBe(true);
		expect(globToRegExp("**/*.{ts,tsx}").test("a/b.tsx")).toBe(true);
		expect(globToRegExp("file?.[jt]s").test("file1.js")).toBe(true);
		expect(globToRegExp("file?.[!jt]s").test("file1.js")).toBe(false);
		expect(globToRegExp("a+b(1).txt").test("a+b(1).txt")).toBe(true);
		const pattern = compileFilePattern("*.ts, *.tsx");
		expect(pattern("src/deep/a.tsx")).toBe(true);
		expect(pattern("src/a.js")).toBe(false);
	});
});

describe("search_files", () => {
	it("finds regex matches grouped by file with line numbers and context", async () => {
		const ws = await project();
		const result = await runTool(searchFilesTool, { path: ".", regex: "helper\\(\\d\\)" }, makeContext(ws));
		expect(result.ok).toBe(true);
		expect(result.output).toContain("Found 2 matches in 2 files");
		expect(result.output).toContain("src/app.ts\n  3 | export function main() {\n> 4 | \treturn helper(1);\n  5 | }");
		expect(result.output).toContain("src/view.tsx\n> 1 | export const View = () => helper(3);");
		// Heavy directories and binary files are skipped.
		expect(result.output).not.toContain("dist/app.js");
		expect(result.output).not.toContain("node_modules");
	});

	it("filters by file_pattern and searches a single file", async () => {
		const ws = await project();
		const context = makeContext(ws);
		const tsOnly = await runTool(searchFilesTool, { path: "src", regex: "helper", file_pattern: "*.ts" }, context);
		expect(tsOnly.output).toContain("src/app.ts");
		expect(tsOnly.output).toContain("src/util.ts");
		expect(tsOnly.output).not.toContain("view.tsx");
		expect(tsOnly.output).not.toContain("deep.js");

		const pathPattern = await runTool(
			searchFilesTool,
			{ path: ".", regex: "helper", file_pattern: "src/**/*.js" },
			context,
		);
		expect(pathPattern.output).toContain("src/nested/deep.js");
		expect(pathPattern.output).toContain("1 file");

		const single = await runTool(searchFilesTool, { path: "README.md", regex: "(?i)HELPER" }, context);
		expect(single.output).toContain("> 1 | Call helper() to double.");

		const none = await runTool(searchFilesTool, { path: ".", regex: "nothing-like-this" }, context);
		expect(none.ok).toBe(true);
		expect(none.output).toContain("No matches");
		expect(none.output).not.toContain("logo.png");
	});

	it("reports an invalid regex", async () => {
		const ws = await project();
		const result = await runTool(searchFilesTool, { path: ".", regex: "foo(" }, makeContext(ws));
		expect(result.ok).toBe(false);
		expect(result.output).toMatch(/^Invalid regex "foo\(": .*/);
	});

	it("caps the number of matches", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "many.txt": "hit\n".repeat(SEARCH_MAX_MATCHES + 50) });
		const result = await runTool(
			searchFilesTool,
			{ path: ".", regex: "hit" },
			makeContext(ws, { maxOutputChars: 100_000 }),
		);
		expect(result.ok).toBe(true);
		expect(result.output).toContain(`Found ${SEARCH_MAX_MATCHES} matches`);
		expect(result.output).toContain(`Stopped at ${SEARCH_MAX_MATCHES} matches`);
	});

	it("does not follow links out of the workspace", async () => {
		const ws = await tempDir();
		const outside = await tempDir("agent-outside-");
		await writeFiles(outside, { "secret.txt": "needle\n" });
		await symlink(path.join(outside, "secret.txt"), path.join(ws, "link.txt"));
		await symlink(outside, path.join(ws, "linkdir"));
		const result = await runTool(searchFilesTool, { path: ".", regex: "needle" }, makeContext(ws));
		expect(result.output).toContain("No matches");
	});
});

describe("list_files", () => {
	it("lists one level, sorted, directories with a trailing slash", async () => {
		const ws = await project();
		const result = await runTool(listFilesTool, { path: "." }, makeContext(ws));
		expect(result).toEqual({
			ok: true,
			output: [".git/", "README.md", "dist/", "logo.png", "node_modules/", "src/"].join("\n"),
		});
	});

	it("lists recursively without descending into heavy directories", async () => {
		const ws = await project();
		const result = await runTool(listFilesTool, { path: ".", recursive: "true" }, makeContext(ws));
		expect(result.ok).toBe(true);
		const [listing = "", note = ""] = result.output.split("\n\n");
		expect(listing.split("\n")).toEqual([
			".git/",
			"README.md",
			"dist/",
			"logo.png",
			"node_modules/",
			"src/",
			"src/app.ts",
			"src/nested/",
			"src/nested/deep.js",
			"src/util.ts",
			"src/view.tsx",
		]);
		expect(note).toContain(".git/, dist/, node_modules/");

		const sub = await runTool(listFilesTool, { path: "src/nested", recursive: true }, makeContext(ws));
		expect(sub.output).toBe("src/nested/deep.js");
		// A heavy directory can still be listed when asked for directly.
		const direct = await runTool(listFilesTool, { path: "node_modules" }, makeContext(ws));
		expect(direct.output).toBe("node_modules/lib/");
	});

	it("caps the listing with a note", async () => {
		const ws = await tempDir();
		const files: Record<string, string> = {};
		for (let i = 0; i < LIST_MAX_ENTRIES + 20; i++) files[`d${i % 3}/f${String(i).padStart(4, "0")}.txt`] = "";
		await writeFiles(ws, files);
		const result = await runTool(listFilesTool, { path: ".", recursive: true }, makeContext(ws));
		expect(result.ok).toBe(true);
		const entries = result.output.split("\n\n")[0]?.split("\n") ?? [];
		expect(entries).toHaveLength(LIST_MAX_ENTRIES);
		expect(entries.slice(0, 2)).toEqual(["d0/", "d0/f0000.txt"]);
		expect(result.output).toContain(`Listing stopped at ${LIST_MAX_ENTRIES} entries`);
	});

	it("reports files and missing directories", async () => {
		const ws = await project();
		expect((await runTool(listFilesTool, { path: "README.md" }, makeContext(ws))).ok).toBe(false);
		expect((await runTool(listFilesTool, { path: "missing" }, makeContext(ws))).ok).toBe(false);
	});
});
