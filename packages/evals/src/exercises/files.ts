import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Build and dependency output: never part of an exercise, never copied into a workspace, never
 * searched for tests. `target` and `build` only count at the top of an exercise (where cargo,
 * Gradle, Maven and CMake put them); deeper they may be ordinary source folders.
 */
export const BUILD_OUTPUT_ANYWHERE = new Set(["node_modules", "__pycache__", ".gradle", ".pytest_cache", ".git"]);
export const BUILD_OUTPUT_AT_TOP = new Set(["target", "build"]);

/** Whether a path is, or lies inside, a build-output folder (a file named "build" is not one). */
export function isBuildOutput(relativePath: string, isDirectory: boolean): boolean {
	const parts = relativePath.split("/");
	const folders = isDirectory ? parts : parts.slice(0, -1);
	if (folders.some((part) => BUILD_OUTPUT_ANYWHERE.has(part))) return true;
	return folders.length > 0 && BUILD_OUTPUT_AT_TOP.has(folders[0] ?? "");
}

/** Forward slashes, no "./", no trailing slash: the one spelling used for relative paths. */
export function toPosix(relativePath: string): string {
	return path.posix
		.normalize(relativePath.split(path.sep).join("/"))
		.replace(/^\.\/+/, "")
		.replace(/\/+$/, "");
}

/** A relative path that stays inside its folder; anything else is refused. */
export function safeRelative(value: string): string | undefined {
	if (value.trim() === "" || path.isAbsolute(value) || /^[a-zA-Z]:[\\/]/.test(value)) return undefined;
	const normalized = toPosix(value);
	if (normalized === "." || normalized === ".." || normalized.startsWith("../")) return undefined;
	return normalized;
}

export async function isDirectory(target: string): Promise<boolean> {
	return (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
}

export async function isFile(target: string): Promise<boolean> {
	return (await stat(target).catch(() => undefined))?.isFile() ?? false;
}

export async function readTextIfExists(target: string): Promise<string | undefined> {
	try {
		return await readFile(target, "utf8");
	} catch {
		return undefined;
	}
}

/**
 * The folders in `dir`, sorted, counting symlinks to folders as folders: a suite may be assembled
 * from links to language folders kept elsewhere.
 */
export async function subdirectories(dir: string): Promise<string[]> {
	let entries: Dirent[];
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch {
		return [];
	}
	const folders: string[] = [];
	for (const entry of entries) {
		if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path.join(dir, entry.name))))) {
			folders.push(entry.name);
		}
	}
	return folders.sort();
}

/**
 * Every file under `dir` as sorted relative POSIX paths, leaving out build output and, unless
 * `includeHidden`, dot-folders (.meta, .docs, .git, editor settings). Symlinks are followed, so a
 * linked folder's files are found; a folder already visited on the way down (a link cycle) is not
 * entered again.
 */
export async function listFiles(dir: string, options: { includeHidden?: boolean } = {}): Promise<string[]> {
	const found: string[] = [];
	const walk = async (relative: string, ancestors: Set<string>): Promise<void> => {
		const absolute = path.join(dir, relative);
		const real = await realpath(absolute).catch(() => undefined);
		if (real === undefined || ancestors.has(real)) return;
		const inside = new Set(ancestors).add(real);
		let entries: Dirent[];
		try {
			entries = await readdir(absolute, { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
			const kind = entry.isSymbolicLink() ? await stat(path.join(dir, child)).catch(() => undefined) : entry;
			if (kind === undefined) continue;
			if (isBuildOutput(child, kind.isDirectory())) continue;
			if (kind.isDirectory()) {
				if (!options.includeHidden && entry.name.startsWith(".")) continue;
				await walk(child, inside);
			} else if (kind.isFile()) {
				found.push(child);
			}
		}
	};
	await walk("", new Set());
	return found.sort();
}
