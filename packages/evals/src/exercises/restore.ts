import type { Dirent } from "node:fs";
import { chmod, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkCargoManifest } from "./cargo-manifest.js";
import { isConventionalTest } from "./conventions.js";
import { protectionFor } from "./protection.js";
import type { Exercise } from "./types.js";
import { unskipSource } from "./unskip.js";

export interface RestoreReport {
	/** Test and build-configuration files the agent changed or deleted, put back from the exercise. */
	tampered: string[];
	/** Test and build-configuration files (or linked folders) the exercise does not have, deleted. */
	removed: string[];
}

/**
 * Makes a workspace grade with the exercise's own tests and build configuration (see
 * protection.ts for what counts, per language): deletes build output a build could reuse, puts
 * back every test and configuration file of the exercise that the agent changed or deleted, and
 * deletes test and configuration files the exercise does not have. A test file that differs from
 * the pristine one only by removed skip markers (see `unskipTests`) does not count as changed, so
 * grading twice reports nothing new. Only an unreadable suite throws.
 */
export async function restoreTests(exercise: Exercise, workspace: string): Promise<RestoreReport> {
	const protection = protectionFor(exercise.language);
	await removeStaleOutput(workspace, protection.staleOutput);
	const tampered: string[] = [];
	const owned = new Set([...exercise.testFiles, ...exercise.configFiles]);
	for (const file of [...owned].sort()) {
		if (await restoreFile(exercise, workspace, file)) tampered.push(file);
	}
	const removed: string[] = [];
	for (const entry of await workspaceEntries(workspace)) {
		if (owned.has(entry.file)) continue;
		const protectedName =
			(entry.linkedFolder && !(await lstat(path.join(exercise.dir, entry.file)).catch(() => undefined))) ||
			protection.isConfig(entry.file) ||
			isConventionalTest(exercise.language, entry.file) ||
			isHidden(exercise, entry.file);
		if (!protectedName) continue;
		await rm(path.join(workspace, entry.file), { recursive: true, force: true });
		removed.push(entry.file);
	}
	return { tampered, removed };
}

/** Puts one file back; true when the agent had changed or deleted it. */
async function restoreFile(exercise: Exercise, workspace: string, file: string): Promise<boolean> {
	const pristinePath = path.join(exercise.dir, file);
	const target = path.join(workspace, file);
	const pristine = await readFile(pristinePath);
	await realParents(workspace, file);
	const existing = await lstat(target).catch(() => undefined);
	const current = existing?.isFile() ? await readFile(target) : undefined;
	let wanted = pristine;
	let changed: boolean;
	if (current !== undefined && exercise.language === "rust" && file === "Cargo.toml") {
		const checked = checkCargoManifest(pristine.toString("utf8"), current.toString("utf8"));
		wanted = Buffer.from(checked.manifest);
		changed = checked.tampered;
	} else {
		changed = current === undefined || !isUntouched(exercise, file, pristine, current);
	}
	if (current?.equals(wanted)) return changed;
	// Writing through a symlink the agent put there would change a file elsewhere; replace it.
	if (existing && !existing.isFile()) await rm(target, { recursive: true, force: true });
	await writeFile(target, wanted);
	await chmod(target, (await stat(pristinePath)).mode & 0o7777);
	return changed;
}

function isUntouched(exercise: Exercise, file: string, pristine: Buffer, current: Buffer): boolean {
	if (current.equals(pristine)) return true;
	if (!exercise.testFiles.includes(file)) return false;
	return current.toString("utf8") === unskipSource(exercise.language, pristine.toString("utf8"));
}

/** Replaces any symlink or file standing where a folder of `file` belongs with a real folder. */
async function realParents(workspace: string, file: string): Promise<void> {
	const parts = file.split("/").slice(0, -1);
	let current = workspace;
	for (const part of parts) {
		current = path.join(current, part);
		const found = await lstat(current).catch(() => undefined);
		if (found?.isDirectory()) continue;
		if (found) await rm(current, { recursive: true, force: true });
		await mkdir(current);
	}
}

function isHidden(exercise: Exercise, file: string): boolean {
	// A `.meta/` the agent created could only matter to tools that read it; it is never the work.
	return exercise.hiddenPaths.some((hidden) => file === hidden || file.startsWith(`${hidden}/`));
}

interface WorkspaceEntry {
	/** Relative POSIX path. */
	file: string;
	/** A symlink to a folder: never followed, never part of the work. */
	linkedFolder: boolean;
}

/** Files and symlinks of a workspace (symlinked folders as one entry), without .git. */
async function workspaceEntries(workspace: string): Promise<WorkspaceEntry[]> {
	const found: WorkspaceEntry[] = [];
	const walk = async (relative: string): Promise<void> => {
		let entries: Dirent[];
		try {
			entries = await readdir(path.join(workspace, relative), { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			const file = relative === "" ? entry.name : `${relative}/${entry.name}`;
			if (entry.isDirectory()) {
				if (file !== ".git") await walk(file);
			} else if (entry.isSymbolicLink()) {
				const target = await stat(path.join(workspace, file)).catch(() => undefined);
				found.push({ file, linkedFolder: target?.isDirectory() ?? false });
			} else {
				found.push({ file, linkedFolder: false });
			}
		}
	};
	await walk("");
	return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Deletes build-output folders so the build starts from the sources that are there now. */
async function removeStaleOutput(workspace: string, stale: { anywhere: string[]; top: string[] }): Promise<void> {
	for (const name of stale.top) await rm(path.join(workspace, name), { recursive: true, force: true });
	if (stale.anywhere.length === 0) return;
	const walk = async (relative: string): Promise<void> => {
		let entries: Dirent[];
		try {
			entries = await readdir(path.join(workspace, relative), { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			if (!entry.isDirectory()) continue;
			const folder = relative === "" ? entry.name : `${relative}/${entry.name}`;
			if (stale.anywhere.includes(entry.name)) await rm(path.join(workspace, folder), { recursive: true, force: true });
			else if (folder !== ".git") await walk(folder);
		}
	};
	await walk("");
}
