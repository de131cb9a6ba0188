import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { errorMessage, isNotFoundError, looksBinary, writeFileAtomic } from "./fs-utils.js";
import { pathParameter } from "./params.js";
import { displayPath, resolveInWorkspace } from "./paths.js";
import { joinText, numberedLine, splitText, stripLineNumberPrefix, stripLineNumbersIfAll } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

const inputSchema = z.object({
	path: pathParameter("File to edit, relative to the workspace root."),
	diff: z.string().describe("One or more SEARCH/REPLACE blocks (format in the tool description)."),
});

export type ApplyDiffInput = z.infer<typeof inputSchema>;

export interface DiffBlock {
	/** 1-based position of the block in the diff, for messages. */
	index: number;
	/** The :start_line: hint, 1-based. */
	startLine?: number;
	search: string[];
	replace: string[];
}

const SEARCH_MARKER = /^<{7,}\s*SEARCH>?\s*$/;
const DIVIDER = /^={7,}\s*$/;
const REPLACE_MARKER = /^>{7,}\s*REPLACE<?\s*$/;
const HEADER_SEPARATOR = /^-{7,}\s*$/;
const START_LINE = /^:start_line:\s*(\d+)\s*$/;
// Older Roo Code prompts also asked for :end_line:; it carries nothing the search text does not.
const END_LINE = /^:end_line:\s*\d+\s*$/;
// A content line that would read as a marker is written with a leading backslash.
const ESCAPED_MARKER = /^\\(?=<{7,}|={7,}|>{7,}|-{7,})/;

function unescapeMarker(line: string): string {
	return line.replace(ESCAPED_MARKER, "");
}

/** Parses SEARCH/REPLACE blocks. Text outside blocks (prose, code fences) is ignored. */
export function parseDiff(diff: string): DiffBlock[] | { error: string } {
	const blocks: DiffBlock[] = [];
	let state: "outside" | "header" | "search" | "replace" = "outside";
	let current: DiffBlock = { index: 0, search: [], replace: [] };
	const lines = diff.split(/\r?\n/);
	for (const line of lines) {
		const blockName = `block ${current.index}`;
		if (state === "outside") {
			if (SEARCH_MARKER.test(line)) {
				current = { index: blocks.length + 1, search: [], replace: [] };
				state = "header";
			} else if (DIVIDER.test(line) || REPLACE_MARKER.test(line)) {
				return { error: `Found "${line.trim()}" outside a block: each block must start with "<<<<<<< SEARCH".` };
			}
			continue;
		}
		if (state === "header") {
			const start = START_LINE.exec(line);
			if (start) {
				current.startLine = Number(start[1]);
				continue;
			}
			if (END_LINE.test(line)) continue;
			state = "search";
			if (HEADER_SEPARATOR.test(line)) continue;
		}
		if (state === "search") {
			if (DIVIDER.test(line)) {
				state = "replace";
			} else if (SEARCH_MARKER.test(line) || REPLACE_MARKER.test(line)) {
				return {
					error: `In ${blockName}, "${line.trim()}" came before the "=======" line that separates SEARCH from REPLACE.`,
				};
			} else {
				current.search.push(unescapeMarker(line));
			}
			continue;
		}
		if (REPLACE_MARKER.test(line)) {
			blocks.push(current);
			state = "outside";
		} else if (SEARCH_MARKER.test(line)) {
			return {
				error: `${capitalize(blockName)} is not closed with ">>>>>>> REPLACE" before the next "<<<<<<< SEARCH".`,
			};
		} else if (DIVIDER.test(line)) {
			return {
				error: `${capitalize(blockName)} has a second "=======" line. If it is file content, escape it as "\\=======".`,
			};
		} else {
			current.replace.push(unescapeMarker(line));
		}
	}
	if (state !== "outside") {
		return { error: `Block ${current.index} is not closed with ">>>>>>> REPLACE".` };
	}
	if (blocks.length === 0) {
		return { error: 'No SEARCH/REPLACE block found. Each block starts with "<<<<<<< SEARCH" (format below).' };
	}
	return blocks;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

type MatchLevel = "exact" | "trailing whitespace" | "indentation";

const LEVELS: { level: MatchLevel; normalize: (line: string) => string }[] = [
	{ level: "exact", normalize: (line) => line },
	{ level: "trailing whitespace", normalize: (line) => line.trimEnd() },
	{ level: "indentation", normalize: (line) => line.trim() },
];

function findAll(haystack: readonly string[], needle: readonly string[]): number[] {
	const found: number[] = [];
	const first = needle[0];
	for (let start = 0; start + needle.length <= haystack.length; start++) {
		if (haystack[start] !== first) continue;
		let k = 1;
		while (k < needle.length && haystack[start + k] === needle[k]) k++;
		if (k === needle.length) found.push(start);
	}
	return found;
}

interface Located {
	block: DiffBlock;
	/** 0-based first line of the match in the original file. */
	start: number;
	length: number;
	replacement: string[];
	level: MatchLevel;
	candidates: number;
}

type Failure = { kind: "none" } | { kind: "ambiguous"; lines: number[]; tie: boolean };

function leadingWhitespace(line: string): string {
	return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/**
 * When a block matched only by ignoring indentation, the REPLACE text carries the model's
 * indentation, not the file's. Shifting it by the difference seen on the first non-blank line
 * keeps the edit aligned with the code around it.
 */
function reindent(replace: string[], search: string[], matched: readonly string[]): string[] {
	const anchor = search.findIndex((line) => line.trim() !== "");
	const searchIndent = leadingWhitespace(search[anchor] ?? "");
	const fileIndent = leadingWhitespace(matched[anchor] ?? "");
	if (searchIndent === fileIndent) return replace;
	return replace.map((line) =>
		line.trim() !== "" && line.startsWith(searchIndent) ? fileIndent + line.slice(searchIndent.length) : line,
	);
}

function locate(
	fileLines: string[],
	normalized: Map<MatchLevel, string[]>,
	block: DiffBlock,
	search: string[],
	replace: string[],
): Located | Failure {
	for (const { level, normalize } of LEVELS) {
		let haystack = normalized.get(level);
		if (!haystack) {
			haystack = fileLines.map(normalize);
			normalized.set(level, haystack);
		}
		const matches = findAll(haystack, search.map(normalize));
		if (matches.length === 0) continue;
		let start = matches[0] ?? 0;
		if (matches.length > 1) {
			if (block.startLine === undefined) return { kind: "ambiguous", lines: matches, tie: false };
			const hint = block.startLine - 1;
			const sorted = [...matches].sort((a, b) => Math.abs(a - hint) - Math.abs(b - hint));
			const [best = 0, second = 0] = sorted;
			if (Math.abs(best - hint) === Math.abs(second - hint)) return { kind: "ambiguous", lines: matches, tie: true };
			start = best;
		}
		const matched = fileLines.slice(start, start + search.length);
		const replacement = level === "indentation" ? reindent(replace, search, matched) : replace;
		return { block, start, length: search.length, replacement, level, candidates: matches.length };
	}
	return { kind: "none" };
}

// How alike two lines are, from 0 to 1: the share of the longer line covered by their common
// start and end. Cheap enough to run over every window of a large file, and good at the usual
// near-misses (a changed word, a missing semicolon).
function lineSimilarity(a: string, b: string): number {
	if (a === b) return 1;
	const longest = Math.max(a.length, b.length);
	const shortest = Math.min(a.length, b.length);
	let prefix = 0;
	while (prefix < shortest && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
	let suffix = 0;
	while (suffix < shortest - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) {
		suffix++;
	}
	return (prefix + suffix) / longest;
}

const MAX_SIMILARITY_WORK = 3_000_000;
const MAX_REGION_LINES = 40;

function clip(text: string, max = 160): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Describes the part of the file that looks most like a SEARCH text that was not found. */
function closestRegion(fileLines: string[], search: string[], hint: number | undefined): string {
	const trimmedFile = fileLines.map((line) => line.trim());
	const trimmedSearch = search.map((line) => line.trim());
	const windowSize = Math.min(search.length, fileLines.length);
	if (windowSize === 0) return "The file is empty.";
	const exactOnly = fileLines.length * windowSize > MAX_SIMILARITY_WORK;
	let bestStart = -1;
	let bestScore = 0;
	for (let start = 0; start + windowSize <= fileLines.length; start++) {
		let score = 0;
		for (let k = 0; k < windowSize; k++) {
			const a = trimmedFile[start + k] ?? "";
			const b = trimmedSearch[k] ?? "";
			score += exactOnly ? (a === b ? 1 : 0) : lineSimilarity(a, b);
		}
		const better =
			score > bestScore ||
			(score === bestScore && score > 0 && hint !== undefined && Math.abs(start - hint) < Math.abs(bestStart - hint));
		if (better) {
			bestScore = score;
			bestStart = start;
		}
	}
	if (bestStart === -1) return "No similar region was found in the file.";
	const percent = Math.round((bestScore / search.length) * 100);
	const shownCount = Math.min(windowSize, MAX_REGION_LINES);
	const region = fileLines
		.slice(bestStart, bestStart + shownCount)
		.map((line, k) => numberedLine(bestStart + k + 1, line));
	if (windowSize > shownCount) region.push(`… (${windowSize - shownCount} more lines)`);
	const parts = [
		`Closest region in the file (lines ${bestStart + 1}-${bestStart + windowSize}, about ${percent}% similar):`,
		...region,
	];
	for (let k = 0; k < windowSize; k++) {
		const fileLine = fileLines[bestStart + k] ?? "";
		const searchLine = search[k] ?? "";
		if (fileLine === searchLine) continue;
		const whitespaceOnly = fileLine.trim() === searchLine.trim();
		parts.push(
			`First difference: SEARCH line ${k + 1} is \`${clip(searchLine)}\` but file line ${bestStart + k + 1} is \`${clip(fileLine)}\`${whitespaceOnly ? " (whitespace only)" : ""}.`,
		);
		break;
	}
	return parts.join("\n");
}

function describeLines(lines: number[]): string {
	const shown = lines.slice(0, 10).map((line) => line + 1);
	return shown.join(", ") + (lines.length > shown.length ? `, … (${lines.length} in all)` : "");
}

async function applyDiff(input: ApplyDiffInput, context: ToolContext): Promise<ToolResult> {
	const shown = displayPath(context.workspace, input.path);
	const file = await resolveInWorkspace(context.workspace, input.path);
	let bytes: Buffer;
	try {
		const stats = await stat(file);
		if (stats.isDirectory()) return { ok: false, output: `"${shown}" is a directory, not a file.` };
		if (!stats.isFile()) return { ok: false, output: `"${shown}" is not a regular file.` };
		bytes = await readFile(file);
	} catch (error) {
		if (isNotFoundError(error)) {
			return {
				ok: false,
				output: `File not found: "${shown}". apply_diff edits existing files; use write_to_file to create a new one.`,
			};
		}
		return { ok: false, output: `Cannot read "${shown}": ${errorMessage(error)}` };
	}
	if (looksBinary(bytes))
		return { ok: false, output: `"${shown}" is a binary file; apply_diff only edits text files.` };

	const parsed = parseDiff(input.diff);
	if ("error" in parsed) return { ok: false, output: `${parsed.error}\n\n${FORMAT_HELP}` };

	const original = splitText(bytes.toString("utf8"));
	const fileLines = original.lines;
	const total = parsed.length;
	const unchanged = "No changes were made: all blocks are applied together or not at all.";
	const fail = (block: DiffBlock, problem: string, detail?: string): ToolResult => ({
		ok: false,
		output: [
			`apply_diff failed on block ${block.index} of ${total} in "${shown}": ${problem} ${unchanged}`,
			...(detail ? ["", detail] : []),
		].join("\n"),
	});

	const normalized = new Map<MatchLevel, string[]>();
	const located: Located[] = [];
	for (const block of parsed) {
		if (block.search.every((line) => line.trim() === "")) {
			if (fileLines.length === 0 && total === 1) {
				located.push({ block, start: 0, length: 0, replacement: block.replace, level: "exact", candidates: 1 });
				continue;
			}
			return fail(
				block,
				"its SEARCH part is empty.",
				"SEARCH must hold the exact existing lines to replace. To insert code, put a neighbouring line in SEARCH and repeat it in REPLACE next to the new code.",
			);
		}
		let result = locate(fileLines, normalized, block, block.search, block.replace);
		if ("kind" in result && result.kind === "none") {
			const unnumbered = stripLineNumbersIfAll(block.search);
			if (unnumbered) {
				result = locate(fileLines, normalized, block, unnumbered, block.replace.map(stripLineNumberPrefix));
			}
		}
		if ("kind" in result) {
			if (result.kind === "ambiguous") {
				const where = describeLines(result.lines);
				return fail(
					block,
					result.tie
						? `its SEARCH text matches ${result.lines.length} places (lines ${where}) and :start_line:${block.startLine} is equally close to two of them.`
						: `its SEARCH text matches ${result.lines.length} places (lines ${where}).`,
					"Add a :start_line: line with the line number where the intended match starts, or include more surrounding lines in SEARCH so it matches only once.",
				);
			}
			return fail(
				block,
				"the SEARCH text was not found in the file (also not when ignoring whitespace and indentation differences).",
				`${closestRegion(fileLines, block.search, block.startLine === undefined ? undefined : block.startLine - 1)}\n\nRead the file again with read_file and copy the SEARCH lines exactly as they are now.`,
			);
		}
		located.push(result);
	}

	const ordered = [...located].sort((a, b) => a.start - b.start);
	for (let i = 1; i < ordered.length; i++) {
		const previous = ordered[i - 1];
		const next = ordered[i];
		if (previous && next && previous.start + previous.length > next.start) {
			return fail(
				next.block,
				`it changes lines that block ${previous.block.index} also changes (from line ${next.start + 1}).`,
				"Merge overlapping changes into one block.",
			);
		}
	}

	const lines = [...fileLines];
	for (const edit of [...ordered].reverse()) {
		lines.splice(edit.start, edit.length, ...edit.replacement);
	}
	const updated = joinText({ ...original, lines, finalNewline: original.finalNewline || fileLines.length === 0 });
	await writeFileAtomic(file, updated);

	// Report where each edit ended up in the new file, which is what the model reads next.
	let shift = 0;
	const details = ordered.map((edit) => {
		const newStart = edit.start + shift + 1;
		shift += edit.replacement.length - edit.length;
		const range =
			edit.replacement.length === 0
				? `removed lines ${edit.start + 1}-${edit.start + edit.length}`
				: `lines ${edit.start + 1}-${edit.start + edit.length} are now lines ${newStart}-${newStart + edit.replacement.length - 1}`;
		const how: string[] = [];
		if (edit.level === "trailing whitespace") how.push("matched ignoring trailing whitespace");
		if (edit.level === "indentation") how.push("matched ignoring indentation; REPLACE re-indented to fit");
		if (edit.candidates > 1) how.push(`picked the match nearest :start_line: among ${edit.candidates}`);
		return `- block ${edit.block.index}: ${range}${how.length > 0 ? ` (${how.join("; ")})` : ""}`;
	});
	const summary = `Applied ${total} block${total === 1 ? "" : "s"} to "${shown}".`;
	return { ok: true, output: [summary, ...details].join("\n") };
}

const FORMAT_HELP = [
	"Format of each block:",
	"<<<<<<< SEARCH",
	":start_line:12",
	"-------",
	"exact existing lines",
	"=======",
	"new lines",
	">>>>>>> REPLACE",
].join("\n");

export const applyDiffTool: ToolDefinition<ApplyDiffInput> = {
	name: "apply_diff",
	description: [
		"Edit an existing file by replacing exact blocks of lines. Parameters: path (relative to the workspace root) and diff, made of one or more blocks:",
		FORMAT_HELP,
		"Rules:",
		"- SEARCH must repeat the current lines of the file exactly (whitespace included), without read_file's line-number prefixes. Include enough lines to be unique; keep blocks small.",
		"- :start_line: (optional) is the line where SEARCH starts; it picks the right match when the SEARCH text occurs more than once. The ------- line is optional too.",
		"- If no exact match exists, a match ignoring trailing whitespace, then indentation, is used (REPLACE is then re-indented to fit).",
		"- Several blocks can go in one diff; they must not overlap and use the file's line numbers from before the edit. Either all blocks apply or none does.",
		"- An empty REPLACE deletes the lines. A content line that looks like a marker (=======, <<<<<<< SEARCH, >>>>>>> REPLACE, -------) must be escaped with a leading backslash.",
		"- On failure the file is unchanged and the reply shows the closest region of the file; fix the block and retry.",
	].join("\n"),
	inputSchema,
	execute: applyDiff,
};
