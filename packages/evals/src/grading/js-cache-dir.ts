import os from "node:os";
import path from "node:path";

/*
 * Its own module because the bwrap sandbox mounts this folder too (node_modules links point into
 * it), and the sandbox must not import the grader.
 */

/** The JavaScript cache folder: `$EVALS_CACHE_DIR/js`, else `${XDG_CACHE_HOME:-~/.cache}/agent-evals/js`. */
export function jsCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
	const base =
		env.EVALS_CACHE_DIR ||
		path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "agent-evals");
	return path.join(base, "js");
}
