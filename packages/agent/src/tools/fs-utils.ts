import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Directories that hold dependencies, build output or VCS data: huge, generated, and almost never
 * what the model is looking for. Recursive listing and search do not descend into them.
 */
export const HEAVY_DIRECTORIES: ReadonlySet<string> = new Set([
	".git",
	".hg",
	".svn",
	"node_modules",
	"target",
	"dist",
	"build",
	"__pycache__",
	".venv",
	".gradle",
	".mypy_cache",
	".pytest_cache",
	".tox",
]);

export function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function isNotFoundError(error: unknown): boolean {
	const code = errorCode(error);
	return code === "ENOENT" || code === "ENOTDIR";
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const SNIFF_BYTES = 8192;

/**
 * Whether bytes look like a binary file: a NUL byte, or many control characters, in the first
 * 8 KB (the heuristic git and editors use). UTF-16 text counts as binary; it is rare in code.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, SNIFF_BYTES);
	if (sample.length === 0) return false;
	let control = 0;
	for (const byte of sample) {
		if (byte === 0) return true;
		// Tab, LF, VT, FF, CR and ESC (colour codes in logs) are normal in text.
		if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 11 && byte !== 12 && byte !== 13 && byte !== 27) control++;
	}
	return control / sample.length > 0.1;
}

/** Reads the start of a file to decide whether it is binary, without loading all of it. */
export async function fileLooksBinary(file: string): Promise<boolean> {
	const handle = await open(file, "r");
	try {
		const buffer = Buffer.alloc(SNIFF_BYTES);
		const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
		return looksBinary(buffer.subarray(0, bytesRead));
	} finally {
		await handle.close();
	}
}

/**
 * Writes a file so that readers see either the old or the new content, never a half-written one:
 * the text goes to a temporary file next to the target, which is then renamed over it. The
 * target's permissions are kept (a script stays executable). Parent directories are created.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
	const directory = path.dirname(file);
	await mkdir(directory, { recursive: true });
	const mode = await stat(file).then(
		(stats) => stats.mode & 0o7777,
		() => undefined,
	);
	const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
	try {
		await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
		if (mode !== undefined) await chmod(temporary, mode);
		await rename(temporary, file);
	} catch (error) {
		await unlink(temporary).catch(() => {});
		throw error;
	}
}
