import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { z } from "zod";
import { errorMessage, fileLooksBinary, isNotFoundError } from "./fs-utils.js";
import { optionalLineNumber, pathParameter } from "./params.js";
import { displayPath, resolveInWorkspace } from "./paths.js";
import { numberedLine } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

export const READ_FILE_MAX_LINES = 2000;
// Past this size the line count is not worth reading the rest of the file for.
const COUNT_ALL_LINES_BELOW_BYTES = 20 * 1024 * 1024;
// Room kept free in the output budget for the closing note.
const NOTE_RESERVE = 200;

const inputSchema = z.object({
	path: pathParameter("File to read, relative to the workspace root."),
	start_line: optionalLineNumber("First line to show (1-based). Default: 1."),
	end_line: optionalLineNumber("Last line to show (1-based, inclusive). Default: end of file."),
});

export type ReadFileInput = z.infer<typeof inputSchema>;

/**
 * Lines of a file, read as a stream so a huge log is never held in memory. Splits exactly like
 * splitText (a final line break does not add an empty line; CRLF counts as one break).
 */
async function* readLines(file: string, signal: AbortSignal): AsyncGenerator<string> {
	const stream = createReadStream(file, { encoding: "utf8", signal });
	let pending = "";
	let first = true;
	for await (const chunk of stream as AsyncIterable<string>) {
		pending += first && chunk.startsWith("\uFEFF") ? chunk.slice(1) : chunk;
		first = false;
		let from = 0;
		for (;;) {
			const newline = pending.indexOf("\n", from);
			if (newline === -1) break;
			const line = pending.slice(from, newline);
			yield line.endsWith("\r") ? line.slice(0, -1) : line;
			from = newline + 1;
		}
		pending = pending.slice(from);
	}
	if (pending !== "") yield pending;
}

async function readFile(input: ReadFileInput, context: ToolContext): Promise<ToolResult> {
	const shown = displayPath(context.workspace, input.path);
	const file = await resolveInWorkspace(context.workspace, input.path);
	let size: number;
	try {
		const stats = await stat(file);
		if (stats.isDirectory()) {
			return { ok: false, output: `"${shown}" is a directory, not a file. Use list_files to see what it contains.` };
		}
		// A FIFO or device would block or never end.
		if (!stats.isFile()) return { ok: false, output: `"${shown}" is not a regular file.` };
		size = stats.size;
	} catch (error) {
		if (isNotFoundError(error)) {
			return { ok: false, output: `File not found: "${shown}". Use list_files to check the path.` };
		}
		return { ok: false, output: `Cannot read "${shown}": ${errorMessage(error)}` };
	}
	if (await fileLooksBinary(file)) {
		return {
			ok: false,
			output: `"${shown}" is a binary file (${size} bytes); read_file only shows text files.`,
		};
	}

	const start = input.start_line ?? 1;
	if (input.end_line !== undefined && input.end_line < start) {
		return { ok: false, output: `end_line (${input.end_line}) is before start_line (${start}).` };
	}
	const requestedEnd = input.end_line ?? Number.POSITIVE_INFINITY;
	const lineLimit = start + READ_FILE_MAX_LINES - 1;
	const budget = Math.max(context.maxOutputChars - NOTE_RESERVE, 100);

	const shownLines: string[] = [];
	let used = 0;
	let lineNumber = 0;
	// Set when something that was asked for could not be shown (line cap or output budget).
	let stoppedBefore: number | undefined;
	let truncatedLine = false;
	for await (const line of readLines(file, context.signal)) {
		lineNumber++;
		if (lineNumber < start || lineNumber > requestedEnd) {
			if (lineNumber > requestedEnd && size > COUNT_ALL_LINES_BELOW_BYTES) break;
			continue;
		}
		if (stoppedBefore !== undefined) {
			if (size > COUNT_ALL_LINES_BELOW_BYTES) break;
			continue;
		}
		let text = numberedLine(lineNumber, line);
		if (lineNumber > lineLimit) {
			stoppedBefore = lineNumber;
			continue;
		}
		if (used + text.length + 1 > budget) {
			if (shownLines.length > 0) {
				stoppedBefore = lineNumber;
				continue;
			}
			// A single line longer than the whole budget (minified code): show its beginning.
			text = `${text.slice(0, budget)} [… line cut: ${line.length} characters in total]`;
			truncatedLine = true;
		}
		shownLines.push(text);
		used += text.length + 1;
	}
	const total = lineNumber;
	const countedAll = size <= COUNT_ALL_LINES_BELOW_BYTES;
	const totalText = countedAll ? `${total}` : "an unknown number of";

	if (total === 0) {
		return { ok: true, output: `(the file "${shown}" is empty)` };
	}
	if (shownLines.length === 0) {
		return {
			ok: false,
			output: `start_line ${start} is past the end of "${shown}", which has ${totalText} lines.`,
		};
	}
	const last = start + shownLines.length - 1;
	const notes: string[] = [];
	if (stoppedBefore !== undefined) {
		const why = stoppedBefore > lineLimit ? `at most ${READ_FILE_MAX_LINES} lines` : "the output size limit";
		notes.push(
			`[Showing lines ${start}-${last} of ${totalText} (${why}). To read further, call read_file with start_line=${stoppedBefore}.]`,
		);
	} else if (start > 1 || last < total || !countedAll) {
		notes.push(`[Showing lines ${start}-${last} of ${totalText}.]`);
	}
	if (truncatedLine) notes.push(`[Line ${start} is too long to show in full; its beginning is shown.]`);
	return { ok: true, output: [...shownLines, ...notes].join("\n") };
}

export const readFileTool: ToolDefinition<ReadFileInput> = {
	name: "read_file",
	description: [
		"Read a text file from the workspace. Each line is shown as `<line number> | <text>`; the numbers are not part of the file (leave them out of apply_diff SEARCH blocks and write_to_file content).",
		"Parameters: path (relative to the workspace root), optional start_line and end_line (1-based, inclusive) to read part of a large file.",
		`At most ${READ_FILE_MAX_LINES} lines are returned per call, fewer for very long lines; a note then says which start_line to use to continue.`,
		"Binary files (images, archives, compiled code) are refused. Use list_files or search_files to find files first.",
	].join("\n"),
	inputSchema,
	execute: readFile,
};
