import type { Dirent } from "node:fs";
import { copyFile, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import path from "node:path";
import { isBuildOutput } from "./files.js";
import type { Exercise } from "./types.js";

export class WorkspaceError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = "WorkspaceError";
	}
}

function isHidden(exercise: Exercise, relative: string): boolean {
	return exercise.hiddenPaths.some((hidden) => relative === hidden || relative.startsWith(`${hidden}/`));
}

/**
 * Copies an exercise into `dest` (created if needed, and it must be empty) as the agent will see
 * it: without its hidden paths (`.meta/`: reference solution, config) and without build output
 * left in the suite folder. File modes are kept (gradlew stays executable); symlinks are copied
 * as symlinks.
 *
 * Exercism's C++ CMakeLists.txt names its target after the folder it is in, so for those
 * exercises `dest` should end in the exercise's name.
 */
export async function prepareWorkspace(exercise: Exercise, dest: string): Promise<void> {
	await mkdir(dest, { recursive: true });
	if ((await readdir(dest)).length > 0) throw new WorkspaceError(`workspace ${dest} is not empty`);
	const copy = async (relative: string): Promise<void> => {
		let entries: Dirent[];
		try {
			entries = await readdir(path.join(exercise.dir, relative), { withFileTypes: true });
		} catch (error) {
			throw new WorkspaceError(`cannot read exercise folder ${path.join(exercise.dir, relative)}`, { cause: error });
		}
		for (const entry of entries) {
			const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
			if (isHidden(exercise, child) || isBuildOutput(child, entry.isDirectory())) continue;
			const from = path.join(exercise.dir, child);
			const to = path.join(dest, child);
			if (entry.isDirectory()) {
				await mkdir(to);
				await copy(child);
			} else if (entry.isSymbolicLink()) {
				await symlink(await readlink(from), to);
			} else if (entry.isFile()) {
				await copyFile(from, to);
			}
		}
	};
	await copy("");
}

/**
 * Writes the reference solution into `dest` at workspace-relative paths, for the offline oracle
 * agent, which copies it over a workspace. `dest` is outside the workspace on purpose: the agent
 * under test must never find it there. Returns the paths written (empty: no reference).
 */
export async function prepareReference(exercise: Exercise, dest: string): Promise<string[]> {
	await mkdir(dest, { recursive: true });
	const written: string[] = [];
	for (const file of exercise.reference) {
		const to = path.join(dest, file.to);
		await mkdir(path.dirname(to), { recursive: true });
		await copyFile(file.from, to);
		written.push(file.to);
	}
	return written;
}
