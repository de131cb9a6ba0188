import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyDiffTool, parseDiff, runTool } from "../../src/tools/index.js";
import { makeContext, tempDir, writeFiles } from "./helpers.js";

function block(search: string, replace: string, startLine?: number): string {
	const hint = startLine === undefined ? "" : `:start_line:${startLine}\n-------\n`;
	return `<<<<<<< SEARCH\n${hint}${search}\n=======\n${replace}\n>>>>>>> REPLACE`;
}

async function setup(content: string) {
	const ws = await tempDir();
	await writeFiles(ws, { "file.ts": content });
	const read = () => readFile(path.join(ws, "file.ts"), "utf8");
	const apply = (diff: string) => runTool(applyDiffTool, { path: "file.ts", diff }, makeContext(ws));
	return { ws, read, apply };
}

const SOURCE = [
	"export function add(a: number, b: number) {",
	"\treturn a + b;",
	"}",
	"",
	"export function sub(a: number, b: number) {",
	"\treturn a - b;",
	"}",
	"",
].join("\n");

describe("parseDiff", () => {
	it("reads blocks with and without the optional header lines", () => {
		const parsed = parseDiff(
			`Some prose first\n${block("a", "b", 3)}\n\n<<<<<<< SEARCH\nc\n=======\n>>>>>>> REPLACE\n`,
		);
		expect(parsed).toEqual([
			{ index: 1, startLine: 3, search: ["a"], replace: ["b"] },
			{ index: 2, search: ["c"], replace: [] },
		]);
	});

	it("unescapes marker lines and reports unclosed blocks", () => {
		expect(parseDiff("<<<<<<< SEARCH\n\\=======\n=======\nx\n>>>>>>> REPLACE")).toEqual([
			{ index: 1, search: ["======="], replace: ["x"] },
		]);
		expect(parseDiff("<<<<<<< SEARCH\na\n=======\nb\n")).toEqual({
			error: 'Block 1 is not closed with ">>>>>>> REPLACE".',
		});
		expect(parseDiff("just text")).toHaveProperty("error");
	});
});

describe("apply_diff", () => {
	it("applies a single block", async () => {
		const { read, apply } = await setup(SOURCE);
		const result = await apply(block("\treturn a + b;", "\tconst sum = a + b;\n\treturn sum;"));
		expect(result.ok).toBe(true);
		expect(result.output).toContain('Applied 1 block to "file.ts"');
		expect(await read()).toBe(SOURCE.replace("\treturn a + b;", "\tconst sum = a + b;\n\treturn sum;"));
	});

	it("applies several blocks using the original line numbers", async () => {
		const { read, apply } = await setup(SOURCE);
		const diff = [
			block("export function sub(a: number, b: number) {", "export function subtract(a: number, b: number) {", 5),
			block("export function add(a: number, b: number) {", "// Adds.\nexport function add(a: number, b: number) {", 1),
		].join("\n");
		const result = await apply(diff);
		expect(result.ok).toBe(true);
		expect(result.output).toContain("Applied 2 blocks");
		const updated = await read();
		expect(updated.startsWith("// Adds.\nexport function add(")).toBe(true);
		expect(updated).toContain("export function subtract(");
		expect(result.output).toContain("lines 5-5 are now lines 6-6");
	});

	it("tolerates trailing whitespace and indentation differences, re-indenting the replacement", async () => {
		const { read, apply } = await setup("class A {\n\tm() {\n\t\treturn 1;   \n\t}\n}\n");
		const result = await apply(block("m() {\n\treturn 1;\n}", "m() {\n\treturn 2;\n}"));
		expect(result.ok).toBe(true);
		expect(result.output).toContain("ignoring indentation");
		expect(await read()).toBe("class A {\n\tm() {\n\t\treturn 2;\n\t}\n}\n");

		const trailing = await setup("a  \nb\n");
		const trailingResult = await trailing.apply(block("a\nb", "c\nd"));
		expect(trailingResult.output).toContain("trailing whitespace");
		expect(await trailing.read()).toBe("c\nd\n");
	});

	it("fails on ambiguous matches without start_line and picks the nearest with it", async () => {
		const content = "x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n";
		const { read, apply } = await setup(content);
		const ambiguous = await apply(block("x = 1", "x = 9"));
		expect(ambiguous.ok).toBe(false);
		expect(ambiguous.output).toContain("matches 3 places (lines 1, 3, 5)");
		expect(ambiguous.output).toContain(":start_line:");
		expect(await read()).toBe(content);

		const tie = await apply(block("x = 1", "x = 9", 4));
		expect(tie.ok).toBe(false);
		expect(tie.output).toContain("equally close");

		const picked = await apply(block("x = 1", "x = 9", 1));
		expect(picked.ok).toBe(true);
		expect(await read()).toBe("x = 9\ny = 2\nx = 1\nz = 3\nx = 1\n");
		const picked5 = await apply(block("x = 1", "x = 8", 6));
		expect(picked5.ok).toBe(true);
		expect(await read()).toBe("x = 9\ny = 2\nx = 1\nz = 3\nx = 8\n");
	});

	it("explains a missing match and shows the closest region", async () => {
		const { read, apply } = await setup(SOURCE);
		const result = await apply(block("export function sub(a: number, b: number) {\n\treturn a - c;\n}", "nothing"));
		expect(result.ok).toBe(false);
		expect(result.output).toContain("apply_diff failed on block 1 of 1");
		expect(result.output).toContain("not found");
		expect(result.output).toContain("Closest region in the file (lines 5-7");
		expect(result.output).toContain("6 | \treturn a - b;");
		expect(result.output).toContain("First difference: SEARCH line 2");
		expect(await read()).toBe(SOURCE);
	});

	it("keeps CRLF line endings and a missing final newline", async () => {
		const { read, apply } = await setup("one\r\ntwo\r\nthree");
		const result = await apply(block("two", "2\nzwei"));
		expect(result.ok).toBe(true);
		expect(await read()).toBe("one\r\n2\r\nzwei\r\nthree");
	});

	it("applies all blocks or none", async () => {
		const { ws, read, apply } = await setup(SOURCE);
		const result = await apply([block("\treturn a + b;", "\treturn b + a;"), block("not in the file", "x")].join("\n"));
		expect(result.ok).toBe(false);
		expect(result.output).toContain("block 2 of 2");
		expect(result.output).toContain("No changes were made");
		expect(await read()).toBe(SOURCE);
		expect(await readdir(ws)).toEqual(["file.ts"]);
	});

	it("refuses overlapping blocks, empty SEARCH and missing files", async () => {
		const { read, apply } = await setup(SOURCE);
		const overlap = await apply(
			[
				block("}\n\nexport function sub(a: number, b: number) {", "x", 3),
				block("export function sub(a: number, b: number) {\n\treturn a - b;", "y"),
			].join("\n"),
		);
		expect(overlap.ok).toBe(false);
		expect(overlap.output).toContain("also changes");
		const empty = await apply("<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE");
		expect(empty.ok).toBe(false);
		expect(empty.output).toContain("SEARCH part is empty");
		expect(await read()).toBe(SOURCE);

		const ws = await tempDir();
		const missing = await runTool(applyDiffTool, { path: "nope.ts", diff: block("a", "b") }, makeContext(ws));
		expect(missing.ok).toBe(false);
		expect(missing.output).toContain("write_to_file");
	});

	it("accepts SEARCH text copied with read_file line numbers", async () => {
		const { read, apply } = await setup(SOURCE);
		const result = await apply(
			block(
				"5 | export function sub(a: number, b: number) {\n6 | \treturn a - b;",
				"5 | export function sub(a: number, b: number) {\n6 | \treturn b - a;",
			),
		);
		expect(result.ok).toBe(true);
		expect(await read()).toContain("\treturn b - a;");
	});

	it("deletes lines with an empty REPLACE", async () => {
		const { read, apply } = await setup("a\nb\nc\n");
		const result = await apply("<<<<<<< SEARCH\nb\n=======\n>>>>>>> REPLACE");
		expect(result.ok).toBe(true);
		expect(await read()).toBe("a\nc\n");
	});
});
