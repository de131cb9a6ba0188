import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { errorMessage, HEAVY_DIRECTORIES, isNotFoundError } from "./fs-utils.js";
import { optionalBoolean, pathParameter } from "./params.js";
import { displayPath, resolveInWorkspace, toWorkspacePath } from "./paths.js";
import type { ToolContext, ToolDefinition, ToolResult } from "./types.js";

export const LIST_MAX_ENTRIES = 500;

const inputSchema = z.object({
	path: pathParameter('Directory to list, relative to the workspace root ("." for the root).'),
	recursive: optionalBoolean("List subdirectories too. Default: false."),
});

export type ListFilesInput = z.infer<typeof inputSchema>;

interface Entry {
	/** Path relative to the workspace, "/"-separated, with a trailing "/" for directories. */
	shown: string;
	segments: string[];
}

function compareSegments(a: string[], b: string[]): number {
	const length = Math.min(a.length, b.length);
	for (let i = 0; i < length; i++) {
		const x = a[i] ?? "";
		const y = b[i] ?? "";
		if (x !== y) return x < y ? -1 : 1;
	}
	return a.length - b.length;
}

async function isDirectoryEntry(entry: Dirent, full: string): Promise<boolean> {
	if (entry.isDirectory()) return true;
	if (!entry.isSymbolicLink()) return false;
	return stat(full).then(
		(stats) => stats.isDirectory(),
		() => false,
	);
}

async function listFiles(input: ListFilesInput, context: ToolContext): Promise<ToolResult> {
	const shown = displayPath(context.workspace, input.path);
	const root = await resolveInWorkspace(context.workspace, input.path);
	try {
		if (!(await stat(root)).isDirectory()) {
			return { ok: false, output: `"${shown}" is a file, not a directory. Use read_file to read it.` };
		}
	} catch (error) {
		if (isNotFoundError(error)) return { ok: false, output: `Directory not found: "${shown}".` };
		return { ok: false, output: `Cannot list "${shown}": ${errorMessage(error)}` };
	}

	// Entries come from the resolved root, so they are shown relative to the resolved workspace.
	const workspace = await realpath(context.workspace);
	const recursive = input.recursive ?? false;
	const entries: Entry[] = [];
	const notDescended: string[] = [];
	let truncated = false;
	// Breadth first, so a capped listing shows the overall shape rather than one deep corner.
	const queue = [root];
	while (queue.length > 0 && !truncated) {
		if (context.signal.aborted) return { ok: false, output: "Listing cancelled." };
		const directory = queue.shift() ?? root;
		let children: Dirent[];
		try {
			children = await readdir(directory, { withFileTypes: true });
		} catch {
			continue;
		}
		children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const child of children) {
			if (entries.length >= LIST_MAX_ENTRIES) {
				truncated = true;
				break;
			}
			const full = path.join(directory, child.name);
			const isDirectory = await isDirectoryEntry(child, full);
			const relative = toWorkspacePath(workspace, full);
			const display = isDirectory ? `${relative}/` : relative;
			entries.push({ shown: display, segments: relative.split("/") });
			if (!recursive || !isDirectory) continue;
			// Linked directories are not followed: they could loop or lead out of the workspace.
			if (HEAVY_DIRECTORIES.has(child.name) || child.isSymbolicLink()) notDescended.push(display);
			else queue.push(full);
		}
	}

	if (entries.length === 0) return { ok: true, output: `"${shown}" is empty.` };
	entries.sort((a, b) => compareSegments(a.segments, b.segments));
	const lines = entries.map((entry) => entry.shown);
	const notes: string[] = [];
	if (truncated) {
		notes.push(
			`[Listing stopped at ${LIST_MAX_ENTRIES} entries. List a subdirectory${recursive ? ", or use recursive=false," : ""} to see more.]`,
		);
	}
	if (notDescended.length > 0) {
		notes.push(
			`[Not listed inside (dependencies, build output, VCS data or links): ${notDescended.join(", ")}. List one directly if you need to.]`,
		);
	}
	return { ok: true, output: [...lines, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n") };
}

export const listFilesTool: ToolDefinition<ListFilesInput> = {
	name: "list_files",
	description: [
		"List the files and directories in a directory of the workspace. Paths are shown relative to the workspace root, directories with a trailing /.",
		'Parameters: path (relative to the workspace root, "." for the root), recursive (optional boolean, default false).',
		`When recursive, the contents of ${[...HEAVY_DIRECTORIES].join(", ")} are not listed (their names are). At most ${LIST_MAX_ENTRIES} entries are returned.`,
	].join("\n"),
	inputSchema,
	execute: listFiles,
};
