import { readlink, realpath } from "node:fs/promises";
import path from "node:path";

/** A path the model asked for that lies outside the workspace. Its message is written for the model. */
export class PathOutsideWorkspaceError extends Error {
	constructor(
		readonly requested: string,
		reason: "outside" | "symlink",
	) {
		super(
			reason === "outside"
				? `Path "${requested}" is outside the workspace; only files under the workspace can be used.`
				: `Path "${requested}" leads outside the workspace through a symbolic link; only files under the workspace can be used.`,
		);
		this.name = "PathOutsideWorkspaceError";
	}
}

/** True when `candidate` is `root` or lies below it (both absolute and normalised). */
export function isInside(root: string, candidate: string): boolean {
	const relative = path.relative(root, candidate);
	if (relative === "") return true;
	// A sibling on another drive (Windows) comes back absolute rather than with "..".
	if (path.isAbsolute(relative)) return false;
	return relative !== ".." && !relative.startsWith(`..${path.sep}`);
}

function isNotFound(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return code === "ENOENT" || code === "ENOTDIR";
}

// Deep enough for any real layout; a cycle of dangling links must not recurse forever.
const MAX_LINK_HOPS = 40;

/**
 * The real location `target` would refer to, even when its tail does not exist yet (a file about to
 * be created). The existing part is resolved by the OS; a dangling symlink on the way is followed by
 * hand, because writing through it would create its target, wherever that is.
 */
async function realLocation(target: string, hops = 0): Promise<string> {
	const missing: string[] = [];
	let current = target;
	for (;;) {
		try {
			const real = await realpath(current);
			return path.join(real, ...missing);
		} catch (error) {
			if (!isNotFound(error)) throw error;
		}
		const link = await readlink(current).catch(() => undefined);
		if (link !== undefined) {
			if (hops >= MAX_LINK_HOPS) throw new Error(`Too many levels of symbolic links at "${current}".`);
			const linkTarget = await realLocation(path.resolve(path.dirname(current), link), hops + 1);
			return path.join(linkTarget, ...missing);
		}
		const parent = path.dirname(current);
		if (parent === current) return path.join(current, ...missing);
		missing.unshift(path.basename(current));
		current = parent;
	}
}

/**
 * Turns a path from the model into an absolute, symlink-resolved path inside the workspace.
 * Relative paths are taken from the workspace root; absolute ones must already point inside it.
 * Throws PathOutsideWorkspaceError for `..` escapes and for symlinks (existing or dangling) that
 * lead out, so a tool can never read or write outside the workspace.
 */
export async function resolveInWorkspace(workspace: string, requested: string): Promise<string> {
	const cleaned = requested.trim() === "" ? "." : requested.trim();
	const root = path.resolve(workspace);
	const realRoot = await realpath(root);
	const lexical = path.resolve(root, cleaned);
	// The workspace may be given through a symlink (/tmp vs /private/tmp): an absolute path spelled
	// either way is fine.
	if (!isInside(root, lexical) && !isInside(realRoot, lexical)) {
		throw new PathOutsideWorkspaceError(requested, "outside");
	}
	const real = await realLocation(lexical);
	if (!isInside(realRoot, real)) throw new PathOutsideWorkspaceError(requested, "symlink");
	return real;
}

/**
 * How a path is shown to the model: relative to the workspace, with forward slashes ("." for the
 * root). Paths that are not under the workspace are shown absolute rather than as "../..".
 */
export function toWorkspacePath(workspace: string, absolute: string): string {
	const relative = path.relative(path.resolve(workspace), path.resolve(absolute));
	if (relative === "") return ".";
	if (path.isAbsolute(relative) || relative === ".." || relative.startsWith(`..${path.sep}`)) {
		return absolute.split(path.sep).join("/");
	}
	return relative.split(path.sep).join("/");
}

/**
 * The path the model used, tidied for messages: relative to the workspace when it names a place
 * inside it (so a symlinked directory keeps the name the model knows), as given otherwise.
 */
export function displayPath(workspace: string, requested: string): string {
	const cleaned = requested.trim() === "" ? "." : requested.trim();
	const lexical = path.resolve(workspace, cleaned);
	return isInside(path.resolve(workspace), lexical) ? toWorkspacePath(workspace, lexical) : cleaned;
}
