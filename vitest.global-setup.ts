import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Tests that start real processes (evals-agent, the evals CLI) run the compiled dist/. An
 * incremental `tsc -b` makes sure it matches src/ (about a second when nothing changed).
 */
export default function setup(): void {
	if (process.env.EVALS_SKIP_BUILD === "1") return;
	const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
	execFileSync(process.execPath, [tsc, "-b"], { stdio: "inherit" });
}
