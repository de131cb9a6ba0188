import { chmod, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	READ_FILE_MAX_LINES,
	readFileTool,
	runTool,
	stripWrappingFence,
	writeToFileTool,
} from "../../src/tools/index.js";
import { makeContext, tempDir, writeFiles } from "./helpers.js";

function lines(count: number, make = (n: number) => `line ${n}`): string {
	return `${Array.from({ length: count }, (_, i) => make(i + 1)).join("\n")}\n`;
}

describe("read_file", () => {
	it("shows numbered lines and ranges", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "a.txt": "alpha\r\nbeta\r\ngamma\r\n", "b.txt": lines(50) });
		const context = makeContext(ws);

		const whole = await runTool(readFileTool, { path: "a.txt" }, context);
		expect(whole).toEqual({ ok: true, output: "1 | alpha\n2 | beta\n3 | gamma" });

		const range = await runTool(readFileTool, { path: "b.txt", start_line: 10, end_line: 12 }, context);
		expect(range.ok).toBe(true);
		expect(range.output).toBe("10 | line 10\n11 | line 11\n12 | line 12\n[Showing lines 10-12 of 50.]");

		// Numbers as strings (XML-era habit) are accepted; end_line past the end is clamped.
		const tail = await runTool(readFileTool, { path: "b.txt", start_line: "49", end_line: 80 }, context);
		expect(tail.output).toBe("49 | line 49\n50 | line 50\n[Showing lines 49-50 of 50.]");

		const past = await runTool(readFileTool, { path: "b.txt", start_line: 51 }, context);
		expect(past.ok).toBe(false);
		expect(past.output).toContain("past the end");

		const reversed = await runTool(readFileTool, { path: "b.txt", start_line: 5, end_line: 2 }, context);
		expect(reversed.ok).toBe(false);
	});

	it("caps long files and says how to continue", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "big.txt": lines(READ_FILE_MAX_LINES + 500) });
		const result = await runTool(readFileTool, { path: "big.txt" }, makeContext(ws, { maxOutputChars: 1_000_000 }));
		expect(result.ok).toBe(true);
		const shown = result.output.split("\n");
		expect(shown[READ_FILE_MAX_LINES - 1]).toBe(`${READ_FILE_MAX_LINES} | line ${READ_FILE_MAX_LINES}`);
		expect(result.output).toContain(`of ${READ_FILE_MAX_LINES + 500}`);
		expect(result.output).toContain(`start_line=${READ_FILE_MAX_LINES + 1}`);
	});

	it("stays within maxOutputChars", async () => {
		const ws = await tempDir();
		await writeFiles(ws, {
			"wide.txt": lines(500, (n) => `${n} ${"x".repeat(100)}`),
			"one.min.js": "y".repeat(50_000),
		});
		const context = makeContext(ws, { maxOutputChars: 5_000 });
		const result = await runTool(readFileTool, { path: "wide.txt" }, context);
		expect(result.output.length).toBeLessThanOrEqual(5_000);
		const match = /start_line=(\d+)/.exec(result.output);
		expect(match).not.toBeNull();
		const next = await runTool(readFileTool, { path: "wide.txt", start_line: Number(match?.[1]) }, context);
		expect(next.output.startsWith(`${match?.[1]} | ${match?.[1]} x`)).toBe(true);

		const minified = await runTool(readFileTool, { path: "one.min.js" }, context);
		expect(minified.ok).toBe(true);
		expect(minified.output.length).toBeLessThanOrEqual(5_200);
		expect(minified.output).toContain("line cut");
	});

	it("refuses binary files, directories and missing files with clear messages", async () => {
		const ws = await tempDir();
		await writeFiles(ws, {
			"img.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2]),
			"dir/x.txt": "x",
			"empty.txt": "",
		});
		const context = makeContext(ws);
		const binary = await runTool(readFileTool, { path: "img.png" }, context);
		expect(binary.ok).toBe(false);
		expect(binary.output).toContain("binary");
		const dir = await runTool(readFileTool, { path: "dir" }, context);
		expect(dir.ok).toBe(false);
		expect(dir.output).toContain("directory");
		const missing = await runTool(readFileTool, { path: "nope/missing.ts" }, context);
		expect(missing).toEqual({
			ok: false,
			output: 'File not found: "nope/missing.ts". Use list_files to check the path.',
		});
		const empty = await runTool(readFileTool, { path: "empty.txt" }, context);
		expect(empty.ok).toBe(true);
		expect(empty.output).toContain("empty");
	});
});

describe("write_to_file", () => {
	it("creates parent directories and reports created vs overwritten", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const created = await runTool(writeToFileTool, { path: "deep/er/new.ts", content: "a\nb\n" }, context);
		expect(created).toEqual({ ok: true, output: 'Created "deep/er/new.ts" (2 lines).' });
		expect(await readFile(path.join(ws, "deep/er/new.ts"), "utf8")).toBe("a\nb\n");

		await chmod(path.join(ws, "deep/er/new.ts"), 0o755);
		const overwritten = await runTool(writeToFileTool, { path: "deep/er/new.ts", content: "x\ny\nz\n" }, context);
		expect(overwritten).toEqual({ ok: true, output: 'Overwrote "deep/er/new.ts" (3 lines; it had 2).' });
		expect(await readFile(path.join(ws, "deep/er/new.ts"), "utf8")).toBe("x\ny\nz\n");
		// Permissions survive the temp-file-and-rename write, and no temp file is left behind.
		expect((await stat(path.join(ws, "deep/er/new.ts"))).mode & 0o777).toBe(0o755);
		expect(await readdir(path.join(ws, "deep/er"))).toEqual(["new.ts"]);
	});

	it("strips a single markdown fence wrapped around the whole content", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const result = await runTool(
			writeToFileTool,
			{ path: "main.py", content: "```python\ndef main():\n    print('hi')\n```\n" },
			context,
		);
		expect(result.ok).toBe(true);
		expect(result.output).toContain("Removed the markdown code fence");
		expect(await readFile(path.join(ws, "main.py"), "utf8")).toBe("def main():\n    print('hi')\n");
	});

	it("leaves fences alone unless they wrap everything", () => {
		const markdown = "```bash\nnpm i\n```\n\nText\n\n```js\nrun()\n```\n";
		expect(stripWrappingFence(markdown)).toEqual({ content: markdown, stripped: false });
		const prose = "Intro\n```\ncode\n```\n";
		expect(stripWrappingFence(prose).stripped).toBe(false);
		expect(stripWrappingFence("```\n```\n")).toEqual({ content: "", stripped: true });
		expect(stripWrappingFence("\n````ts\nconst a = 1;\r\n````\n\n")).toEqual({
			content: "const a = 1;\n",
			stripped: true,
		});
	});

	it("removes read_file line numbers and warns about cut-short content", async () => {
		const ws = await tempDir();
		const context = makeContext(ws);
		const numbered = await runTool(
			writeToFileTool,
			{ path: "a.js", content: "1 | const a = 1;\n2 | \n3 | export { a };\n" },
			context,
		);
		expect(numbered.output).toContain("line-number prefixes");
		expect(await readFile(path.join(ws, "a.js"), "utf8")).toBe("const a = 1;\n\nexport { a };\n");

		const short = await runTool(writeToFileTool, { path: "b.js", content: "a\nb\n", line_count: 200 }, context);
		expect(short.ok).toBe(true);
		expect(short.output).toContain("line_count is 200");
	});

	it("refuses to write over a directory", async () => {
		const ws = await tempDir();
		await writeFiles(ws, { "dir/x": "x" });
		const result = await runTool(writeToFileTool, { path: "dir", content: "x" }, makeContext(ws));
		expect(result.ok).toBe(false);
	});
});
