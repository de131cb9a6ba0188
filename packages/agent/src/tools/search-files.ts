import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { errorMessage, HEAVY_DIRECTORIES, isNotFoundError, looksBinary } from "./fs-utils.js";
import { compileFilePattern } from "./glob.js";
import { optionalString, pathParameter } from "./params.js";
import { displayPath, isInside, resolveInWorkspace, toWorkspacePath } from "./paths.js";
import { splitText } from "./text.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

export const SEARCH_MAX_MATCHES = 300;
export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
const MAX_SHOWN_LINE = 300;

const inputSchema = z.object({
	path: pathParameter(
		'Directory (searched recursively) or file to search, relative to the workspace root. "." for everything.',
	),
	regex: z.string().min(1, "must not be empty").describe("JavaScript regular expression matched against each line."),
	file_pattern: optionalString('Glob limiting which files are searched, e.g. "*.ts", "*.{js,jsx}", "src/**/*.py".'),
});

export type SearchFilesInput = z.infer<typeof inputSchema>;

/**
 * Compiles the model's regex. Inline flags at the start ("(?i)foo", ripgrep and Python style) are
 * turned into JavaScript flags, and \p{…} switches on Unicode mode, so patterns written for other
 * engines mostly still work.
 */
export function compileSearchRegex(source: string): RegExp | { error: string } {
	let body = source;
	let flags = "";
	const inline = /^\(\?([a-z]+)\)/.exec(body);
	if (inline?.[1] && /^[ims]+$/.test(inline[1])) {
		flags = inline[1];
		body = body.slice(inline[0].length);
	}
	if (/\\[pP]\{/.test(body)) flags += "u";
	try {
		return new RegExp(body, flags);
	} catch (error) {
		return { error: `Invalid regex ${JSON.stringify(source)}: ${errorMessage(error)}` };
	}
}

interface WalkState {
	workspace: string;
	signal: AbortSignal;
	skippedLarge: number;
}

/** Files under `directory` in a stable order, leaving out heavy directories and links that lead out. */
async function* walk(directory: string, state: WalkState): AsyncGenerator<string> {
	if (state.signal.aborted) return;
	let entries: Dirent[];
	try {
		entries = await readdir(directory, { withFileTypes: true });
	} catch {
		// Unreadable directories (permissions) are skipped rather than failing the whole search.
		return;
	}
	entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	for (const entry of entries) {
		if (state.signal.aborted) return;
		const full = path.join(directory, entry.name);
		if (entry.isDirectory()) {
			if (!HEAVY_DIRECTORIES.has(entry.name)) yield* walk(full, state);
		} else if (entry.isFile()) {
			yield full;
		} else if (entry.isSymbolicLink()) {
			// Linked files are searched when they stay inside the workspace; linked directories are not
			// followed, which rules out cycles.
			const target = await realpath(full).catch(() => undefined);
			if (target === undefined || !isInside(state.workspace, target)) continue;
			const isFile = await stat(target).then(
				(stats) => stats.isFile(),
				() => false,
			);
			if (isFile) yield full;
		}
	}
}

function showLine(line: string, regex: RegExp): string {
	if (line.length <= MAX_SHOWN_LINE) return line;
	const at = line.search(regex);
	const from = Math.max(0, Math.min(at - 50, line.length - MAX_SHOWN_LINE));
	return `${from > 0 ? "…" : ""}${line.slice(from, from + MAX_SHOWN_LINE)}${from + MAX_SHOWN_LINE < line.length ? "…" : ""}`;
}

async function searchFiles(input: SearchFilesInput, context: ToolContext): Promise<ToolResult> {
	const regex = compileSearchRegex(input.regex);
	if (!(regex instanceof RegExp)) return { ok: false, output: regex.error };
	const shown = displayPath(context.workspace, input.path);
	const root = await resolveInWorkspace(context.workspace, input.path);
	let rootIsFile: boolean;
	try {
		rootIsFile = (await stat(root)).isFile();
	} catch (error) {
		if (isNotFoundError(error)) {
			return { ok: false, output: `Path not found: "${shown}". Use list_files to check the path.` };
		}
		throw error;
	}
	const pattern = input.file_pattern?.trim() ? compileFilePattern(input.file_pattern) : undefined;
	const state: WalkState = { workspace: await realpath(context.workspace), signal: context.signal, skippedLarge: 0 };
	const files = rootIsFile ? [root] : walk(root, state);

	const blocks: string[] = [];
	let matchCount = 0;
	let fileCount = 0;
	let searched = 0;
	let hitMatchCap = false;
	let hitOutputCap = false;
	let used = 0;
	const budget = Math.max(context.maxOutputChars - 400, 200);

	for await (const file of files) {
		if (!rootIsFile && pattern && !pattern(toPosix(path.relative(root, file)))) continue;
		const size = await stat(file).then(
			(stats) => stats.size,
			() => -1,
		);
		if (size < 0) continue;
		if (size > SEARCH_MAX_FILE_BYTES) {
			state.skippedLarge++;
			continue;
		}
		const bytes = await readFile(file).catch(() => undefined);
		if (!bytes || looksBinary(bytes)) continue;
		searched++;
		const { lines } = splitText(bytes.toString("utf8"));
		const matched: number[] = [];
		for (let i = 0; i < lines.length && matchCount + matched.length < SEARCH_MAX_MATCHES; i++) {
			if (regex.test(lines[i] ?? "")) matched.push(i);
		}
		if (matched.length === 0) continue;
		if (matchCount + matched.length >= SEARCH_MAX_MATCHES) {
			// Whether more matches exist is unknown; saying "there may be more" is the honest version.
			hitMatchCap = true;
		}

		const matchedSet = new Set(matched);
		const shownLines = new Set<number>();
		for (const i of matched) {
			for (let k = Math.max(0, i - 1); k <= Math.min(lines.length - 1, i + 1); k++) shownLines.add(k);
		}
		const out = [toWorkspacePath(state.workspace, file)];
		let previous = -2;
		for (const i of [...shownLines].sort((a, b) => a - b)) {
			if (previous >= 0 && i > previous + 1) out.push("  …");
			out.push(`${matchedSet.has(i) ? ">" : " "} ${i + 1} | ${showLine(lines[i] ?? "", regex)}`);
			previous = i;
		}
		const block = out.join("\n");
		if (used + block.length + 2 > budget) {
			hitOutputCap = true;
			if (blocks.length === 0) {
				blocks.push(`${block.slice(0, budget)}…`);
				matchCount += matched.length;
				fileCount++;
			}
			break;
		}
		blocks.push(block);
		used += block.length + 2;
		matchCount += matched.length;
		fileCount++;
		if (hitMatchCap) break;
	}
	if (context.signal.aborted) return { ok: false, output: "Search cancelled." };

	const where = rootIsFile ? `"${shown}"` : `"${shown}" (${searched} text file${searched === 1 ? "" : "s"} searched)`;
	const notes: string[] = [];
	if (hitMatchCap) {
		notes.push(
			`[Stopped at ${SEARCH_MAX_MATCHES} matches; there may be more. Use a narrower regex, path or file_pattern.]`,
		);
	}
	if (hitOutputCap) {
		notes.push("[Output size limit reached; there are more matches. Use a narrower regex, path or file_pattern.]");
	}
	if (state.skippedLarge > 0) {
		notes.push(`[Skipped ${state.skippedLarge} file(s) larger than 1 MB; use read_file on them directly.]`);
	}
	if (blocks.length === 0 && !hitOutputCap) {
		return { ok: true, output: [`No matches for /${regex.source}/ in ${where}.`, ...notes].join("\n") };
	}
	const header = `Found ${matchCount} match${matchCount === 1 ? "" : "es"} in ${fileCount} file${fileCount === 1 ? "" : "s"} under ${where}. Lines marked ">" match; the others are context.`;
	return {
		ok: true,
		output: [header, "", blocks.join("\n\n"), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n"),
	};
}

function toPosix(relative: string): string {
	return relative.split(path.sep).join("/");
}

export const searchFilesTool: ToolDefinition<SearchFilesInput> = {
	name: "search_files",
	description: [
		"Search the contents of text files with a regular expression, line by line, and show each match with its line number and one line of context before and after.",
		'Parameters: path (directory searched recursively, or a single file; relative to the workspace root, "." for all), regex (JavaScript regular expression syntax; a leading (?i) makes it case-insensitive), file_pattern (optional glob on file names such as "*.ts" or "*.{py,pyi}", or on paths relative to path when it contains "/", such as "src/**/*.go").',
		`Skips ${[...HEAVY_DIRECTORIES].join(", ")}, binary files and files over 1 MB. Returns at most ${SEARCH_MAX_MATCHES} matches; narrow the search if the note says there are more.`,
	].join("\n"),
	inputSchema,
	execute: searchFiles,
};
