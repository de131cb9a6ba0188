import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Tests that start real processes (evals-agent, the evals CLI) run the compiled dist/. An
 * incremental `tsc -b` makes sure it matches src/ (about a second when nothing changed). The
 * embedded database's seed is remade when the migrations changed since the last build, so every
 * test that opens a new PGlite starts from it as a user's fresh EVALS_HOME does.
 */
export default async function setup(): Promise<void> {
	if (process.env.EVALS_SKIP_BUILD === "1") return;
	const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
	execFileSync(process.execPath, [tsc, "-b"], { stdio: "inherit" });
	const { readSeed, writeSeed } = await import("./packages/evals/src/db/seed.js");
	if (!(await readSeed())) await writeSeed();
}
