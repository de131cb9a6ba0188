import { realpath } from "node:fs/promises";
import path from "node:path";
import { badRequest } from "./errors.js";

/** The variable naming more folders whose suites the API may load, separated like PATH. */
export const SUITE_ROOTS_ENV = "EVALS_SUITE_ROOTS";

/**
 * The folders a suite named over the API must lie in: the server's default suite, the bundled
 * one, and those of `EVALS_SUITE_ROOTS`. The API starts agents on whatever suite it is given, and
 * its error messages describe the folder: without a fence, any caller could make it read (and
 * reveal) any path on the machine.
 */
export function suiteRootsFrom(
	env: Readonly<Record<string, string | undefined>>,
	builtIn: readonly string[],
): string[] {
	const extra = (env[SUITE_ROOTS_ENV] ?? "").split(path.delimiter).filter((dir) => dir.trim() !== "");
	return [...new Set([...builtIn, ...extra].map((dir) => path.resolve(dir)))];
}

/**
 * `requested` as an absolute path when it is one of `roots` or inside one (links followed, so a
 * link inside a root cannot point out of it); otherwise a 400 naming the setting to change.
 */
export async function allowedSuitePath(requested: string, roots: readonly string[]): Promise<string> {
	const absolute = path.resolve(requested);
	const real = await realpath(absolute).catch(() => absolute);
	for (const root of roots) {
		const realRoot = await realpath(root).catch(() => root);
		if (within(realRoot, real)) return absolute;
	}
	throw badRequest(
		`The suite "${requested}" is outside the folders this server loads suites from (${roots.join(", ")}); ` +
			`list its folder in ${SUITE_ROOTS_ENV} where the server runs.`,
		[{ path: "suite", message: "outside the allowed suite roots" }],
	);
}

function within(root: string, target: string): boolean {
	const relative = path.relative(root, target);
	return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
