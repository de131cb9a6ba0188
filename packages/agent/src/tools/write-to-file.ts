import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { errorMessage, isNotFoundError, writeFileAtomic } from "./fs-utils.js";
import { pathParameter } from "./params.js";
import { displayPath, resolveInWorkspace } from "./paths.js";
import { countLines, joinText, splitText, stripLineNumbersIfAll } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

const inputSchema = z.object({
	path: pathParameter("File to write, relative to the workspace root. Missing parent directories are created."),
	content: z.string().describe("The complete new content of the file, nothing left out."),
	line_count: z
		.preprocess(
			(value) =>
				value === null ? undefined : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value,
			z.number().int().min(0).optional(),
		)
		.optional()
		.describe("Number of lines in content. Used to notice content that was cut short."),
});

export type WriteToFileInput = z.infer<typeof inputSchema>;

const OPENING_FENCE = /^\s*(`{3,}|~{3,})[\w.+#-]*\s*$/;

/**
 * Removes one markdown code fence wrapped around the whole content ("```ts\n…\n```"), a common
 * model mistake that would otherwise end up in the file. Only done when the first and last
 * non-blank lines are a matching fence pair and no line in between starts a fence, so a markdown
 * file that merely begins and ends with code blocks is left alone.
 */
export function stripWrappingFence(content: string): { content: string; stripped: boolean } {
	const split = splitText(content);
	const { lines } = split;
	let first = 0;
	let last = lines.length - 1;
	while (first <= last && (lines[first] ?? "").trim() === "") first++;
	while (last >= first && (lines[last] ?? "").trim() === "") last--;
	if (last - first < 1) return { content, stripped: false };
	const opening = OPENING_FENCE.exec(lines[first] ?? "");
	const fence = opening?.[1];
	if (fence === undefined) return { content, stripped: false };
	const closing = (lines[last] ?? "").trim();
	const fenceChar = fence.charAt(0);
	if (closing.length < fence.length || closing !== fenceChar.repeat(closing.length)) {
		return { content, stripped: false };
	}
	const inner = lines.slice(first + 1, last);
	const marker = fenceChar.repeat(3);
	if (inner.some((line) => line.trimStart().startsWith(marker))) return { content, stripped: false };
	return { content: joinText({ ...split, lines: inner, finalNewline: inner.length > 0 }), stripped: true };
}

async function writeToFile(input: WriteToFileInput, context: ToolContext): Promise<ToolResult> {
	const shown = displayPath(context.workspace, input.path);
	const file = await resolveInWorkspace(context.workspace, input.path);

	let previousLines: number | undefined;
	try {
		const stats = await stat(file);
		if (stats.isDirectory()) {
			return { ok: false, output: `"${shown}" is a directory; write_to_file needs a file path.` };
		}
		previousLines = countLines(await readFile(file, "utf8"));
	} catch (error) {
		if (!isNotFoundError(error)) return { ok: false, output: `Cannot write "${shown}": ${errorMessage(error)}` };
	}

	const notes: string[] = [];
	const unfenced = stripWrappingFence(input.content);
	let content = unfenced.content;
	if (unfenced.stripped) {
		notes.push("Removed the markdown code fence that wrapped the whole content; only the code inside it was written.");
	}
	const split = splitText(content);
	const unnumbered = stripLineNumbersIfAll(split.lines);
	if (unnumbered) {
		content = joinText({ ...split, lines: unnumbered });
		notes.push('Removed "N | " line-number prefixes copied from read_file output.');
	}

	await writeFileAtomic(file, content);

	const lines = countLines(content);
	if (input.line_count !== undefined && lines < input.line_count - 1) {
		notes.push(
			`Warning: line_count is ${input.line_count} but the content has ${lines} lines. If the content was cut short, write the file again with all of it.`,
		);
	}
	const count = `${lines} line${lines === 1 ? "" : "s"}`;
	const summary =
		previousLines === undefined
			? `Created "${shown}" (${count}).`
			: `Overwrote "${shown}" (${count}; it had ${previousLines}).`;
	return { ok: true, output: [summary, ...notes].join("\n") };
}

export const writeToFileTool: ToolDefinition<WriteToFileInput> = {
	name: "write_to_file",
	description: [
		"Create a file, or replace an existing file's whole content. Parent directories are created as needed; the write is atomic.",
		"Parameters: path (relative to the workspace root), content (the COMPLETE file content: never elide parts with comments like '// rest unchanged'), line_count (optional, the number of lines in content).",
		"Write raw file content: a single markdown code fence wrapped around the whole content is removed, as are read_file line-number prefixes.",
		"To change part of an existing file, prefer apply_diff: it is faster and cannot lose unrelated code.",
	].join("\n"),
	inputSchema,
	execute: writeToFile,
};
